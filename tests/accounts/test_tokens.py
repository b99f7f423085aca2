"""API tokens: ``Authorization: Bearer <key>``, stored only as a SHA-256, refused when wrong, revoked,
expired or when the account is disabled; and the ``anjian token`` command that issues them."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from anjian.accounts.models import APIToken, User
from anjian.core.testing import provincial_inspector

CHINESE = re.compile(r"[\u4e00-\u9fff]")


# Password hashing is not under test here; Argon2 would spend a third of a second on every user.
fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@fast_hashing
class BearerTokenTest(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("beijing", "110000")

    def get(self, authorization: str | None, url: str | None = None) -> tuple[int, dict[str, object]]:
        client = APIClient()
        if authorization is not None:
            client.credentials(HTTP_AUTHORIZATION=authorization)
        response = client.get(url or reverse("api:enterprise-list"))
        return response.status_code, response.json()

    def assert_refused(self, authorization: str, *, words: str) -> None:
        status, body = self.get(authorization)
        self.assertEqual(status, 401, body)
        detail = str(body["detail"])
        self.assertRegex(detail, CHINESE, "the message should be in Chinese")
        self.assertIn(words, detail)

    def test_bearer_key_authenticates(self) -> None:
        _token, key = APIToken.issue(self.user)
        status, body = self.get(f"Bearer {key}", reverse("api:user-detail", args=[self.user.pk]))
        self.assertEqual(status, 200)
        self.assertEqual(body["username"], "beijing")
        status, _body = self.get(f"Bearer {key}")
        self.assertEqual(status, 200)

    def test_keyword_is_case_insensitive(self) -> None:
        _token, key = APIToken.issue(self.user)
        self.assertEqual(self.get(f"bearer {key}")[0], 200)

    def test_only_the_sha256_is_stored(self) -> None:
        token, key = APIToken.issue(self.user, description="测试")
        token.refresh_from_db()
        self.assertEqual(token.key_hash, hashlib.sha256(key.encode()).hexdigest())
        self.assertEqual(token.prefix, key[:8])
        # No column of any row of any table holds the key itself.
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                for row in cursor.fetchall():
                    for value in row:
                        self.assertNotIn(key, str(value), f"the key is stored in {table}")

    def test_each_key_is_new(self) -> None:
        _first, key1 = APIToken.issue(self.user)
        _second, key2 = APIToken.issue(self.user)
        self.assertNotEqual(key1, key2)
        self.assertGreaterEqual(len(key1), 40)

    def test_wrong_key_is_401(self) -> None:
        _token, key = APIToken.issue(self.user)
        wrong = key[:-1] + ("y" if key.endswith("x") else "x")
        self.assert_refused(f"Bearer {wrong}", words="令牌")
        self.assert_refused("Bearer not-a-token", words="令牌")

    def test_revoked_token_is_401(self) -> None:
        token, key = APIToken.issue(self.user)
        token.revoked_at = timezone.now()
        token.save()
        self.assert_refused(f"Bearer {key}", words="吊销")

    def test_expired_token_is_401(self) -> None:
        _token, key = APIToken.issue(self.user, expires_at=timezone.now() - timedelta(minutes=1))
        self.assert_refused(f"Bearer {key}", words="过期")

    def test_token_not_yet_expired_works(self) -> None:
        _token, key = APIToken.issue(self.user, expires_at=timezone.now() + timedelta(hours=1))
        self.assertEqual(self.get(f"Bearer {key}")[0], 200)

    def test_token_of_inactive_user_is_401(self) -> None:
        _token, key = APIToken.issue(self.user)
        User.objects.filter(pk=self.user.pk).update(is_active=False)
        self.assert_refused(f"Bearer {key}", words="停用")

    def test_last_used_at_is_set_on_use(self) -> None:
        token, key = APIToken.issue(self.user)
        self.assertIsNone(token.last_used_at)
        before = timezone.now()
        self.assertEqual(self.get(f"Bearer {key}")[0], 200)
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)
        assert token.last_used_at is not None
        self.assertGreaterEqual(token.last_used_at, before)
        self.assertLessEqual(token.last_used_at, timezone.now())

    def test_refused_token_is_not_marked_used(self) -> None:
        token, key = APIToken.issue(self.user, revoked_at=timezone.now())
        self.assertEqual(self.get(f"Bearer {key}")[0], 401)
        token.refresh_from_db()
        self.assertIsNone(token.last_used_at)

    def test_malformed_header_is_401(self) -> None:
        self.assert_refused("Bearer a b", words="格式")
        self.assert_refused("Bearer", words="格式")

    def test_no_credentials_is_401_with_bearer_challenge(self) -> None:
        response = APIClient().get(reverse("api:enterprise-list"))
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["WWW-Authenticate"], "Bearer")


@fast_hashing
class TokenCommandTest(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("beijing", "110000")

    def issue(self, *args: str) -> str:
        out = io.StringIO()
        call_command("token", *args, stdout=out)
        return out.getvalue().strip()

    def test_prints_a_key_that_works(self) -> None:
        key = self.issue("beijing")
        self.assertRegex(key, r"^[A-Za-z0-9_-]{40,}$")
        token = APIToken.objects.get(user=self.user)
        self.assertEqual(token.key_hash, hashlib.sha256(key.encode()).hexdigest())
        self.assertIsNone(token.expires_at)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        response = client.get(reverse("api:enterprise-list"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.json()), {"count", "next", "previous", "results"})

    def test_unknown_user_fails(self) -> None:
        with self.assertRaisesRegex(CommandError, "用户不存在"):
            self.issue("nobody")
        self.assertFalse(APIToken.objects.exists())

    def test_inactive_user_fails(self) -> None:
        User.objects.filter(pk=self.user.pk).update(is_active=False)
        with self.assertRaisesRegex(CommandError, "停用"):
            self.issue("beijing")
        self.assertFalse(APIToken.objects.exists())

    def test_days_sets_an_expiry(self) -> None:
        before = timezone.now()
        self.issue("beijing", "--days", "1", "--description", "数据对接")
        token = APIToken.objects.get(user=self.user)
        self.assertEqual(token.description, "数据对接")
        assert token.expires_at is not None
        self.assertGreaterEqual(token.expires_at, before + timedelta(days=1))
        self.assertLessEqual(token.expires_at, timezone.now() + timedelta(days=1))
