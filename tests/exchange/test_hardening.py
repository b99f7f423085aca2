"""Regressions of the exchange review: receipts and pulled batches only from the peer exchanged
with, the guarded upsert, replayed and malformed mailbox requests, unauthenticated refusals,
releasing held batches, and the worker outliving unexpected errors."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import TestCase, override_settings
from django.urls import reverse

from anjian.audit.models import AuditEvent, ObjectChange
from anjian.core.services import save_object
from anjian.enterprises.models import Enterprise
from anjian.exchange import batches, keys, receive, transport
from anjian.exchange.models import (
    Peer,
    QuarantinedBatch,
    QuarantineStatus,
    Receipt,
    RequestNonce,
)
from anjian.exchange.outbox import canonical
from anjian.regions.models import Region
from tests.exchange.helpers import FakeSender


class ExchangeTestCase(TestCase):
    """This database is the national node 000000; 110000 and 120000 are registered peers."""

    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.enterContext(override_settings(NODE_CODE="000000", VAR_DIR=Path(tmp.name)))
        keys.keygen()
        self.beijing = FakeSender(code="110000")
        self.peer = self.beijing.register(mode="push")
        Peer.objects.filter(pk=self.peer.pk).update(url="https://beijing.example")
        self.tianjin = FakeSender(code="120000")
        self.tianjin.register(mode="push")

    def local_records(self, count: int = 2) -> None:
        region = Region.objects.get(code="110108")
        for index, uscc in enumerate(["91110108MA01W3HQ1P", "91110108726366192N"][:count]):
            save_object(
                Enterprise(uscc=uscc, name=f"企业{index}", region=region, sector="hazchem"), user=None
            )

    def receipt(self, signer: FakeSender, **fields: Any) -> bytes:
        body: dict[str, Any] = {
            "type": "receipt",
            "sender": signer.code,
            "receiver": "000000",
            "first_seq": 1,
            "last_seq": 2,
            "payload_hash": "",
            "status": "applied",
            "received_seq": 2,
            "resend_from": None,
            "error": "",
            "message": "",
            "created_at": batches.utcnow(),
        }
        body |= fields
        return canonical({"receipt": body, "signature": batches.sign_document(body, signer.key)})


class PushReceiptTest(ExchangeTestCase):
    def sent_manifest(self) -> dict[str, Any]:
        content = batches.build("110000", 0)
        assert content is not None
        return batches.peek(content)

    def test_receipt_signed_by_another_peer_is_refused(self) -> None:
        self.local_records()
        forged = self.receipt(self.tianjin, last_seq=99, received_seq=99)
        with (
            mock.patch.object(transport, "_http", return_value=(200, forged)),
            pytest.raises(transport.TransportError),
        ):
            transport.push(Peer.objects.get(code="110000"))
        peer = Peer.objects.get(code="110000")
        self.assertEqual(peer.acked_seq, 0)
        self.assertIn("120000", peer.last_error)

    def test_receipt_for_another_batch_is_refused(self) -> None:
        self.local_records()
        manifest = self.sent_manifest()
        good = {"first_seq": 1, "last_seq": 2, "payload_hash": manifest["payload_hash"]}
        for wrong in ({"last_seq": 99, "received_seq": 99}, {"payload_hash": "0" * 64}, {"first_seq": 2}):
            with (
                mock.patch.object(
                    transport, "_http", return_value=(200, self.receipt(self.beijing, **good | wrong))
                ),
                pytest.raises(transport.TransportError),
            ):
                transport.push(Peer.objects.get(code="110000"))
            self.assertEqual(Peer.objects.get(code="110000").acked_seq, 0)
        # The peer's own receipt of the batch sent is taken.
        with mock.patch.object(transport, "_http", return_value=(200, self.receipt(self.beijing, **good))):
            self.assertEqual(transport.push(Peer.objects.get(code="110000")).records, 2)
        self.assertEqual(Peer.objects.get(code="110000").acked_seq, 2)

    def test_pull_refuses_a_batch_sent_by_another_node(self) -> None:
        Peer.objects.filter(pk=self.peer.pk).update(mode="pull")
        self.tianjin.create(2)
        relayed = self.tianjin.batch(1, 2)  # genuinely Tianjin's, served by Beijing's mailbox
        with (
            mock.patch.object(transport, "_http", return_value=(200, relayed)),
            pytest.raises(transport.TransportError),
        ):
            transport.pull(Peer.objects.get(code="110000"))
        self.assertEqual(Enterprise.objects.filter(source_node="120000").count(), 0)
        self.assertEqual(Peer.objects.get(code="120000").received_seq, 0)
        self.assertIn("120000", Peer.objects.get(code="110000").last_error)


class GuardedUpsertTest(ExchangeTestCase):
    """Another transaction commits the same uid between the apply's lookup and its upsert."""

    def apply_racing(self, owner: str, version: int) -> tuple[dict[str, Any], tuple[str, int, str]]:
        """The receipt, and the row as the upsert left it (the racing row is written inside the
        apply's transaction here, so a refusal rolls it back with the batch)."""
        self.beijing.create(1)
        uid = json.loads(self.beijing.lines[0])["uid"]
        region = Region.objects.get(code="110108")
        references, upserted = receive._ModelApplier._references, receive._ModelApplier._upserted
        after_upsert: list[tuple[str, int, str]] = []

        def racing(applier: Any, records: list[dict[str, Any]]) -> Any:
            if not Enterprise.objects.filter(uid=uid).exists():
                other = Enterprise(
                    uscc="91110108726366192N", name="并发写入", region=region, sector="hazchem"
                )
                other.uid, other.source_node, other.version = uid, owner, version
                other.save()
            return references(applier, records)

        def snapshot(applier: Any, upserts: Any) -> Any:
            row = Enterprise.objects.get(uid=uid)
            after_upsert.append((row.source_node, row.version, row.name))
            return upserted(applier, upserts)

        with (
            mock.patch.object(receive._ModelApplier, "_references", racing),
            mock.patch.object(receive._ModelApplier, "_upserted", snapshot),
        ):
            document = receive.receive(self.beijing.batch(1, 1))
        return document["receipt"], after_upsert[0]

    def test_a_record_of_another_node_is_not_overwritten(self) -> None:
        receipt, row = self.apply_racing("120000", 5)
        self.assertEqual(row, ("120000", 5, "并发写入"))
        self.assertEqual((receipt["status"], receipt["error"]), ("rejected", "not_owner"))
        self.assertEqual(Peer.objects.get(code="110000").received_seq, 0)

    def test_a_newer_version_is_kept_and_counted_unchanged(self) -> None:
        receipt, row = self.apply_racing("110000", 5)
        self.assertEqual(row, ("110000", 5, "并发写入"))
        self.assertEqual((receipt["status"], receipt["received_seq"]), ("applied", 1))
        self.assertEqual(Receipt.objects.get(status="applied").applied, 0)
        self.assertFalse(ObjectChange.objects.filter(user_name="exchange:110000").exists())


