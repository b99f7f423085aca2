"""The exchange endpoints (push, mailbox), the monitoring page, the catalogue and provenance."""

from __future__ import annotations

import json
import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.test import TestCase, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_org, make_user, provincial_inspector
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import save_enterprise
from anjian.exchange import batches, keys, transport
from anjian.exchange.models import Peer, QuarantinedBatch
from anjian.exchange.outbox import canonical, local_seq
from anjian.regions.models import Region
from tests.exchange.helpers import FakeSender


class ExchangeWebTest(TestCase):
    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.enterContext(override_settings(NODE_CODE="000000", VAR_DIR=Path(tmp.name)))
        keys.keygen()
        self.sender = FakeSender()
        self.peer = self.sender.register(mode="pull")
        self.inspector = provincial_inspector("ex_beijing", "110000")

    def post_batch(self, content: bytes) -> Any:
        return self.client.post(reverse("exchange:batches"), content, content_type=batches.MEDIA_TYPE)

    # --- push endpoint -------------------------------------------------------------------

    def test_push_endpoint_applies_and_answers_a_signed_receipt(self) -> None:
        self.sender.create(10)
        response = self.post_batch(self.sender.batch(1, 10))
        self.assertEqual(response.status_code, 200)
        document = response.json()
        self.assertEqual(document["receipt"]["status"], "applied")
        self.assertEqual(document["receipt"]["received_seq"], 10)
        public = keys.keygen()[0]
        self.assertTrue(
            keys.verify(public, "gm", canonical(document["receipt"]), document["signature"]["value"])
        )
        self.assertEqual(Enterprise.objects.filter(source_node="110000").count(), 10)

    def test_push_endpoint_refuses_tampered_and_holds_gaps(self) -> None:
        self.sender.create(10)
        tampered = self.sender.batch(1, 5).replace("有限".encode(), "无限".encode(), 1)
        response = self.post_batch(tampered)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["receipt"]["error"], "bad_hash")
        response = self.post_batch(self.sender.batch(6, 10))
        self.assertEqual(response.status_code, 202)
        self.assertEqual(response.json()["receipt"]["resend_from"], 1)
        self.assertEqual(Enterprise.objects.filter(source_node="110000").count(), 0)

    def test_push_endpoint_applies_nothing_before_this_node_has_a_key(self) -> None:
        from anjian.exchange.models import NodeKey

        NodeKey.objects.all().delete()
        self.sender.create(3)
        response = self.post_batch(self.sender.batch(1, 3))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["error"], "receiver_not_ready")
        self.assertEqual(Enterprise.objects.filter(source_node="110000").count(), 0)

    def test_push_endpoint_refuses_garbage(self) -> None:
        response = self.post_batch(b"not a batch")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["receipt"]["error"], "malformed")
        self.assertEqual(QuarantinedBatch.objects.get().error, "malformed")

    # --- mailbox (pull) ------------------------------------------------------------------

    def signed_request(self, after: int, *, when: datetime | None = None, key: Any = None) -> str:
        body = {
            "node": "110000",
            "peer": "000000",
            "after": after,
            "time": (when or datetime.now(UTC)).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "nonce": secrets.token_hex(16),
        }
        return canonical(
            {"request": body, "signature": batches.sign_document(body, key or self.sender.key)}
        ).decode()

    def mailbox(self, header: str, after: int = 0) -> Any:
        return self.client.get(
            reverse("exchange:mailbox"), {"after": after}, headers={transport.REQUEST_HEADER: header}
        )

    def test_mailbox_serves_our_records_to_a_signed_request(self) -> None:
        region = Region.objects.get(code="110108")
        for index, uscc in enumerate(["91110108MA01W3HQ1P", "91110108726366192N"]):
            save_enterprise(
                Enterprise(uscc=uscc, name=f"国家节点企业{index}", region=region, sector="hazchem"), user=None
            )
        response = self.mailbox(self.signed_request(0))
        self.assertEqual(response.status_code, 200)
        manifest = batches.peek(response.content)
        self.assertEqual(
            (manifest["sender"], manifest["receiver"], manifest["count"]), ("000000", "110000", 2)
        )
        self.assertEqual(self.mailbox(self.signed_request(manifest["last_seq"])).status_code, 204)
        self.peer.refresh_from_db()
        self.assertEqual(self.peer.acked_seq, manifest["last_seq"])

    def test_mailbox_refuses_unsigned_forged_and_stale_requests(self) -> None:
        self.assertEqual(self.mailbox("").status_code, 403)
        forged = FakeSender()
        self.assertEqual(self.mailbox(self.signed_request(0, key=forged.key)).json()["error"], "unknown_key")
        stale = self.signed_request(0, when=datetime.now(UTC) - timedelta(hours=1))
        self.assertEqual(self.mailbox(stale).json()["error"], "stale_request")

    # --- monitoring page, catalogue ------------------------------------------------------

    def test_monitor_page_shows_peers_and_quarantine(self) -> None:
        self.post_batch(b"garbage")
        self.client.force_login(self.inspector)
        response = self.client.get(reverse("exchange:monitor"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "110000")
        self.assertContains(response, "malformed")

    def test_monitor_page_needs_the_permission(self) -> None:
        org = make_org("北京燕山测试企业", "110000", org_type="enterprise")
        self.client.force_login(make_user("ex_enterprise", org, RoleCode.ENTERPRISE_SAFETY_OFFICER))
        self.assertEqual(self.client.get(reverse("exchange:monitor")).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("exchange:monitor")).status_code, 302)

    def test_catalog_lists_shared_datasets(self) -> None:
        api = APIClient()
        self.assertIn(api.get("/api/v1/exchange/catalog/").status_code, (401, 403))
        api.force_authenticate(self.inspector)
        data = api.get("/api/v1/exchange/catalog/").json()
        dataset = next(d for d in data["datasets"] if d["dataset"] == "enterprises.enterprise")
        self.assertEqual(dataset["schema_version"], 1)
        fields = {f["name"]: f["type"] for f in dataset["fields"]}
        self.assertEqual(fields["region"], "ref:regions.region")
        self.assertEqual(fields["uscc"], "CharField")
        self.assertEqual(data["node"], "000000")

    def test_status_is_json(self) -> None:
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("exchange", "status", stdout=out)
        status = json.loads(out.getvalue())
        self.assertEqual(status["node"], "000000")
        self.assertEqual(status["peers"][0]["code"], "110000")

    # --- received records: read-only, provenance, scope ----------------------------------

    def test_received_record_is_read_only_traceable_and_scoped(self) -> None:
        made = self.sender.create(1)
        self.post_batch(self.sender.batch(1, 1))
        copy = Enterprise.objects.get(uid=made[0].uid)
        self.client.force_login(self.inspector)
        page = self.client.get(copy.get_absolute_url())
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "交换接收，只读")
        self.assertContains(page, "自节点 110000 接收版本 1")
        edit = reverse("enterprises:enterprise_edit", args=[copy.pk])
        self.assertEqual(self.client.get(edit).status_code, 403)
        api = APIClient()
        api.force_authenticate(self.inspector)
        self.assertEqual(
            api.patch(f"/api/v1/enterprises/{copy.pk}/", {"address": "改"}, format="json").status_code, 403
        )
        self.client.force_login(provincial_inspector("ex_hebei", "130000"))
        self.assertEqual(self.client.get(copy.get_absolute_url()).status_code, 404)
        api.force_authenticate(provincial_inspector("ex_hebei_api", "130000"))
        self.assertEqual(api.get(f"/api/v1/enterprises/{copy.pk}/").status_code, 404)

    def test_local_record_shows_which_peer_received_which_version(self) -> None:
        region = Region.objects.get(code="110108")
        enterprise = save_enterprise(
            Enterprise(uscc="91110108MA01W3HQ1P", name="国家节点企业", region=region, sector="hazchem"),
            user=None,
        )
        seq = local_seq()
        Peer.objects.filter(pk=self.peer.pk).update(acked_seq=seq)
        enterprise.address = "新地址"
        save_enterprise(enterprise, user=None)
        self.client.force_login(self.inspector)
        page = self.client.get(enterprise.get_absolute_url())
        self.assertContains(page, "已确认接收版本 1")
        self.assertContains(page, "最新版本待送达")


class ReceiptTest(TestCase):
    def test_stale_receipts_do_not_move_acknowledgement_back(self) -> None:
        peer = Peer.objects.create(code="110000", sent_seq=50, acked_seq=40)
        transport.apply_receipt(peer, {"received_seq": 10, "resend_from": 11})
        peer.refresh_from_db()
        self.assertEqual((peer.acked_seq, peer.sent_seq), (40, 50))
        transport.apply_receipt(peer, {"received_seq": 45, "resend_from": 46})
        peer.refresh_from_db()
        self.assertEqual((peer.acked_seq, peer.sent_seq), (45, 45))  # resend from 46
