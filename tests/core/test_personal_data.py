"""Personal identifiers: encrypted at rest (SM4-GCM / AES-GCM), masked in lists, exports and the
change log for roles that do not need them."""

from __future__ import annotations

import csv
import io
from typing import ClassVar

from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse

from anjian.accounts.models import User
from anjian.accounts.roles import RoleCode
from anjian.audit.models import ObjectChange
from anjian.core.fields import decrypt, encrypt, mask
from anjian.core.testing import make_user, provincial_inspector
from anjian.enterprises.models import Enterprise
from tests.enterprises.test_views import enterprise


class FieldEncryptionTest(TestCase):
    def test_round_trip_in_both_suites(self) -> None:
        for scheme in ("sm4gcm", "aesgcm"):
            with self.subTest(scheme=scheme):
                stored = encrypt("13812345678", scheme)
                self.assertTrue(stored.startswith(f"{scheme}:"))
                self.assertNotIn("13812345678", stored)
                self.assertEqual(decrypt(stored), "13812345678")
        self.assertNotEqual(encrypt("13812345678"), encrypt("13812345678"), "a fresh nonce every time")

    def test_tampered_ciphertext_is_refused(self) -> None:
        stored = encrypt("13812345678", "sm4gcm")
        body = stored.split(":", 1)[1]
        tampered = "sm4gcm:" + ("A" if body[0] != "A" else "B") + body[1:]
        with self.assertRaises(Exception):  # noqa: B017  (cryptography's InvalidTag)
            decrypt(tampered)

    def test_the_database_holds_only_ciphertext(self) -> None:
        obj = enterprise("北京加密测试有限公司", "110105", "hazchem", "31313131", contact_phone="13812345678")
        with connection.cursor() as cursor:
            cursor.execute("SELECT contact_phone FROM enterprises_enterprise WHERE id = %s", [obj.pk])
            raw = cursor.fetchone()[0]
        self.assertTrue(raw.startswith("sm4gcm:"))
        self.assertNotIn("13812345678", raw)
        self.assertEqual(Enterprise.objects.get(pk=obj.pk).contact_phone, "13812345678")

    @override_settings(CRYPTO_SUITE="intl")
    def test_intl_suite_writes_aes_gcm_and_reads_older_sm4_values(self) -> None:
        old = encrypt("13900000000", "sm4gcm")
        self.assertTrue(encrypt("x").startswith("aesgcm:"))
        self.assertEqual(decrypt(old), "13900000000")

    def test_masks(self) -> None:
        self.assertEqual(mask("13812345678"), "138****5678")
        self.assertEqual(mask("110101199003071234"), "110101********1234")
        self.assertEqual(mask("12345"), "*****")
        self.assertEqual(mask(""), "")


class MaskingTest(TestCase):
    obj: ClassVar[Enterprise]
    inspector: ClassVar[User]
    leader: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.obj = enterprise(
            "北京掩码测试有限公司", "110105", "hazchem", "41414141", contact_phone="13812345678"
        )
        cls.inspector = provincial_inspector("bj", "110000")
        cls.leader = make_user("leader", cls.inspector.organization, RoleCode.LEADER)

    def export_rows(self) -> list[list[str]]:
        response = self.client.get(reverse("enterprises:enterprise_export"), {"export": "csv"})
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    def test_inspector_sees_the_number(self) -> None:
        self.client.force_login(self.inspector)
        self.assertIn("13812345678", self.export_rows()[1])
        self.assertContains(
            self.client.get(reverse("enterprises:enterprise_detail", args=[self.obj.pk])), "13812345678"
        )

    def test_leader_sees_it_masked_in_export_and_detail(self) -> None:
        self.client.force_login(self.leader)
        row = self.export_rows()[1]
        self.assertIn("138****5678", row)
        self.assertNotIn("13812345678", ",".join(row))
        page = self.client.get(reverse("enterprises:enterprise_detail", args=[self.obj.pk]))
        self.assertContains(page, "138****5678")
        self.assertNotContains(page, "13812345678")

    def test_change_log_holds_no_personal_identifier(self) -> None:
        change = ObjectChange.objects.get(object_id=self.obj.pk, action="create")
        self.assertEqual((change.after or {})["contact_phone"], "138****5678")


class APIMaskingTest(TestCase):
    def test_api_masks_for_roles_without_the_personal_permission(self) -> None:
        from rest_framework.test import APIClient

        obj = enterprise("北京接口掩码有限公司", "110105", "hazchem", "51515151", contact_phone="13812345678")
        inspector = provincial_inspector("bj", "110000")
        leader = make_user("leader", inspector.organization, RoleCode.LEADER)
        url = reverse("api:enterprise-detail", args=[obj.pk])
        for user, expected in ((inspector, "13812345678"), (leader, "138****5678")):
            with self.subTest(user=user.username):
                api = APIClient()
                api.force_authenticate(user)
                self.assertEqual(api.get(url).json()["contact_phone"], expected)

    def test_user_and_reporter_phones_are_encrypted_at_rest(self) -> None:
        user = provincial_inspector("bj", "110000")
        user.phone = "13900001111"
        user.save()
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
            self.assertTrue(cursor.fetchone()[0].startswith("sm4gcm:"))
