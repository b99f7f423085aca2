"""Sessions (MLPS 1.2, 5.1): idle timeout, 我的会话 with revocation, no reuse after logout."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from anjian.accounts.models import User, UserSession
from anjian.audit.events import EventType
from anjian.audit.models import AuditEvent
from anjian.core.testing import PASSWORD, provincial_inspector

fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def browser(user_agent: str, ip: str) -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)


@fast_hashing
class SessionTest(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("zhangsan", "110000")

    def sign_in(self, client: Client) -> None:
        response = client.post(reverse("login"), {"username": "zhangsan", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)

    def test_idle_timeout(self) -> None:
        self.assertEqual(settings.SESSION_COOKIE_AGE, 30 * 60)
        self.assertTrue(settings.SESSION_SAVE_EVERY_REQUEST)
        self.sign_in(self.client)
        start = timezone.now()
        # Activity every 20 minutes keeps the session alive past 30 minutes in total ...
        for minutes in (20, 40):
            with time_machine.travel(start + timedelta(minutes=minutes)):
                self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        # ... 31 idle minutes end it.
        with time_machine.travel(start + timedelta(minutes=40 + 31)):
            response = self.client.get(reverse("home"))
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_session_reuse_after_logout_fails(self) -> None:
        self.sign_in(self.client)
        cookie = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        self.client.post(reverse("logout"))
        self.assertFalse(Session.objects.filter(session_key=cookie).exists())
        self.assertFalse(UserSession.objects.filter(session_key=cookie).exists())
        replay = Client()
        replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
        self.assertEqual(replay.get(reverse("home")).status_code, 302)
        self.assertEqual(replay.get(reverse("api:enterprise-list")).status_code, 401)

    def test_login_cycles_the_session_key(self) -> None:
        self.client.get(reverse("login"))
        self.client.session.save()
        before = self.client.session.session_key
        self.sign_in(self.client)
        self.assertNotEqual(self.client.session.session_key, before)

    def test_my_sessions_lists_and_revokes(self) -> None:
        office = browser("Office Firefox", "192.0.2.10")
        laptop = browser("Laptop Chrome", "198.51.100.20")
        self.sign_in(office)
        self.sign_in(laptop)
        self.assertEqual(UserSession.objects.filter(user=self.user).count(), 2)

        page = office.get(reverse("security:sessions"))
        self.assertContains(page, "Office Firefox")
        self.assertContains(page, "Laptop Chrome")
        self.assertContains(page, "198.51.100.20")
        self.assertContains(page, 'id="current-session"', count=1)
        self.assertContains(page, "当前会话")

        other = UserSession.objects.get(user=self.user, user_agent="Laptop Chrome")
        response = office.post(reverse("security:session_revoke", args=[other.pk]))
        self.assertRedirects(response, reverse("security:sessions"))
        self.assertFalse(Session.objects.filter(session_key=other.session_key).exists())
        self.assertEqual(laptop.get(reverse("home")).status_code, 302)
        self.assertEqual(office.get(reverse("home")).status_code, 200)
        self.assertNotContains(office.get(reverse("security:sessions")), "Laptop Chrome")
        self.assertTrue(
            AuditEvent.objects.filter(
                event_type=EventType.LOGOUT, details__revoked_session=other.session_key[:8]
            ).exists()
        )

    def test_current_session_is_not_revoked_from_the_list(self) -> None:
        self.sign_in(self.client)
        current = UserSession.objects.get(session_key=self.client.session.session_key)
        self.client.post(reverse("security:session_revoke", args=[current.pk]))
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_cannot_revoke_another_users_session(self) -> None:
        other_user = provincial_inspector("lisi", "120000")
        other = Client()
        other.force_login(other_user)
        row = UserSession.objects.get(user=other_user)
        self.sign_in(self.client)
        response = self.client.post(reverse("security:session_revoke", args=[row.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(other.get(reverse("home")).status_code, 200)

    def test_revoke_needs_post(self) -> None:
        self.sign_in(self.client)
        row = UserSession.objects.get(user=self.user)
        self.assertEqual(self.client.get(reverse("security:session_revoke", args=[row.pk])).status_code, 405)

    def test_expired_sessions_drop_out_of_the_list(self) -> None:
        old = browser("Old Browser", "192.0.2.30")
        self.sign_in(old)
        with time_machine.travel(timezone.now() + timedelta(minutes=45)):
            self.sign_in(self.client)
            page = self.client.get(reverse("security:sessions"))
            self.assertNotContains(page, "Old Browser")
        self.assertFalse(UserSession.objects.filter(user_agent="Old Browser").exists())

    def test_last_seen_is_refreshed(self) -> None:
        self.sign_in(self.client)
        row = UserSession.objects.get(user=self.user)
        later = timezone.now() + timedelta(minutes=5)
        with time_machine.travel(later):
            self.client.get(reverse("home"))
        row.refresh_from_db()
        self.assertGreaterEqual(row.last_seen_at, later - timedelta(seconds=5))

    def test_user_menu_links(self) -> None:
        self.sign_in(self.client)
        page = self.client.get(reverse("home"))
        for name, label in [
            ("security:sessions", "我的会话"),
            ("security:tokens", "我的令牌"),
            ("security:password_change", "修改密码"),
            ("security:two_factor", "二次认证"),
        ]:
            self.assertContains(page, f'href="{reverse(name)}"')
            self.assertContains(page, label)
