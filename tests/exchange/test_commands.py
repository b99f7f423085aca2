"""``anjian exchange`` sub-commands: peers, import of files, worker back-off."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings

from anjian.audit.models import AuditEvent
from anjian.exchange import keys, transport
from anjian.exchange.models import Peer, PeerKey
from tests.exchange.helpers import FakeSender


def run(*args: str) -> str:
    out = StringIO()
    call_command("exchange", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


class CommandTest(TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)
        self.tmp = Path(self._tmp.name)
        self.enterContext(override_settings(NODE_CODE="000000", VAR_DIR=self.tmp))
        keys.keygen()
        self.sender = FakeSender()
        self.pem = self.tmp / "110000.pem"
        self.pem.write_text(self.sender.pair.public_pem)

    def test_peer_add_list_disable(self) -> None:
        self.assertIn(
            "110000",
            run(
                "peer",
                "add",
                "110000",
                "--public-key-file",
                str(self.pem),
                "--url",
                "https://ex.example/",
                "--mode",
                "push",
            ),
        )
        listing = run("peer", "list")
        self.assertIn("110000\tpush\t启用\thttps://ex.example/\t" + self.sender.pair.key_id, listing)
        rotated = FakeSender()
        second = self.tmp / "rotated.pem"
        second.write_text(rotated.pair.public_pem)
        run("peer", "add", "110000", "--public-key-file", str(second), "--mode", "push")
        self.assertEqual(PeerKey.objects.filter(peer__code="110000", enabled=True).count(), 2)
        run("peer", "disable", "110000", "--key-id", self.sender.pair.key_id)
        self.assertEqual(PeerKey.objects.filter(peer__code="110000", enabled=True).count(), 1)
        run("peer", "disable", "110000")
        self.assertFalse(Peer.objects.get(code="110000").enabled)
        self.assertEqual(AuditEvent.objects.filter(event_type="exchange_peer").count(), 4)
        with self.assertRaises(CommandError):
            run("peer", "disable", "990000")

    def test_peer_add_refuses_a_bad_key_file(self) -> None:
        bad = self.tmp / "bad.pem"
        bad.write_text("not a key")
        with self.assertRaisesMessage(CommandError, "公钥文件无效"):
            run("peer", "add", "110000", "--public-key-file", str(bad))
        self.assertFalse(Peer.objects.exists())

    def test_import_prints_a_line_per_file_and_fails_naming_the_reason(self) -> None:
        run("peer", "add", "110000", "--public-key-file", str(self.pem), "--mode", "file")
        self.sender.create(6)
        good = self.tmp / "a.batch"
        good.write_bytes(self.sender.batch(1, 3))
        later = self.tmp / "b.batch"
        later.write_bytes(self.sender.batch(4, 6))
        bad = self.tmp / "c.batch"
        bad.write_bytes(self.sender.batch(4, 6)[:-5] + b"xxxx\n")
        out = StringIO()
        with self.assertRaisesMessage(CommandError, "1 个文件被拒收"):
            call_command("exchange", "import", str(later), str(good), str(bad), stdout=out)
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 3)
        self.assertIn("暂存待补缺", lines[0])
        self.assertIn("已应用", lines[1])
        self.assertIn("bad_hash", lines[2])
        self.assertEqual(Peer.objects.get(code="110000").received_seq, 6)

    def test_worker_backs_off_exponentially_while_the_peer_is_unreachable(self) -> None:
        run(
            "peer",
            "add",
            "110000",
            "--public-key-file",
            str(self.pem),
            "--url",
            "http://127.0.0.1:9",
            "--mode",
            "push",
        )
        messages: list[str] = []
        clock = [0.0]

        def sleep(seconds: float) -> None:
            clock[0] += seconds

        from unittest import mock

        calls: list[float] = []

        def failing_push(peer: Peer) -> transport.PushResult:
            calls.append(clock[0])
            raise transport.TransportError("无法连接对端")

        with mock.patch.object(transport, "push", failing_push):
            transport.worker(cycles=12, interval=1, sleep=sleep, clock=lambda: clock[0], log=messages.append)
        self.assertEqual(calls, [0.0, 2.0, 6.0])  # waits 2, 4, 8 … seconds between tries
        self.assertIn("retry in 2 s", messages[0])
