"""The auditor's console and API, three-role separation, and the web security headers."""

from __future__ import annotations

import io
from typing import ClassVar

from django.test import TestCase, override_settings
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from anjian.accounts.administration import parse_role_codes, role_set_errors
from anjian.accounts.models import AgencyLevel, User
from anjian.accounts.roles import RoleCode
from anjian.audit.events import EventType
from anjian.audit.models import AuditEvent
from anjian.audit.services import record_event
from anjian.core.testing import make_org, make_user, provincial_inspector
from anjian.enterprises.models import Enterprise
from tests.enterprises.test_views import sample_enterprises

FAST = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@FAST
class ThreeAdministratorsTest(TestCase):
    sysadmin: ClassVar[User]
    secadmin: ClassVar[User]
    auditor: ClassVar[User]
    inspector: ClassVar[User]
    objects: ClassVar[list[Enterprise]]
    others: ClassVar[list[Enterprise]]

    @classmethod
    def setUpTestData(cls) -> None:
        ministry = make_org("应急管理部（测试）", None, level=AgencyLevel.NATIONAL)
        cls.sysadmin = make_user("sys", ministry, RoleCode.SYSTEM_ADMIN)
        cls.secadmin = make_user("sec", ministry, RoleCode.SECURITY_ADMIN)
        cls.auditor = make_user("aud", ministry, RoleCode.AUDITOR)
        cls.inspector = provincial_inspector("bj", "110000")
        cls.objects, cls.others = sample_enterprises()

    def api(self, user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def roles_url(self, user: User) -> str:
        return reverse("api:user-roles", args=[user.pk])

    def test_one_account_cannot_hold_two_administrator_roles(self) -> None:
        response = self.api(self.secadmin).post(
            self.roles_url(self.inspector), {"roles": ["system_admin", "auditor"]}, format="json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(), {"roles": ["三员分立：同一账号不得同时担任系统管理员、安全审计员。"]}
        )
        self.assertEqual(set(self.inspector.roles.values_list("code", flat=True)), {"inspector"})

    def test_administrator_and_business_roles_do_not_mix(self) -> None:
        self.assertEqual(
            role_set_errors(["auditor", "inspector"]), ["三员分立：管理员角色不得与业务角色兼任。"]
        )
        self.assertEqual(role_set_errors(["nobody"]), ["未知的角色：nobody"])
        self.assertEqual(role_set_errors(["inspector", "leader"]), [])
        self.assertEqual(parse_role_codes("监管执法人员、leader"), ["inspector", "leader"])

    def test_security_administrator_assigns_roles_and_it_is_audited(self) -> None:
        response = self.api(self.secadmin).post(
            self.roles_url(self.inspector), {"roles": ["inspector", "leader"]}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["roles"], ["inspector", "leader"])
        event = AuditEvent.objects.get(event_type=EventType.ROLE_CHANGE)
        self.assertEqual((event.username, event.object_id), ("sec", str(self.inspector.pk)))
        self.assertEqual(event.details, {"before": ["inspector"], "after": ["inspector", "leader"]})

    def test_security_administrator_changes_the_data_scope(self) -> None:
        shanghai_org = make_org("上海局（测试）", "310000")
        url = reverse("api:user-scope", args=[self.inspector.pk])
        response = self.api(self.secadmin).post(url, {"organization": shanghai_org.pk}, format="json")
        self.assertEqual(response.status_code, 200)
        self.inspector.refresh_from_db()
        self.assertEqual(self.inspector.organization, shanghai_org)

    def test_only_the_security_administrator_assigns(self) -> None:
        for user in (self.sysadmin, self.auditor, self.inspector):
            with self.subTest(user=user.username):
                response = self.api(user).post(
                    self.roles_url(self.inspector), {"roles": ["leader"]}, format="json"
                )
                self.assertEqual(response.status_code, 403)
        self.assertEqual(
            self.api(self.secadmin)
            .post(self.roles_url(self.secadmin), {"roles": []}, format="json")
            .status_code,
            403,
        )

    def test_system_administrator_reaches_no_business_data_and_no_audit(self) -> None:
        api = self.api(self.sysadmin)
        self.assertEqual(api.get(reverse("api:enterprise-list")).status_code, 403)
        self.assertEqual(api.get(reverse("api:auditevent-list")).status_code, 403)
        self.client.force_login(self.sysadmin)
        self.assertEqual(self.client.get(reverse("enterprises:enterprise_list")).status_code, 403)
        self.assertEqual(self.client.get(reverse("audit:event_list")).status_code, 403)

    def test_auditor_reads_the_audit_log_but_changes_nothing(self) -> None:
        record_event(EventType.LOGIN_FAILED, result="failure", username="someone")
        api = self.api(self.auditor)
        response = api.get(reverse("api:auditevent-list"), {"event_type": "login_failed"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["count"], 1)
        self.assertEqual(api.post(reverse("api:auditevent-list"), {}, format="json").status_code, 403)
        self.assertEqual(
            api.post(self.roles_url(self.inspector), {"roles": []}, format="json").status_code, 403
        )
        self.assertEqual(api.get(reverse("api:enterprise-list")).status_code, 403)


@FAST
class AuditConsoleTest(TestCase):
    auditor: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        ministry = make_org("应急管理部（测试）", None, level=AgencyLevel.NATIONAL)
        cls.auditor = make_user("aud", ministry, RoleCode.AUDITOR)

    def setUp(self) -> None:
        for name in ("alice", "alice", "bob"):
            record_event(EventType.LOGIN_FAILED, result="failure", username=name)
        record_event(EventType.LOGIN, username="carol")
        self.client.force_login(self.auditor)

    def test_search_by_user_type_and_result(self) -> None:
        url = reverse("audit:event_list")
        cases = {"username": ("alice", 2), "event_type": ("login_failed", 3), "result": ("success", 2)}
        for name, (value, expected) in cases.items():
            with self.subTest(filter=name):
                response = self.client.get(url, {name: value})
                # the auditor's own login is an event too: it counts for "success"
                self.assertEqual(response.context["table"].paginator.count, expected)

    def test_failed_logins_per_day_chart_data(self) -> None:
        response = self.client.get(reverse("audit:event_list"))
        days = response.context["failed_logins"]
        self.assertEqual(len(days), 30)
        self.assertEqual(days[-1]["value"], 3)
        self.assertContains(response, 'id="data-failed-logins"')
        self.assertContains(response, 'id="export-xlsx"')

    def test_export_is_xlsx_and_audited(self) -> None:
        response = self.client.get(reverse("audit:event_export"), {"event_type": "login_failed"})
        self.assertEqual(response.status_code, 200)
        rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
        self.assertEqual(len(rows), 4)
        self.assertTrue(AuditEvent.objects.filter(event_type=EventType.EXPORT, username="aud").exists())

    def test_change_log_console(self) -> None:
        self.assertEqual(self.client.get(reverse("audit:change_list")).status_code, 200)


class WebSecurityHeadersTest(TestCase):
    def test_csp_forbids_inline_scripts_and_framing(self) -> None:
        response = self.client.get(reverse("login"))
        csp = response.headers["Content-Security-Policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp.split("script-src")[1].split(";")[0])
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")

    def test_no_inline_script_in_pages(self) -> None:
        user = provincial_inspector("bj", "110000")
        self.client.force_login(user)
        for url in ("/", reverse("enterprises:enterprise_list"), reverse("login")):
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                for chunk in html.split("<script")[1:]:
                    head = chunk.split(">", 1)[0]
                    self.assertTrue(
                        "src=" in head or 'type="application/json"' in head, f"inline script in {url}: {head}"
                    )
                self.assertNotIn(" style=", html)
                self.assertNotIn(" onclick=", html)

    def test_api_docs_load_their_script_from_a_file(self) -> None:
        user = provincial_inspector("bj", "110000")
        self.client.force_login(user)
        response = self.client.get(reverse("api:docs"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("?script", response.content.decode())
        self.assertEqual(self.client.get(reverse("api:docs") + "?script").status_code, 200)
