"""Node keys: generation per suite, file permissions, signatures, rotation."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase, override_settings

from anjian.audit.models import AuditEvent
from anjian.exchange import keys
from anjian.exchange.models import NodeKey


class KeyTest(TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)
        self.enterContext(override_settings(VAR_DIR=Path(self._tmp.name)))

    def test_sign_and_verify_in_both_suites(self) -> None:
        for suite in keys.SUITES:
            pair = keys.generate(suite)
            self.assertEqual(keys.public_key_suite(pair.public_pem), suite)
            signature = keys.sign(pair.private, suite, b"manifest")
            self.assertTrue(keys.verify(pair.public_pem, suite, b"manifest", signature))
            self.assertFalse(keys.verify(pair.public_pem, suite, b"manifesT", signature))
            self.assertFalse(keys.verify(keys.generate(suite).public_pem, suite, b"manifest", signature))
            self.assertFalse(keys.verify(pair.public_pem, suite, b"manifest", "zz"))

    def test_sm2_public_key_is_standard_spki(self) -> None:
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives import serialization

        pem = keys.generate("gm").public_pem
        der = keys._unpem(pem)[1]
        self.assertEqual(len(der), 91)  # SEQUENCE(alg ids) + BIT STRING(04 || x || y)
        self.assertTrue(pem.startswith("-----BEGIN PUBLIC KEY-----"))
        # OpenSSL parses the structure and names the SM2 curve (it has no SM2 arithmetic).
        with self.assertRaisesMessage(UnsupportedAlgorithm, "1.2.156.10197.1.301"):
            serialization.load_der_public_key(der)

    def test_keygen_command_prints_pem_and_protects_the_private_key(self) -> None:
        from io import StringIO

        out = StringIO()
        call_command("exchange", "keygen", stdout=out)
        pem = out.getvalue()
        self.assertTrue(pem.startswith("-----BEGIN PUBLIC KEY-----"))
        key = NodeKey.objects.get(active=True)
        path = keys.key_dir() / f"{key.key_id}.key"
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
        again = StringIO()
        call_command("exchange", "keygen", stdout=again)
        self.assertEqual(again.getvalue(), pem)  # an existing key is kept
        self.assertEqual(AuditEvent.objects.filter(event_type="exchange_key").count(), 1)

    def test_rotation_keeps_old_public_keys(self) -> None:
        old, _ = keys.keygen()
        new, created = keys.keygen(rotate=True)
        self.assertTrue(created)
        self.assertNotEqual(old, new)
        self.assertEqual(NodeKey.objects.count(), 2)
        self.assertEqual(NodeKey.objects.get(active=True).public_key, new)
        self.assertTrue(NodeKey.objects.filter(public_key=old, active=False).exists())
        self.assertEqual(keys.signing_key().key_id, keys.key_id_of(new))

    @override_settings(CRYPTO_SUITE="intl")
    def test_intl_suite_makes_ed25519_keys(self) -> None:
        pem, _ = keys.keygen()
        self.assertEqual(keys.public_key_suite(pem), "intl")

    def test_signing_without_a_key_says_what_to_do(self) -> None:
        with self.assertRaisesMessage(keys.KeyError_, "anjian exchange keygen"):
            keys.signing_key()


class DemoTest(TestCase):
    def test_load_demo_makes_the_node_key_once(self) -> None:
        from anjian.exchange.demo import load_demo

        with tempfile.TemporaryDirectory() as tmp, override_settings(VAR_DIR=Path(tmp)):
            first = load_demo()
            second = load_demo()
        self.assertIn("已生成", first)
        self.assertIn("已存在", second)
        self.assertEqual(NodeKey.objects.count(), 1)
