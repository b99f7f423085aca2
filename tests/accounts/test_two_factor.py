"""Second factor (MLPS 1.4): TOTP enrolment with a local QR code and backup codes, the verification
step after the password, no replay, and enforcement for government and administrator users."""

from __future__ import annotations

import time
from typing import Any

from django.test import TestCase, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from anjian.accounts.models import Role, User
from anjian.accounts.roles import RoleCode
from anjian.audit.events import EventType
from anjian.audit.models import AuditEvent
from anjian.core.testing import PASSWORD, make_user, provincial_inspector
from tests.accounts.test_api import enterprise_org, make_enterprise

fast_hashing = override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], OTP_TOTP_THROTTLE_FACTOR=0
)


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The device's code, ``offset_steps`` time steps from now (within the accepted tolerance)."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + offset_steps * device.step
    return f"{generator.token():0{device.digits}d}"


def enrol(client: Any, user: User) -> tuple[TOTPDevice, list[str]]:
    page = client.get(reverse("security:two_factor"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.status_code == 200
    response = client.post(reverse("security:two_factor"), {"code": code_for(device)})
    assert response.status_code == 200, response
    device.refresh_from_db()
    return device, response.context["codes"]


@fast_hashing
class EnrolmentTest(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("zhangsan", "110000")

    def test_page_shows_a_local_qr_code_and_the_secret(self) -> None:
        self.client.force_login(self.user)
        page = self.client.get(reverse("security:two_factor"))
        self.assertContains(page, 'src="data:image/svg+xml;base64,')
        self.assertContains(page, 'id="totp-secret"')
        self.assertNotContains(page, "http://")
        self.assertNotContains(page, "https://")
        self.assertNotContains(page, "<script>")

    def test_enrol_shows_ten_backup_codes_once(self) -> None:
        self.client.force_login(self.user)
        device, codes = enrol(self.client, self.user)
        self.assertTrue(device.confirmed)
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        self.assertEqual(StaticToken.objects.filter(device__user=self.user).count(), 10)
        page = self.client.get(reverse("security:two_factor"))
        self.assertContains(page, 'id="two-factor-status"')
        for code in codes:
            self.assertNotContains(page, code)

    def test_wrong_code_does_not_enrol(self) -> None:
        self.client.force_login(self.user)
        self.client.get(reverse("security:two_factor"))
        device = TOTPDevice.objects.get(user=self.user)
        wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
        response = self.client.post(reverse("security:two_factor"), {"code": wrong})
        self.assertContains(response, "验证码不正确")
        device.refresh_from_db()
        self.assertFalse(device.confirmed)
        self.assertTrue(AuditEvent.objects.filter(event_type=EventType.OTP_FAILED).exists())


@fast_hashing
class LoginWithSecondFactorTest(TestCase):
    user: User
    device: TOTPDevice
    codes: list[str]

    def setUp(self) -> None:
        self.user = provincial_inspector("zhangsan", "110000")
        self.client.force_login(self.user)
        self.device, self.codes = enrol(self.client, self.user)
        self.client.logout()

    def password_step(self, password: str = PASSWORD) -> Any:
        return self.client.post(
            reverse("login"), {"username": "zhangsan", "password": password, "next": "/enterprises/"}
        )

    def test_password_alone_does_not_sign_in(self) -> None:
        logins = AuditEvent.objects.filter(event_type=EventType.LOGIN).count()
        response = self.password_step()
        self.assertRedirects(
            response,
            reverse("security:otp_verify") + "?next=%2Fenterprises%2F",
            fetch_redirect_response=False,
        )
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)
        self.assertEqual(AuditEvent.objects.filter(event_type=EventType.LOGIN).count(), logins)

    def test_code_after_password_signs_in(self) -> None:
        self.password_step()
        response = self.client.post(
            reverse("security:otp_verify"), {"code": code_for(self.device, 1), "next": "/enterprises/"}
        )
        self.assertRedirects(response, "/enterprises/", fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_replayed_code_is_refused(self) -> None:
        code = code_for(self.device, 1)
        self.password_step()
        self.client.post(reverse("security:otp_verify"), {"code": code})
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        self.client.logout()
        self.password_step()
        response = self.client.post(reverse("security:otp_verify"), {"code": code})
        self.assertContains(response, "验证码错误、已过期或已使用过。")
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)
        event = AuditEvent.objects.filter(event_type=EventType.OTP_FAILED).latest("pk")
        self.assertEqual(event.user_id, self.user.pk)
        self.assertEqual(event.result, "failure")

    def test_backup_code_works_once(self) -> None:
        self.password_step()
        self.client.post(reverse("security:otp_verify"), {"code": self.codes[0]})
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        self.client.logout()
        self.password_step()
        response = self.client.post(reverse("security:otp_verify"), {"code": self.codes[0]})
        self.assertContains(response, "已使用过")

    def test_wrong_codes_count_towards_the_lockout(self) -> None:
        self.password_step()
        for _ in range(5):
            response = self.client.post(reverse("security:otp_verify"), {"code": "000000"})
        self.assertContains(response, "账号已被锁定")
        response = self.client.post(reverse("security:otp_verify"), {"code": code_for(self.device, 1)})
        self.assertContains(response, "账号已被锁定")
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)
        self.assertEqual(AuditEvent.objects.filter(event_type=EventType.OTP_FAILED).count(), 5)

    def test_verify_without_password_step_goes_to_login(self) -> None:
        response = self.client.post(reverse("security:otp_verify"), {"code": code_for(self.device)})
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)

    def test_disable_needs_a_code(self) -> None:
        self.password_step()
        self.client.post(reverse("security:otp_verify"), {"code": code_for(self.device, 1)})
        self.client.post(reverse("security:two_factor_disable"), {"code": "123"})
        self.assertTrue(TOTPDevice.objects.filter(user=self.user).exists())
        self.client.post(reverse("security:two_factor_disable"), {"code": self.codes[1]})
        self.assertFalse(TOTPDevice.objects.filter(user=self.user).exists())

    def test_new_backup_codes_replace_the_old(self) -> None:
        self.password_step()
        self.client.post(reverse("security:otp_verify"), {"code": code_for(self.device, 1)})
        response = self.client.post(reverse("security:backup_codes"), {"code": self.codes[2]})
        fresh = response.context["codes"]
        self.assertEqual(len(fresh), 10)
        self.assertFalse(StaticToken.objects.filter(token=self.codes[3]).exists())


