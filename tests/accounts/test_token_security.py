"""API tokens (issue 4): allowed source addresses, revocation (command and 我的令牌), audit of create
and revoke, and every use attributable to its token."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from anjian.accounts.models import APIToken, User
from anjian.accounts.services import issue_token, revoke_token
from anjian.audit.events import EventType
from anjian.audit.models import AuditEvent
from anjian.audit.services import record_event
from anjian.core.context import get_token_id
from anjian.core.testing import provincial_inspector
from tests.accounts.test_api import make_enterprise

fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def api_get(key: str, ip: str = "127.0.0.1", url: str | None = None) -> tuple[int, dict[str, object]]:
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get(url or reverse("api:enterprise-list"))
    return response.status_code, response.json()


@fast_hashing
class AllowedAddressTest(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("beijing", "110000")

    def test_any_address_when_empty(self) -> None:
        _token, key = issue_token(self.user)
        self.assertEqual(api_get(key, "203.0.113.9")[0], 200)

    def test_address_and_network_allowed(self) -> None:
        _token, key = issue_token(self.user, allowed_ips="10.1.0.0/16, 192.0.2.7")
        self.assertEqual(api_get(key, "10.1.200.3")[0], 200)
        self.assertEqual(api_get(key, "192.0.2.7")[0], 200)

    def test_other_address_is_refused_and_audited(self) -> None:
        token, key = issue_token(self.user, allowed_ips="10.1.0.0/16,2001:db8::/32")
        status, body = api_get(key, "192.0.2.8")
        self.assertEqual(status, 403)
        self.assertIn("来源地址 192.0.2.8 不在该令牌允许的范围内", str(body["detail"]))
        token.refresh_from_db()
        self.assertIsNone(token.last_used_at)
        event = AuditEvent.objects.filter(event_type=EventType.ACCESS_DENIED).latest("pk")
        self.assertEqual(event.user_id, self.user.pk)
        self.assertEqual(event.result, "denied")
        self.assertEqual(event.details["token"], token.pk)
        self.assertEqual(event.details["source"], "192.0.2.8")
        self.assertEqual(api_get(key, "2001:db8::1")[0], 200)

    def test_invalid_network_is_refused(self) -> None:
        from django.core.exceptions import ValidationError

        with self.assertRaisesRegex(ValidationError, "不是有效的地址或网段"):
            issue_token(self.user, allowed_ips="10.1.0.0/16,not-an-ip")
        self.assertFalse(APIToken.objects.exists())

    def test_command_allow_ip(self) -> None:
        out = io.StringIO()
        call_command("token", "beijing", "--allow-ip", "192.0.2.0/24", stdout=out)
        key = out.getvalue().strip()
        self.assertEqual(APIToken.objects.get().allowed_ips, "192.0.2.0/24")
        self.assertEqual(api_get(key, "192.0.2.44")[0], 200)
        self.assertEqual(api_get(key, "198.51.100.1")[0], 403)
        with self.assertRaisesRegex(CommandError, "不是有效的地址或网段"):
            call_command("token", "beijing", "--allow-ip", "300.1.1.1", stdout=io.StringIO())


@fast_hashing
class RevocationTest(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("beijing", "110000")

    def test_create_and_revoke_are_audited(self) -> None:
        token, key = issue_token(self.user, description="数据对接")
        created = AuditEvent.objects.get(event_type=EventType.TOKEN_CREATE)
        self.assertEqual(created.object_id, str(token.pk))
        self.assertEqual(created.details["prefix"], token.prefix)
        self.assertNotIn(key, str(created.details))
        self.assertTrue(revoke_token(token))
        self.assertFalse(revoke_token(token))  # already revoked: nothing more written
        self.assertEqual(AuditEvent.objects.filter(event_type=EventType.TOKEN_REVOKE).count(), 1)
        self.assertEqual(api_get(key)[0], 401)

    def test_revoke_command(self) -> None:
        out = io.StringIO()
        call_command("token", "beijing", stdout=out)
        key = out.getvalue().strip()
        self.assertEqual(api_get(key)[0], 200)
        call_command("token", f"--revoke={key[:8]}", stdout=io.StringIO())
        status, body = api_get(key)
        self.assertEqual(status, 401)
        self.assertIn("吊销", str(body["detail"]))
        self.assertEqual(AuditEvent.objects.filter(event_type=EventType.TOKEN_CREATE).count(), 1)
        self.assertEqual(AuditEvent.objects.filter(event_type=EventType.TOKEN_REVOKE).count(), 1)
        with self.assertRaisesRegex(CommandError, "没有前缀"):
            call_command("token", "--revoke", "zzzzzzzz", stdout=io.StringIO())

    def test_my_tokens_page_lists_and_revokes(self) -> None:
        token, key = issue_token(self.user, description="省级平台对接", allowed_ips="10.0.0.0/8")
        other_user = provincial_inspector("shanghai", "310000")
        other, _other_key = issue_token(other_user, description="别人的令牌")
        self.client.force_login(self.user)
        page = self.client.get(reverse("security:tokens"))
        self.assertContains(page, token.prefix)
        self.assertContains(page, "省级平台对接")
        self.assertContains(page, "10.0.0.0/8")
        self.assertContains(page, "从未使用")
        self.assertNotContains(page, "别人的令牌")
        self.assertNotContains(page, key)

        response = self.client.post(reverse("security:token_revoke", args=[other.pk]))
        self.assertEqual(response.status_code, 404)
        other.refresh_from_db()
        self.assertIsNone(other.revoked_at)

        response = self.client.post(reverse("security:token_revoke", args=[token.pk]))
        self.assertRedirects(response, reverse("security:tokens"))
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertContains(self.client.get(reverse("security:tokens")), "已吊销")
        event = AuditEvent.objects.get(event_type=EventType.TOKEN_REVOKE)
        self.assertEqual(event.user_id, self.user.pk)
        self.assertEqual(api_get(key, "10.0.0.1")[0], 401)


@fast_hashing
class AttributionTest(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("beijing", "110000")

    def test_events_of_a_token_request_record_the_token(self) -> None:
        token, key = issue_token(self.user)
        shanghai = make_enterprise("令牌归因测试化工", "310115", "24242424")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        # Reaching outside the scope writes an ACCESS_DENIED event during the token request.
        response = client.get(reverse("api:enterprise-detail", args=[shanghai.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertIsNone(get_token_id(), "the token context ends with the request")
        event = AuditEvent.objects.filter(event_type=EventType.ACCESS_DENIED).latest("pk")
        self.assertEqual(event.object_id, str(shanghai.pk))
        self.assertEqual(event.details["token"], token.pk)
        # The same through a browser session, and outside any request: no token recorded.
        self.client.force_login(self.user)
        self.client.get(reverse("api:enterprise-detail", args=[shanghai.pk]))
        event = AuditEvent.objects.filter(event_type=EventType.ACCESS_DENIED).latest("pk")
        self.assertNotIn("token", event.details)
        self.assertNotIn("token", record_event(EventType.EXPORT).details)

    def test_token_is_set_during_the_request(self) -> None:
        from anjian.accounts.authentication import BearerTokenAuthentication

        token, key = issue_token(self.user)
        seen: list[int | None] = []
        original = BearerTokenAuthentication.authenticate

        def spy(self_: BearerTokenAuthentication, request: object) -> object:
            result = original(self_, request)  # type: ignore[arg-type]
            seen.append(get_token_id())
            return result

        BearerTokenAuthentication.authenticate = spy  # type: ignore[assignment,method-assign]
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
            client.get(reverse("api:enterprise-list"))
        finally:
            BearerTokenAuthentication.authenticate = original  # type: ignore[method-assign]
        self.assertIn(token.pk, seen)
        self.assertIsNone(get_token_id())