class MailboxRequestTest(ExchangeTestCase):
    def setUp(self) -> None:
        super().setUp()
        Peer.objects.filter(pk=self.peer.pk).update(mode="pull")

    def header(self, **fields: Any) -> str:
        body: dict[str, Any] = {
            "node": "110000",
            "peer": "000000",
            "after": 0,
            "time": batches.utcnow(),
            "nonce": "0123456789abcdef0123456789abcdef",
        }
        body |= fields
        body = {k: v for k, v in body.items() if v is not None}
        return canonical(
            {"request": body, "signature": batches.sign_document(body, self.beijing.key)}
        ).decode()

    def mailbox(self, header: str) -> Any:
        self.client.raise_request_exception = False
        return self.client.get(reverse("exchange:mailbox"), headers={transport.REQUEST_HEADER: header})

    def test_a_signed_request_is_served_once(self) -> None:
        self.local_records()
        header = self.header()
        self.assertEqual(self.mailbox(header).status_code, 200)
        replay = self.mailbox(header)
        self.assertEqual((replay.status_code, replay.json()["error"]), (403, "stale_request"))
        self.assertEqual(self.mailbox(self.header(nonce="fedcba9876543210fedcba9876543210")).status_code, 200)
        # Another node may use the same nonce.
        Peer.objects.filter(code="120000").update(mode="pull")
        body = {"node": "120000", "peer": "000000", "after": 0, "time": batches.utcnow(), "nonce": "0" * 32}
        other = canonical({"request": body, "signature": batches.sign_document(body, self.tianjin.key)})
        self.assertEqual(self.mailbox(self.header(nonce="0" * 32)).status_code, 200)
        self.assertEqual(self.mailbox(other.decode()).status_code, 200)

    def test_a_request_without_nonce_is_malformed(self) -> None:
        for header in (
            self.header(nonce=None),
            self.header(nonce="short"),
            self.header(nonce=12345678901234567),
        ):
            self.assertEqual(self.mailbox(header).json()["error"], "malformed")

    def test_nonces_are_forgotten_after_the_clock_skew_window(self) -> None:
        old = datetime.now(UTC) - timedelta(hours=1)
        RequestNonce.objects.create(node="110000", nonce="a" * 32, time=old)
        self.assertEqual(self.mailbox(self.header()).status_code, 204)
        self.assertEqual(list(RequestNonce.objects.values_list("nonce", flat=True)), ["0123456789abcdef" * 2])

    def test_malformed_requests_are_refused_not_crashes(self) -> None:
        naive = datetime.now(UTC).replace(tzinfo=None).isoformat()
        for header in (
            self.header(time=naive),
            self.header(time=12),
            self.header(after=True),
            "[" * 100_000,
            '{"request": ' * 5_000,
            json.dumps({"request": []}),
            json.dumps([1]),
        ):
            response = self.mailbox(header)
            self.assertEqual(
                (response.status_code, response.json()["error"]), (403, "malformed"), header[:80]
            )


