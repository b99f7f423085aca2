"""No superuser in production; the first three administrators come from a CLI step."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from anjian.accounts.models import User
from anjian.core.scope import scope_for

FAST = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@FAST
class BootstrapTest(TestCase):
    @override_settings(DEBUG=False)
    def test_createsuperuser_is_refused_in_production(self) -> None:
        with self.assertRaisesMessage(CommandError, "生产环境不设超级用户"):
            call_command("createsuperuser", "--noinput", "--username", "root", "--email", "r@example.org")
        self.assertFalse(User.objects.filter(is_superuser=True).exists())

    def test_bootstrap_creates_three_separate_administrators(self) -> None:
        out = io.StringIO()
        call_command("bootstrap_admins", "--organization", "应急管理部信息中心", stdout=out)
        lines = [line.split("\t") for line in out.getvalue().splitlines() if "\t" in line]
        self.assertEqual(
            [(label, name) for label, name, _pw in lines],
            [("系统管理员", "sysadmin"), ("安全管理员", "secadmin"), ("安全审计员", "auditor")],
        )
        for _label, username, password in lines:
            user = User.objects.get(username=username)
            self.assertTrue(user.check_password(password))
            self.assertTrue(user.must_change_password)
            self.assertEqual(len(user.role_codes), 1)
            self.assertTrue(scope_for(user).nothing, "administrators reach no business data")
        self.assertEqual(len({pw for _l, _u, pw in lines}), 3)

    def test_bootstrap_runs_once(self) -> None:
        call_command("bootstrap_admins", "--organization", "应急管理部信息中心", stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "本节点已有管理员账号"):
            call_command(
                "bootstrap_admins",
                "--organization",
                "应急管理部信息中心",
                "--sysadmin",
                "other",
                stdout=io.StringIO(),
            )

    def test_three_distinct_accounts(self) -> None:
        with self.assertRaisesMessage(CommandError, "三员账号必须是三个不同的账号"):
            call_command(
                "bootstrap_admins",
                "--organization",
                "x",
                "--sysadmin",
                "a",
                "--secadmin",
                "a",
                stdout=io.StringIO(),
            )


@FAST
class ProductionChecksTest(TestCase):
    @override_settings(DEBUG=False)
    def test_a_superuser_fails_the_deployment_check(self) -> None:
        from anjian.accounts.checks import no_superuser_in_production

        self.assertEqual(no_superuser_in_production(), [])
        User.objects.create_superuser("root", "r@example.org", "Root-Pass-2026!")
        errors = no_superuser_in_production()
        self.assertEqual([e.id for e in errors], ["anjian.E001"])
        self.assertIn("root", errors[0].msg)


@FAST
class AbsoluteSessionLifetimeTest(TestCase):
    @override_settings(SESSION_MAX_HOURS=12)
    def test_a_session_ends_after_the_maximum_lifetime_however_active(self) -> None:
        import time_machine
        from django.utils import timezone

        from anjian.core.testing import provincial_inspector

        user = provincial_inspector("bj", "110000")
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/").status_code, 200)
        for minutes in range(25, 12 * 60, 25):  # active every 25 minutes: the idle timeout never strikes
            with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
                self.assertEqual(self.client.get("/").status_code, 200, minutes)
        with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
            response = self.client.get("/")
            self.assertEqual(response.status_code, 302)
            self.assertIn("/login/", response["Location"])
            self.assertEqual(self.client.get("/").status_code, 302)
