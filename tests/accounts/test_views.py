"""System administration lists (系统管理): organisations, users, regions."""

from __future__ import annotations

from typing import ClassVar

from django.test import TestCase
from django.urls import reverse

from anjian.accounts.models import AgencyLevel, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_org, make_user, provincial_inspector


class SystemListsTest(TestCase):
    beijing: ClassVar[User]
    shanghai: ClassVar[User]
    sysadmin: ClassVar[User]
    auditor: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing = provincial_inspector("bj", "110000")
        cls.shanghai = provincial_inspector("sh", "310000")
        ministry = make_org("应急管理部（测试）", None, level=AgencyLevel.NATIONAL)
        cls.sysadmin = make_user("sysadmin_t", ministry, RoleCode.SYSTEM_ADMIN)
        cls.auditor = make_user("auditor_t", ministry, RoleCode.AUDITOR)

    def test_system_administrator_sees_every_account_and_the_system_menu(self) -> None:
        self.client.force_login(self.sysadmin)
        home = self.client.get("/")
        self.assertContains(home, "系统管理")
        self.assertNotContains(home, "行业监管")
        response = self.client.get(reverse("accounts:user_list"))
        for username in ("bj", "sh", "sysadmin_t", "auditor_t"):
            self.assertContains(response, username)

    def test_inspector_sees_only_accounts_in_scope(self) -> None:
        self.client.force_login(self.beijing)
        response = self.client.get(reverse("accounts:user_list"))
        self.assertContains(response, ">bj<")
        self.assertNotContains(response, ">sh<")
        response = self.client.get(reverse("accounts:organization_list"))
        self.assertContains(response, "110000 应急管理厅（测试）")
        self.assertNotContains(response, "310000 应急管理厅（测试）")

    def test_auditor_may_not_list_accounts(self) -> None:
        self.client.force_login(self.auditor)
        self.assertEqual(self.client.get(reverse("accounts:user_list")).status_code, 403)
        self.assertEqual(self.client.get(reverse("accounts:organization_list")).status_code, 403)

    def test_regions_browse_with_filters(self) -> None:
        self.client.force_login(self.auditor)
        response = self.client.get(reverse("regions:region_list"), {"parent": "110000"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["table"].paginator.count, 16)
        self.assertContains(response, "海淀区")
        response = self.client.get(
            reverse("regions:region_list"),
            {"q": "海淀"},
            headers={"HX-Request": "true", "HX-Target": "object-table"},
        )
        self.assertContains(response, "110108")
        self.assertNotContains(response, "<html")
