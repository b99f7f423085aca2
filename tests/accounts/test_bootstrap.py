"""No superuser in production; the first three administrators come from a CLI step."""

from __future__ import annotations

import io

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
