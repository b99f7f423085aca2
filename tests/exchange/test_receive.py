"""The receiver under every fault of the issue: after each, its data equals the sender's."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import TestCase, override_settings

from anjian.audit.models import AuditEvent, ObjectChange
from anjian.enterprises.models import Enterprise
from anjian.exchange import keys, receive
from anjian.exchange.models import (
    Peer,
    PeerKey,
    QuarantinedBatch,
    QuarantineStatus,
    Receipt,
    ResendRequest,
)
from anjian.exchange.outbox import canonical
from anjian.exchange.testing import dump_shared
from tests.exchange.helpers import FakeSender


class Crash(Exception):
    pass


class ReceiverTestCase(TestCase):
    """The database under test is the national node 000000; ``sender`` is Beijing 110000."""

    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.enterContext(
            override_settings(NODE_CODE="000000", VAR_DIR=Path(tmp.name), EXCHANGE_BATCH_RECORDS=20)
        )
        keys.keygen()  # the receiver signs its receipts
        self.sender = FakeSender()
        self.peer = self.sender.register()

    def receive(self, content: bytes) -> dict[str, Any]:
        document = receive.receive(content)
        receipt: dict[str, Any] = document["receipt"]
        return receipt

    def assert_in_sync(self, sender: FakeSender | None = None) -> None:
        sender = sender or self.sender
        self.assertEqual(dump_shared(sender.code), sender.expected())

    def test_applies_in_order_and_logs_the_sender(self) -> None:
        self.sender.create(50)
        for content in self.sender.all_batches(20):
            self.assertEqual(self.receive(content)["status"], "applied")
        self.assert_in_sync()
        self.peer.refresh_from_db()
        self.assertEqual(self.peer.received_seq, 50)
        self.assertEqual(ObjectChange.objects.filter(user_name="exchange:110000").count(), 50)
        received = Enterprise.objects.get(uid=next(iter(self.sender.records)))
        self.assertFalse(received.is_local)
        self.assertEqual(received.source_node, "110000")
        change = ObjectChange.objects.get(object_uid=received.uid)
        assert change.after is not None
        self.assertNotEqual(change.after["contact_phone"], received.contact_phone)  # masked in the log

    def test_updates_and_deletes_flow(self) -> None:
        made = self.sender.create(10)
        self.sender.update(made[0], address="新地址 1 号", status="suspended")
        self.sender.update(made[0], address="新地址 2 号")
        self.sender.delete(made[1])
        for content in self.sender.all_batches(4):
            self.receive(content)
        self.assert_in_sync()
        self.assertEqual(Enterprise.objects.get(uid=made[0].uid).version, 3)
        self.assertFalse(Enterprise.objects.filter(uid=made[1].uid).exists())

    def test_duplicate_batch_changes_nothing(self) -> None:
        self.sender.create(30)
        first, second = self.sender.all_batches(20)
        self.receive(first)
        self.assertEqual(self.receive(first)["status"], "duplicate")
        self.receive(second)
        changes = ObjectChange.objects.count()
        self.assertEqual(self.receive(second)["status"], "duplicate")
        self.assertEqual(ObjectChange.objects.count(), changes)
        self.assert_in_sync()

    def test_reverse_order_is_held_then_applied(self) -> None:
        self.sender.create(60)
        contents = self.sender.all_batches(20)
        receipts = [self.receive(c) for c in reversed(contents)]
        self.assertEqual([r["status"] for r in receipts], ["held", "held", "applied"])
        self.assertEqual(receipts[0]["resend_from"], 1)
        self.assertEqual(ResendRequest.objects.filter(peer=self.peer, filled_at=None).count(), 0)
        self.assertFalse(QuarantinedBatch.objects.filter(status=QuarantineStatus.HELD).exists())
        self.assert_in_sync()

    def test_gap_is_held_and_resend_requested(self) -> None:
        self.sender.create(40)
        first, second = self.sender.all_batches(20)
        receipt = self.receive(second)
        self.assertEqual((receipt["status"], receipt["resend_from"]), ("held", 1))
        self.assertEqual(Enterprise.objects.count(), 0)
        self.assertTrue(ResendRequest.objects.filter(peer=self.peer, from_seq=1, filled_at=None).exists())
        self.receive(second)  # delivered again while still held: kept once
        self.assertEqual(QuarantinedBatch.objects.filter(status=QuarantineStatus.HELD).count(), 1)
        self.receive(first)
        self.assert_in_sync()
        self.assertTrue(ResendRequest.objects.get(from_seq=1).filled_at)

    def test_one_byte_changed_is_rejected(self) -> None:
        self.sender.create(20)
        content = bytearray(self.sender.batch(1, 20))
        position = len(content) - 40
        content[position] = ord("X") if content[position] != ord("X") else ord("Y")
        receipt = self.receive(bytes(content))
        self.assertEqual((receipt["status"], receipt["error"]), ("rejected", "bad_hash"))
        self.assertEqual(Enterprise.objects.count(), 0)
        quarantined = QuarantinedBatch.objects.get()
        self.assertEqual((quarantined.status, quarantined.error), (QuarantineStatus.REJECTED, "bad_hash"))
        self.assertTrue(AuditEvent.objects.filter(event_type="exchange_rejected").exists())
        self.receive(self.sender.batch(1, 20))  # the genuine batch still applies
        self.assert_in_sync()

    def test_changed_manifest_fails_the_signature(self) -> None:
        self.sender.create(5)
        content = self.sender.batch(1, 5).replace(b'"receiver":"000000"', b'"receiver":"000000" ', 1)
        content = content.replace(b'"count":5', b'"count":6', 1)
        self.assertIn(self.receive(content)["error"], {"bad_signature", "malformed"})
        self.assertEqual(Enterprise.objects.count(), 0)

    def test_unknown_key_is_rejected(self) -> None:
        stranger = FakeSender()  # same node code, a key nobody registered
        stranger.create(5)
        self.assertEqual(self.receive(stranger.batch(1, 5))["error"], "unknown_key")
        self.assertEqual(Enterprise.objects.count(), 0)

    def test_unknown_peer_is_rejected(self) -> None:
        other = FakeSender(code="120000")
        other.create(5)
        self.assertEqual(self.receive(other.batch(1, 5))["error"], "unknown_peer")

    def test_disabled_key_and_peer_are_rejected(self) -> None:
        self.sender.create(10)
        PeerKey.objects.filter(peer=self.peer).update(enabled=False)
        self.assertEqual(self.receive(self.sender.batch(1, 5))["error"], "unknown_key")
        PeerKey.objects.filter(peer=self.peer).update(enabled=True)
        Peer.objects.filter(pk=self.peer.pk).update(enabled=False)
        self.assertEqual(self.receive(self.sender.batch(1, 5))["error"], "peer_disabled")
        self.assertEqual(Enterprise.objects.count(), 0)

    def test_rotated_key_still_verifies_old_batches(self) -> None:
        self.sender.create(10)
        old = self.sender.batch(1, 5)
        rotated = FakeSender()
        PeerKey.objects.create(
            peer=self.peer, key_id=rotated.pair.key_id, suite="intl", public_key=rotated.pair.public_pem
        )
        self.assertEqual(self.receive(old)["status"], "applied")

    def test_replay_of_old_batch_does_not_roll_back(self) -> None:
        made = self.sender.create(20)
        old = self.sender.batch(1, 20)
        self.receive(old)
        for enterprise in made[:5]:
            self.sender.update(enterprise, address="更新后的地址")
        self.receive(self.sender.batch(21, 25))
        self.assertEqual(self.receive(old)["status"], "duplicate")
        self.assert_in_sync()
        self.assertEqual(Enterprise.objects.get(uid=made[0].uid).address, "更新后的地址")

    def test_overlapping_batch_applies_only_the_new_part(self) -> None:
        self.sender.create(30)
        self.receive(self.sender.batch(1, 20))
        self.assertEqual(self.receive(self.sender.batch(11, 30))["status"], "applied")
        self.assert_in_sync()
        self.assertEqual(ObjectChange.objects.filter(user_name="exchange:110000").count(), 30)

    def test_crash_mid_apply_leaves_nothing_and_retry_applies(self) -> None:
        self.sender.create(40)
        content = self.sender.batch(1, 40)
        calls: list[int] = []

        def crash(done: int) -> None:
            calls.append(done)
            raise Crash

        with (
            mock.patch.object(receive, "CHUNK", 20),
            mock.patch.object(receive, "_after_chunk", crash),
            pytest.raises(Crash),
        ):
            receive.receive(content)
        self.assertEqual(calls, [20])  # the crash came after half the rows
        self.assertEqual(Enterprise.objects.count(), 0)
        self.assertEqual(ObjectChange.objects.filter(user_name="exchange:110000").count(), 0)
        self.peer.refresh_from_db()
        self.assertEqual(self.peer.received_seq, 0)
        self.assertEqual(self.receive(content)["status"], "applied")
        self.assert_in_sync()

    def test_only_the_owner_may_update_a_record(self) -> None:
        made = self.sender.create(5)
        self.receive(self.sender.batch(1, 5))
        # Hebei claims a Beijing record as its own: refused, the owner's data stays.
        hebei = FakeSender(code="130000")
        hebei.register()
        hijacked = Enterprise.objects.get(uid=made[0].uid)
        hijacked.source_node = "130000"
        hebei.records[str(hijacked.uid)] = hijacked
        hebei.update(hijacked, address="冒名修改")
        receipt = self.receive(hebei.batch(1, 1))
        self.assertEqual((receipt["status"], receipt["error"]), ("rejected", "not_owner"))
        # A line carrying another node's records in the sender's batch: refused as well.
        forged = FakeSender(code="130000", suite="intl")
        forged.pair, forged.key = hebei.pair, hebei.key
        other = Enterprise.objects.get(uid=made[1].uid)
        forged.records[str(other.uid)] = other
        forged.update(other, address="代发修改")  # source_node stays 110000
        self.assertEqual(self.receive(forged.batch(1, 1))["error"], "not_owner")
        # The owner's own update is accepted.
        self.sender.update(made[0], address="业主修改")
        self.assertEqual(self.receive(self.sender.batch(6, 6))["status"], "applied")
        self.assert_in_sync()

    def test_receiver_cannot_edit_a_received_record(self) -> None:
        from django.core.exceptions import PermissionDenied

        from anjian.enterprises.services import save_enterprise

        made = self.sender.create(1)
        self.receive(self.sender.batch(1, 1))
        copy = Enterprise.objects.get(uid=made[0].uid)
        copy.address = "本地修改"
        with self.assertRaises(PermissionDenied):
            save_enterprise(copy, user=None)

    def test_uscc_conflict_with_a_local_record_is_rejected(self) -> None:
        made = self.sender.create(3)
        local = Enterprise.objects.create(
            uscc=made[2].uscc,
            name="本地同码企业",
            region_id=made[2].region_id,
            sector=made[2].sector,
            source_node="000000",
        )
        receipt = self.receive(self.sender.batch(1, 3))
        self.assertEqual((receipt["status"], receipt["error"]), ("rejected", "conflict"))
        self.assertEqual(Enterprise.objects.exclude(pk=local.pk).count(), 0)

    def test_unknown_reference_data_is_rejected(self) -> None:
        made = self.sender.create(2)
        made[1].region_id = "119999"  # not a region here
        self.sender.update(made[1])
        receipt = self.receive(self.sender.batch(1, 3))
        self.assertEqual((receipt["status"], receipt["error"]), ("rejected", "missing_reference"))
        self.assertEqual(Enterprise.objects.count(), 0)

    def test_relation_to_another_shared_record_travels_as_its_uid(self) -> None:
        from datetime import date

        from anjian.core import registry
        from anjian.core.registry import SharedModel
        from anjian.enterprises.models import Licence
        from anjian.exchange.outbox import line_for

        shared = SharedModel(
            model=Licence, fields=("enterprise", "kind", "number", "issuer", "valid_from", "valid_to")
        )
        registry.share(shared)
        self.addCleanup(registry._shared.pop, Licence)
        [owner] = self.sender.create(1)
        licence = Licence(
            enterprise=owner,
            kind="safety_production",
            number="(京)WH安许证字[2026]001",
            issuer="北京市应急管理局",
            valid_from=date(2026, 1, 1),
            valid_to=date(2028, 12, 31),
            source_node="110000",
            version=1,
        )
        self.sender.lines.append(line_for(shared, licence, "upsert", 2).line.encode() + b"\n")
        self.assertIn(str(owner.uid), self.sender.lines[-1].decode())
        self.assertEqual(self.receive(self.sender.batch(1, 2))["status"], "applied")
        received = Licence.objects.get(uid=licence.uid)
        self.assertEqual(received.enterprise.uid, owner.uid)
        self.assertEqual(received.valid_to, date(2028, 12, 31))
        self.assertFalse(received.is_local)
        # A licence of an enterprise this node never received: refused, nothing applied.
        orphan = Licence(**{f: getattr(licence, f) for f in ("kind", "issuer", "valid_from", "valid_to")})
        orphan.enterprise = Enterprise(uid=uuid.uuid4(), source_node="110000")
        orphan.number, orphan.source_node, orphan.version = "孤立证照", "110000", 1
        self.sender.lines.append(line_for(shared, orphan, "upsert", 3).line.encode() + b"\n")
        self.assertEqual(self.receive(self.sender.batch(3, 3))["error"], "missing_reference")

    def test_signed_receipt_verifies_at_the_sender(self) -> None:
        self.sender.create(3)
        document = receive.receive(self.sender.batch(1, 3))
        public = keys.keygen()[0]
        signature = document["signature"]["value"]
        self.assertTrue(keys.verify(public, "gm", canonical(document["receipt"]), signature))
        self.assertFalse(
            keys.verify(public, "gm", canonical({**document["receipt"], "received_seq": 9}), signature)
        )
        self.assertEqual(Receipt.objects.filter(status="applied").count(), 1)

    def test_sm2_signed_batches(self) -> None:
        gm = FakeSender(code="120000", suite="gm")
        gm.register()
        gm.create(10)
        self.assertEqual(self.receive(gm.batch(1, 10))["status"], "applied")
        self.assert_in_sync(gm)