@fast_hashing
@override_settings(REQUIRE_2FA=True)
class EnforcementTest(TestCase):
    def test_government_user_must_enrol_before_anything_else(self) -> None:
        user = provincial_inspector("zhangsan", "110000")
        self.client.force_login(user)
        response = self.client.get(reverse("enterprises:enterprise_list"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("security:two_factor")))
        self.assertEqual(self.client.get(reverse("api:enterprise-list")).status_code, 403)
        enrol(self.client, user)
        self.assertEqual(self.client.get(reverse("enterprises:enterprise_list")).status_code, 200)

    def test_each_administrator_role_must_enrol(self) -> None:
        for role in (RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.AUDITOR):
            with self.subTest(role=role):
                user = make_user(f"admin-{role}", None, role)
                self.client.force_login(user)
                response = self.client.get(reverse("home"))
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("security:two_factor")))

    def test_enterprise_user_need_not_enrol(self) -> None:
        user = make_user("qiye", enterprise_org(make_enterprise("双因子测试化工", "110105", "23232323")))
        user.roles.set(Role.objects.filter(code=RoleCode.ENTERPRISE_ADMIN))
        self.client.force_login(user)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_enrolled_but_unverified_session_must_verify(self) -> None:
        user = provincial_inspector("zhangsan", "110000")
        self.client.force_login(user)
        device, _codes = enrol(self.client, user)
        other = self.client_class()
        other.force_login(user)  # a session that skipped the second factor
        response = other.get(reverse("home"))
        self.assertTrue(response["Location"].startswith(reverse("security:otp_verify")))
        other.post(reverse("security:otp_verify"), {"code": code_for(device, 1)})
        self.assertEqual(other.get(reverse("home")).status_code, 200)

    def test_required_user_cannot_disable(self) -> None:
        user = provincial_inspector("zhangsan", "110000")
        self.client.force_login(user)
        _device, codes = enrol(self.client, user)
        response = self.client.post(reverse("security:two_factor_disable"), {"code": codes[0]})
        self.assertRedirects(response, reverse("security:two_factor"), fetch_redirect_response=False)
        self.assertTrue(TOTPDevice.objects.filter(user=user).exists())

    @override_settings(REQUIRE_2FA=False)
    def test_not_enforced_by_default(self) -> None:
        user = provincial_inspector("zhangsan", "110000")
        self.client.force_login(user)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
