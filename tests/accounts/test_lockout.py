"""Login failure handling (MLPS 1.2): lockout per account and per source address, also of the
correct password, until it expires or ``anjian unlock`` ends it."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import time_machine
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from anjian.accounts.models import LoginThrottle, User
from anjian.audit.events import EventType
from anjian.audit.models import AuditEvent
from anjian.core.testing import PASSWORD, provincial_inspector

fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@fast_hashing
class LockoutTest(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("zhangsan", "110000")

    def attempt(self, password: str, *, username: str = "zhangsan", ip: str = "192.0.2.1") -> Any:
        return self.client.post(
            reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
        )

    def assert_signed_in(self, signed_in: bool) -> None:
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200 if signed_in else 302)

    def test_wrong_password_message(self) -> None:
        response = self.attempt("wrong")
        self.assertContains(response, "用户名或密码错误，请重试。")

    def test_five_failures_lock_the_account_also_for_the_correct_password(self) -> None:
        for n in range(4):
            self.assertNotContains(self.attempt("wrong", ip=f"192.0.2.{n + 10}"), "锁定")
        response = self.attempt("wrong", ip="192.0.2.99")
        self.assertContains(response, "账号已被锁定，请 30 分钟后重试")
        # From yet another address, with the right password: still refused.
        response = self.attempt(PASSWORD, ip="198.51.100.7")
        self.assertContains(response, "账号已被锁定")
        self.assert_signed_in(False)
        lockouts = AuditEvent.objects.filter(event_type=EventType.LOCKOUT)
        self.assertEqual(lockouts.count(), 1)
        event = lockouts.get()
        self.assertEqual(event.username, "zhangsan")
        self.assertEqual(event.details["scope"], "account")

        with time_machine.travel(timezone.now() + timedelta(minutes=31)):
            self.attempt(PASSWORD, ip="198.51.100.7")
            self.assert_signed_in(True)

    def test_lock_remaining_minutes_count_down(self) -> None:
        for _ in range(5):
            self.attempt("wrong")
        with time_machine.travel(timezone.now() + timedelta(minutes=20, seconds=10)):
            self.assertContains(self.attempt(PASSWORD, ip="198.51.100.7"), "请 10 分钟后重试")

    def test_five_failures_from_one_address_lock_the_address(self) -> None:
        other = provincial_inspector("lisi", "120000")
        for name in ["a", "b", "c", "d", "e"]:
            self.attempt("wrong", username=f"nobody-{name}", ip="203.0.113.5")
        response = self.attempt(PASSWORD, username=other.username, ip="203.0.113.5")
        self.assertContains(response, "来源地址已被锁定")
        self.assert_signed_in(False)
        # The same account from another address is fine: only the address is locked.
        self.attempt(PASSWORD, username=other.username, ip="203.0.113.6")
        self.assert_signed_in(True)
        self.assertTrue(
            AuditEvent.objects.filter(event_type=EventType.LOCKOUT, details__scope="address").exists()
        )

    def test_failures_outside_the_period_do_not_add_up(self) -> None:
        for _ in range(4):
            self.attempt("wrong")
        with time_machine.travel(timezone.now() + timedelta(minutes=31)):
            self.attempt("wrong")
            self.attempt(PASSWORD)
            self.assert_signed_in(True)

    def test_success_clears_the_account_counter(self) -> None:
        for _ in range(4):
            self.attempt("wrong")
        self.attempt(PASSWORD, ip="198.51.100.1")
        self.assert_signed_in(True)
        self.client.logout()
        self.attempt("wrong", ip="198.51.100.2")
        self.attempt(PASSWORD, ip="198.51.100.2")
        self.assert_signed_in(True)

    @override_settings(LOCKOUT_FAILURES=2, LOCKOUT_MINUTES=5)
    def test_limits_are_configurable(self) -> None:
        self.attempt("wrong")
        self.assertContains(self.attempt("wrong"), "请 5 分钟后重试")

    def test_unlock_command(self) -> None:
        for _ in range(5):
            self.attempt("wrong", ip="192.0.2.50")
        self.assertContains(self.attempt(PASSWORD, ip="192.0.2.60"), "锁定")
        out = io.StringIO()
        call_command("unlock", "zhangsan", stdout=out)
        self.assertIn("已解锁：zhangsan", out.getvalue())
        self.attempt(PASSWORD, ip="192.0.2.60")
        self.assert_signed_in(True)
        self.assertTrue(
            AuditEvent.objects.filter(event_type=EventType.LOCKOUT, details__action="unlock").exists()
        )

    def test_unlock_an_address(self) -> None:
        for n in range(5):
            self.attempt("wrong", username=f"x{n}", ip="192.0.2.77")
        call_command("unlock", "--ip", "192.0.2.77", stdout=io.StringIO())
        self.assertFalse(LoginThrottle.objects.filter(key="192.0.2.77").exists())
        self.attempt(PASSWORD, ip="192.0.2.77")
        self.assert_signed_in(True)

    def test_failed_logins_are_audited(self) -> None:
        self.attempt("wrong")
        self.assertTrue(
            AuditEvent.objects.filter(event_type=EventType.LOGIN_FAILED, username="zhangsan").exists()
        )
