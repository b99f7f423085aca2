"""Top navigation: only pages a user may open are shown, and a group with no entries is not rendered."""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser
from django.test import TestCase, override_settings
from django.urls import reverse

from anjian.accounts.models import AgencyLevel, User
from anjian.accounts.roles import RoleCode
from anjian.core.navigation import GROUPS, menu_for
from anjian.core.testing import make_org, make_user, provincial_inspector

NAV = re.compile(r'<ul class="navbar-nav[^"]*" id="main-nav">(.*?)</ul>', re.S)


# Password hashing is not under test here; Argon2 would spend a third of a second on every user.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class NavigationTest(TestCase):
    inspector: User
    sysadmin: User
    auditor: User
    no_roles: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.inspector = provincial_inspector("nav_beijing", "110000")
        ministry = make_org("应急管理部（测试）", None, level=AgencyLevel.NATIONAL)
        cls.sysadmin = make_user("nav_sysadmin", ministry, RoleCode.SYSTEM_ADMIN)
        cls.auditor = make_user("nav_auditor", ministry, RoleCode.AUDITOR)
        cls.no_roles = make_user("nav_no_roles", ministry)

    def home_nav(self, user: User) -> tuple[str, str]:
        """The rendered home page and its navigation bar."""
        self.client.force_login(user)
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        nav = NAV.search(html)
        self.assertIsNotNone(nav, "the navigation bar is missing")
        assert nav is not None
        return html, nav.group(1)

    def test_inspector_sees_industry_supervision_with_enterprises(self) -> None:
        _html, nav = self.home_nav(self.inspector)
        self.assertIn("行业监管", nav)
        enterprise_link = f'<a class="dropdown-item" href="{reverse("enterprises:enterprise_list")}">企业</a>'
        self.assertIn(enterprise_link, nav)
        self.assertEqual(self.client.get(reverse("enterprises:enterprise_list")).status_code, 200)

    def test_system_administrator_sees_no_business_pages(self) -> None:
        html, nav = self.home_nav(self.sysadmin)
        self.assertNotIn("行业监管", nav)
        self.assertNotIn(reverse("enterprises:enterprise_list"), html)
        self.assertIn("您的账号不访问业务数据", html)
        self.assertNotIn('id="stat-total"', html)
        # The page that is not shown is also closed.
        self.assertEqual(self.client.get(reverse("enterprises:enterprise_list")).status_code, 403)

    def test_links_in_the_menu_open(self) -> None:
        for user in (self.inspector, self.sysadmin, self.auditor, self.no_roles):
            with self.subTest(user=user.username):
                _html, nav = self.home_nav(user)
                links = re.findall(r'class="dropdown-item" href="([^"]+)"', nav)
                self.assertEqual(len(links), sum(len(group["items"]) for group in menu_for(user)))
                for url in links:
                    self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_business_pages_hidden_from_every_administrator(self) -> None:
        for user in (self.sysadmin, self.auditor, self.no_roles):
            with self.subTest(user=user.username):
                _html, nav = self.home_nav(user)
                self.assertNotIn("行业监管", nav)
                self.assertNotIn(reverse("enterprises:enterprise_list"), nav)

    def test_groups_without_entries_never_render(self) -> None:
        for user in (self.inspector, self.sysadmin, self.auditor, self.no_roles):
            with self.subTest(user=user.username):
                _html, nav = self.home_nav(user)
                menu = menu_for(user)
                shown = {group["code"] for group in menu}
                for code, label in GROUPS:
                    if code not in shown:
                        self.assertNotIn(str(label), nav)
                self.assertEqual(nav.count('class="nav-item dropdown"'), len(menu))
                for group in menu:
                    self.assertTrue(group["items"], group["code"])
                codes = [group["code"] for group in menu]
                known = [code for code, _label in GROUPS]
                self.assertEqual(codes, [code for code in known if code in codes], "groups keep their order")

    def test_menu_for(self) -> None:
        menu = {group["code"]: group for group in menu_for(self.inspector)}
        self.assertEqual(str(menu["industry"]["label"]), "行业监管")
        self.assertIn(
            {"label": "企业", "url": reverse("enterprises:enterprise_list")},
            [{"label": str(item["label"]), "url": item["url"]} for item in menu["industry"]["items"]],
        )
        self.assertEqual(menu_for(AnonymousUser()), [])
        self.assertEqual(menu_for(None), [])

    def test_anonymous_home_redirects_to_login(self) -> None:
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))