class UnauthenticatedBatchTest(ExchangeTestCase):
    def post(self, content: bytes) -> Any:
        self.client.raise_request_exception = False
        return self.client.post(reverse("exchange:batches"), content, content_type=batches.MEDIA_TYPE)

    def test_deeply_nested_json_is_malformed(self) -> None:
        response = self.post(b"[" * 200_000 + b"\n")
        self.assertEqual((response.status_code, response.json()["receipt"]["error"]), (422, "malformed"))
        # Signed by the peer, with a deeply nested payload line: refused the same way.
        nested = batches.assemble("110000", "000000", 1, [b"[" * 200_000 + b"\n"], self.beijing.key)
        response = self.post(nested)
        self.assertEqual((response.status_code, response.json()["receipt"]["error"]), (422, "malformed"))

    def test_refusals_anyone_can_cause_leave_peers_alone_and_are_capped(self) -> None:
        forged = canonical({"manifest": {"sender": "110000", "receiver": "000000"}}) + b"\n" + b"x" * 100_000
        self.beijing.create(1)
        tampered = self.beijing.batch(1, 1).replace(b'"name"', b'"NAME"', 1)  # fails the payload hash
        with mock.patch.object(receive, "UNAUTHENTICATED_RECORDS", 3):
            for content in [forged] * 4 + [tampered]:
                self.assertEqual(self.post(content).status_code, 422)
        peer = Peer.objects.get(code="110000")
        self.assertEqual((peer.last_error, peer.last_error_at), ("", None))
        kept = QuarantinedBatch.objects.filter(authenticated=False)
        self.assertEqual(kept.count(), 3)
        self.assertEqual(kept.order_by("-id").first().error, "bad_hash")  # type: ignore[union-attr]
        self.assertTrue(all(len(bytes(q.content)) <= receive.UNAUTHENTICATED_KEEP for q in kept))
        self.assertFalse(Receipt.objects.exists())
        events = AuditEvent.objects.filter(event_type="exchange_rejected")
        self.assertEqual(events.count(), 5)  # each refusal is still audited
        self.assertEqual(self.post(forged).json()["receipt"]["received_seq"], None)

    def test_refusals_of_a_verified_batch_are_the_peers(self) -> None:
        self.beijing.create(1)
        self.beijing.lines[0] = self.beijing.lines[0].replace(
            b'"source_node":"110000"', b'"source_node":"130000"'
        )
        response = self.post(self.beijing.batch(1, 1))
        self.assertEqual(response.json()["receipt"]["error"], "not_owner")
        self.assertIn("130000", Peer.objects.get(code="110000").last_error)
        self.assertEqual(QuarantinedBatch.objects.get().authenticated, True)
        self.assertEqual(Receipt.objects.get().error, "not_owner")


