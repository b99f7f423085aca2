"""Password policy (MLPS 1.1): validators, history, expiry with forced change, the change page."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from anjian.accounts.models import PasswordHistory, User
from anjian.accounts.passwords import must_change_password, set_initial_password
from anjian.audit.events import EventType
from anjian.audit.models import AuditEvent
from anjian.core.testing import PASSWORD, provincial_inspector

fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def errors(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as e:
        return list(e.messages)
    return []


@fast_hashing
class PolicyTest(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("zhangsan", "110000")

    def test_demo_and_test_passwords_are_valid(self) -> None:
        self.assertEqual(errors(settings.DEMO_PASSWORD, User(username="beijing")), [])
        self.assertEqual(errors("Anjian@2026", User(username="beijing")), [])
        self.assertEqual(errors(PASSWORD, User(username="beijing")), [])

    def test_too_short(self) -> None:
        self.assertIn("密码太短：至少 10 位，当前 9 位。", errors("Abc@12345"))

    @override_settings(PASSWORD_MIN_LENGTH=12)
    def test_length_is_configurable(self) -> None:
        self.assertIn("密码太短：至少 12 位，当前 11 位。", errors("Anjian@2026"))

    def test_three_of_four_classes(self) -> None:
        message = "密码须包含大写字母、小写字母、数字、特殊符号中的至少三类。"
        self.assertIn(message, errors("abcdefghij12"))  # two classes
        self.assertIn(message, errors("ABCDEFGH!!!!"))
        self.assertNotIn(message, errors("abcdefgh12!!"))  # lower, digit, symbol
        self.assertNotIn(message, errors("Abcdefgh1234"))  # upper, lower, digit

    def test_must_not_contain_the_username(self) -> None:
        self.assertIn("密码不能包含用户名。", errors("ZhangSan@2026x", self.user))
        self.assertNotIn("密码不能包含用户名。", errors("LiSi@2026xyz", self.user))

    def test_not_one_of_the_last_five(self) -> None:
        used = [f"Old-Pass-{n}x2026" for n in range(6)]
        for password in used:
            self.user.set_password(password)
            self.user.save()
        self.assertEqual(PasswordHistory.objects.filter(user=self.user).count(), 5)
        message = "不能使用最近 5 次用过的密码。"
        for password in used[1:]:  # the current one and the four before it
            self.assertIn(message, errors(password, self.user), password)
        self.assertNotIn(message, errors(used[0], self.user))  # six changes ago: allowed again
        self.assertNotIn(message, errors("Brand-New-2026", self.user))

    def test_history_holds_hashes_only(self) -> None:
        self.user.set_password("Secret-Pass-2026")
        self.user.save()
        stored = PasswordHistory.objects.filter(user=self.user).first()
        assert stored is not None
        self.assertNotIn("Secret-Pass-2026", stored.password)
        self.assertTrue(stored.password.startswith("md5$"))

    def test_hash_upgrade_is_not_a_password_change(self) -> None:
        before = PasswordHistory.objects.filter(user=self.user).count()
        changed_at = timezone.now() - timedelta(days=10)
        User.objects.filter(pk=self.user.pk).update(password_changed_at=changed_at)
        user = User.objects.get(pk=self.user.pk)
        with override_settings(
            PASSWORD_HASHERS=[
                "django.contrib.auth.hashers.ScryptPasswordHasher",
                "django.contrib.auth.hashers.MD5PasswordHasher",
            ]
        ):
            self.assertTrue(user.check_password(PASSWORD))  # rehashed with scrypt
        user.refresh_from_db()
        self.assertTrue(user.password.startswith("scrypt$"))
        self.assertEqual(user.password_changed_at, changed_at)
        self.assertEqual(PasswordHistory.objects.filter(user=self.user).count(), before)


@fast_hashing
class ForcedChangeTest(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("zhangsan", "110000")

    def test_new_user_need_not_change(self) -> None:
        self.assertFalse(must_change_password(self.user))
        self.client.force_login(self.user)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_initial_password_must_be_changed_before_anything_else(self) -> None:
        set_initial_password(self.user, "Initial-Pass-2026")
        self.assertTrue(self.client.login(username="zhangsan", password="Initial-Pass-2026"))
        response = self.client.get(reverse("enterprises:enterprise_list"))
        self.assertRedirects(
            response,
            reverse("security:password_change") + "?next=%2Fenterprises%2F",
            fetch_redirect_response=False,
        )
        self.assertEqual(response["X-Frame-Options"], "DENY")  # refusals still carry the headers
        # The API through the session is refused as well, with a message.
        api = self.client.get(reverse("api:enterprise-list"))
        self.assertEqual(api.status_code, 403)
        self.assertIn("修改密码", api.json()["detail"])
        # The change page, logout and static files stay reachable.
        page = self.client.get(reverse("security:password_change"))
        self.assertContains(page, "初始密码")
        self.assertEqual(self.client.get("/static/anjian/app.js").status_code, 200)

        response = self.client.post(
            reverse("security:password_change"),
            {
                "old_password": "Initial-Pass-2026",
                "new_password1": "Chosen-Pass-2026",
                "new_password2": "Chosen-Pass-2026",
            },
        )
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.user.refresh_from_db()
        self.assertFalse(self.user.must_change_password)
        self.assertTrue(self.user.check_password("Chosen-Pass-2026"))
        self.assertEqual(self.client.get(reverse("enterprises:enterprise_list")).status_code, 200)
        self.assertTrue(
            AuditEvent.objects.filter(
                event_type=EventType.PASSWORD_CHANGE, user_id=self.user.pk, result="success"
            ).exists()
        )

    def test_initial_password_is_checked_against_the_policy(self) -> None:
        with self.assertRaises(ValidationError):
            set_initial_password(self.user, "short")

    def test_expired_password_must_be_changed(self) -> None:
        User.objects.filter(pk=self.user.pk).update(
            password_changed_at=timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS + 1)
        )
        self.client.force_login(self.user)
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("security:password_change")))
        self.assertContains(self.client.get(reverse("security:password_change")), "密码已过期")

    @override_settings(PASSWORD_MAX_AGE_DAYS=0)
    def test_expiry_can_be_turned_off(self) -> None:
        User.objects.filter(pk=self.user.pk).update(password_changed_at=timezone.now() - timedelta(days=999))
        self.client.force_login(self.user)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_change_page_applies_the_policy_in_chinese(self) -> None:
        self.client.force_login(self.user)
        response = self.client.post(
            reverse("security:password_change"),
            {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "不能使用最近 5 次用过的密码。")
        response = self.client.post(
            reverse("security:password_change"),
            {"old_password": PASSWORD, "new_password1": "zhangsan-abc", "new_password2": "zhangsan-abc"},
        )
        self.assertContains(response, "密码不能包含用户名。")
        self.assertContains(response, "至少三类")

    def test_wrong_old_password_is_refused_and_audited(self) -> None:
        self.client.force_login(self.user)
        response = self.client.post(
            reverse("security:password_change"),
            {
                "old_password": "wrong",
                "new_password1": "Chosen-Pass-2026",
                "new_password2": "Chosen-Pass-2026",
            },
        )
        self.assertContains(response, "原密码不正确。")
        self.assertTrue(
            AuditEvent.objects.filter(event_type=EventType.PASSWORD_CHANGE, result="failure").exists()
        )

    def test_password_change_ends_the_other_sessions(self) -> None:
        other = self.client_class()
        other.force_login(self.user)
        self.client.force_login(self.user)
        self.client.post(
            reverse("security:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "Chosen-Pass-2026",
                "new_password2": "Chosen-Pass-2026",
            },
        )
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        self.assertEqual(other.get(reverse("home")).status_code, 302)