class HeldReleaseTest(ExchangeTestCase):
    def test_a_failure_while_releasing_keeps_the_batch_held(self) -> None:
        self.beijing.create(10)
        self.assertEqual(receive.receive(self.beijing.batch(6, 10))["receipt"]["status"], "held")
        calls: list[int] = []

        def crash_in_the_held_batch(done: int) -> None:
            calls.append(done)
            if len(calls) == 2:
                raise RuntimeError("crash while applying the released batch")

        with mock.patch.object(receive, "_after_chunk", crash_in_the_held_batch):
            receipt = receive.receive(self.beijing.batch(1, 5))["receipt"]
        self.assertEqual((receipt["status"], receipt["received_seq"]), ("applied", 5))
        self.assertEqual(Peer.objects.get(code="110000").received_seq, 5)
        self.assertEqual(Enterprise.objects.filter(source_node="110000").count(), 5)
        self.assertEqual(QuarantinedBatch.objects.get().status, QuarantineStatus.HELD)
        # The sender, acknowledged up to 5, sends 6–10 again: applied, the held copy released.
        receipt = receive.receive(self.beijing.batch(6, 10))["receipt"]
        self.assertEqual((receipt["status"], receipt["received_seq"]), ("applied", 10))
        self.assertEqual(QuarantinedBatch.objects.get().status, QuarantineStatus.RELEASED)
        self.assertEqual(Enterprise.objects.filter(source_node="110000").count(), 10)

    def test_a_held_batch_refused_on_release_is_rejected_in_place(self) -> None:
        made = self.beijing.create(3)
        made[2].region_id = "119999"  # not a region here: line 4 will be refused
        self.beijing.update(made[2])
        self.assertEqual(receive.receive(self.beijing.batch(4, 4))["receipt"]["status"], "held")
        receipt = receive.receive(self.beijing.batch(1, 3))["receipt"]
        self.assertEqual((receipt["status"], receipt["received_seq"]), ("applied", 3))
        held = QuarantinedBatch.objects.get()
        self.assertEqual((held.status, held.error), (QuarantineStatus.REJECTED, "missing_reference"))
        self.assertEqual(Receipt.objects.filter(status="rejected", first_seq=4).count(), 1)


class WorkerTest(ExchangeTestCase):
    def test_the_worker_outlives_unexpected_errors(self) -> None:
        clock = [0.0]
        calls: list[float] = []
        messages: list[str] = []

        def sleep(seconds: float) -> None:
            clock[0] += seconds

        def broken_push(peer: Peer) -> transport.PushResult:
            calls.append(clock[0])
            raise RuntimeError("unexpected")

        with (
            mock.patch.object(transport, "push", broken_push),
            mock.patch.object(transport.logger, "exception") as logged,
        ):
            transport.worker(cycles=7, interval=1, sleep=sleep, clock=lambda: clock[0], log=messages.append)
        self.assertEqual(sorted(set(calls)), [0.0, 2.0, 6.0])  # both peers, backing off
        self.assertTrue(logged.called)
        self.assertIn("unexpected (retry in 2 s)", messages[0])
