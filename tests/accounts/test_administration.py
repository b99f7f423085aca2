"""Account administration under three-role separation (三员分立): the system administrator creates,
disables, re-enables accounts and resets passwords; the security administrator assigns roles and
organisations; the auditor does neither. Each rule through the service, the pages, the API and
the imports."""

from __future__ import annotations

import base64
import csv
import io
from importlib import import_module
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from anjian.accounts.administration import (
    create_account,
    generate_password,
    reset_password,
    set_account_active,
)
from anjian.accounts.models import AgencyLevel, APIToken, LoginThrottle, Organization, User, UserSession
from anjian.accounts.passwords import character_classes
from anjian.accounts.roles import RoleCode
from anjian.audit.events import EventType
from anjian.audit.models import AuditEvent
from anjian.core.testing import PASSWORD, make_org, make_user

fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])

TWO_ADMIN_ROLES = "三员分立：同一账号不得同时担任系统管理员、安全审计员。"


class AdministrationTestCase(TestCase):
    ministry: ClassVar[Organization]
    beijing: ClassVar[Organization]
    sysadmin: ClassVar[User]
    secadmin: ClassVar[User]
    auditor: ClassVar[User]
    inspector: ClassVar[User]
    target: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.ministry = make_org("应急管理部（测试）", None, level=AgencyLevel.NATIONAL)
        cls.beijing = make_org("北京市应急管理局（测试）", "110000")
        cls.sysadmin = make_user("sys", cls.ministry, RoleCode.SYSTEM_ADMIN)
        cls.secadmin = make_user("sec", cls.ministry, RoleCode.SECURITY_ADMIN)
        cls.auditor = make_user("aud", cls.ministry, RoleCode.AUDITOR)
        cls.inspector = make_user("bj_inspector", cls.beijing, RoleCode.INSPECTOR)
        cls.target = make_user("zhangsan", cls.beijing, RoleCode.INSPECTOR)

    def events(self, event_type: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(event_type=event_type).order_by("pk"))

    def api(self, user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client


@fast_hashing
class AccountServiceTest(AdministrationTestCase):
    def test_new_account_has_no_roles_and_must_change_its_generated_password(self) -> None:
        user, password = create_account(self.sysadmin, "lisi", "李四", self.beijing, "010-12345678")
        user = User.objects.get(pk=user.pk)
        self.assertEqual(user.role_codes, frozenset())
        self.assertTrue(user.must_change_password)
        self.assertTrue(user.check_password(password))
        self.assertGreaterEqual(len(password), settings.PASSWORD_MIN_LENGTH)
        self.assertEqual(character_classes(password), 4)
        self.assertEqual(
            (user.full_name, user.organization, user.phone), ("李四", self.beijing, "010-12345678")
        )
        [event] = self.events(EventType.ACCOUNT_CREATE)
        self.assertEqual((event.username, event.object_id), ("sys", str(user.pk)))
        self.assertNotIn(password, str(event.details))

    def test_given_initial_password_is_checked_by_the_policy(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            create_account(self.sysadmin, "lisi", "李四", self.beijing, initial_password="short")
        self.assertIn("initial_password", caught.exception.message_dict)
        self.assertFalse(User.objects.filter(username="lisi").exists())
        user, password = create_account(
            self.sysadmin, "lisi", "李四", self.beijing, initial_password="Initial-Pass-2026"
        )
        self.assertEqual(password, "Initial-Pass-2026")
        self.assertTrue(user.must_change_password)

    def test_username_is_unique_whatever_the_case(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            create_account(self.sysadmin, "ZhangSan", "张三", self.beijing)
        self.assertEqual(caught.exception.message_dict, {"username": ["账号“ZhangSan”已存在。"]})

    def test_missing_fields_are_named(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            create_account(self.sysadmin, " ", "", None, "abc")
        self.assertEqual(
            caught.exception.message_dict,
            {
                "username": ["请填写账号。"],
                "full_name": ["请填写姓名。"],
                "organization": ["请选择所属机构。"],
                "phone": ["联系电话只能包含数字、空格和 + - ( )。"],
            },
        )

    def test_only_the_system_administrator_manages_accounts(self) -> None:
        for actor in (self.secadmin, self.auditor, self.inspector):
            with self.subTest(actor=actor.username):
                with self.assertRaises(PermissionDenied):
                    create_account(actor, "lisi", "李四", self.beijing)
                with self.assertRaises(PermissionDenied):
                    set_account_active(actor, self.target, False)
                with self.assertRaises(PermissionDenied):
                    reset_password(actor, self.target)
        self.assertFalse(User.objects.filter(username="lisi").exists())
        self.target.refresh_from_db()
        self.assertTrue(self.target.is_active)
        self.assertFalse(self.target.must_change_password)

    def test_disabling_ends_the_sessions_and_revokes_nothing_else(self) -> None:
        self.client.force_login(self.target)
        [session] = UserSession.objects.filter(user=self.target)
        token, _key = APIToken.issue(self.target)
        self.assertTrue(set_account_active(self.sysadmin, self.target, False))
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        self.assertFalse(store.exists(session.session_key))
        self.assertFalse(UserSession.objects.filter(user=self.target).exists())
        self.assertEqual(self.client.get("/").status_code, 302)  # signed out
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)
        self.assertEqual(self.target.role_codes, frozenset({RoleCode.INSPECTOR}))
        [event] = self.events(EventType.ACCOUNT_DISABLE)
        self.assertEqual(event.details, {"username": "zhangsan", "sessions_ended": 1})
        # Disabling again changes nothing and writes nothing.
        self.assertFalse(set_account_active(self.sysadmin, self.target, False))
        self.assertEqual(len(self.events(EventType.ACCOUNT_DISABLE)), 1)
        self.assertTrue(set_account_active(self.sysadmin, self.target, True))
        self.assertTrue(User.objects.get(pk=self.target.pk).is_active)
        self.assertEqual(len(self.events(EventType.ACCOUNT_ENABLE)), 1)

    def test_cannot_disable_or_reset_yourself(self) -> None:
        with self.assertRaisesMessage(ValidationError, "不能停用自己的账号。"):
            set_account_active(self.sysadmin, self.sysadmin, False)
        with self.assertRaises(ValidationError):
            reset_password(self.sysadmin, self.sysadmin)
        self.assertTrue(User.objects.get(pk=self.sysadmin.pk).is_active)

    def test_reset_password(self) -> None:
        LoginThrottle.objects.create(kind="account", key="zhangsan", failures=5)
        self.client.force_login(self.target)
        password = reset_password(self.sysadmin, self.target)
        user = User.objects.get(pk=self.target.pk)
        self.assertTrue(user.check_password(password))
        self.assertFalse(user.check_password(PASSWORD))
        self.assertTrue(user.must_change_password)
        self.assertFalse(UserSession.objects.filter(user=user).exists())
        self.assertFalse(LoginThrottle.objects.filter(key="zhangsan").exists())
        [event] = self.events(EventType.PASSWORD_RESET)
        self.assertEqual((event.username, event.object_id), ("sys", str(user.pk)))
        self.assertNotIn(password, str(event.details))
        # The new password signs in, and the user is held at the password change page.
        client = self.client_class()
        self.assertTrue(client.login(username="zhangsan", password=password))
        response = client.get("/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("security:password_change")))

    def test_generated_password_never_contains_the_username(self) -> None:
        user = User(username="a")
        for _i in range(20):
            self.assertNotIn("a", generate_password(user).casefold())


@fast_hashing
class AccountPagesTest(AdministrationTestCase):
    def test_system_administrator_list_offers_account_actions(self) -> None:
        self.client.force_login(self.sysadmin)
        response = self.client.get(reverse("accounts:user_list"))
        self.assertContains(response, reverse("accounts:user_add"))
        self.assertContains(response, reverse("accounts:user_import"))
        self.assertContains(response, reverse("accounts:user_deactivate", args=[self.target.pk]))
        self.assertContains(response, reverse("accounts:user_reset_password", args=[self.target.pk]))
        self.assertContains(response, "data-confirm=")
        self.assertNotContains(response, reverse("accounts:user_roles", args=[self.target.pk]))
        self.assertNotContains(response, reverse("accounts:user_deactivate", args=[self.sysadmin.pk]))
        self.assertNotContains(response, "style=")
        self.assertNotContains(response, "<script>")

    def test_security_administrator_list_offers_role_assignment_only(self) -> None:
        self.client.force_login(self.secadmin)
        response = self.client.get(reverse("accounts:user_list"))
        self.assertContains(response, reverse("accounts:user_roles", args=[self.target.pk]))
        self.assertContains(response, reverse("accounts:role_import"))
        self.assertNotContains(response, reverse("accounts:user_add"))
        self.assertNotContains(response, reverse("accounts:user_reset_password", args=[self.target.pk]))

    def test_business_user_sees_no_actions(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.get(reverse("accounts:user_list"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "操作")
        self.assertNotContains(response, reverse("accounts:user_add"))

    def test_create_account_shows_the_password_once(self) -> None:
        self.client.force_login(self.sysadmin)
        self.assertEqual(self.client.get(reverse("accounts:user_add")).status_code, 200)
        data = {"username": "lisi", "full_name": "李四", "organization": self.beijing.name, "phone": ""}
        response = self.client.post(reverse("accounts:user_add"), data)
        self.assertEqual(response.status_code, 200)
        password = response.context["password"]
        self.assertContains(response, password)
        self.assertIn("no-store", response["Cache-Control"])
        user = User.objects.get(username="lisi")
        self.assertTrue(user.check_password(password))
        self.assertEqual(user.role_codes, frozenset())
        self.assertEqual(len(self.events(EventType.ACCOUNT_CREATE)), 1)

    def test_create_account_errors_are_shown_on_the_form(self) -> None:
        self.client.force_login(self.sysadmin)
        data = {"username": "zhangsan", "full_name": "", "organization": "没有这个机构"}
        response = self.client.post(reverse("accounts:user_add"), data)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["organization"], ["机构“没有这个机构”不存在。"])
        data["organization"] = self.beijing.name
        response = self.client.post(reverse("accounts:user_add"), data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "账号“zhangsan”已存在。", status_code=400)
        self.assertContains(response, "请填写姓名。", status_code=400)
        self.assertEqual(User.objects.filter(username__iexact="zhangsan").count(), 1)

    def test_disable_enable_and_reset_through_the_pages(self) -> None:
        self.client.force_login(self.sysadmin)
        url = reverse("accounts:user_deactivate", args=[self.target.pk])
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assertRedirects(self.client.post(url), reverse("accounts:user_list"))
        self.assertFalse(User.objects.get(pk=self.target.pk).is_active)
        url = reverse("accounts:user_activate", args=[self.target.pk])
        self.assertRedirects(self.client.post(url), reverse("accounts:user_list"))
        self.assertTrue(User.objects.get(pk=self.target.pk).is_active)
        response = self.client.post(reverse("accounts:user_reset_password", args=[self.target.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertTrue(User.objects.get(pk=self.target.pk).check_password(response.context["password"]))

    def test_disabling_yourself_is_refused_with_a_message(self) -> None:
        self.client.force_login(self.sysadmin)
        response = self.client.post(reverse("accounts:user_deactivate", args=[self.sysadmin.pk]), follow=True)
        self.assertContains(response, "不能停用自己的账号。")
        self.assertTrue(User.objects.get(pk=self.sysadmin.pk).is_active)

    def test_security_administrator_assigns_roles_and_organisation(self) -> None:
        self.client.force_login(self.secadmin)
        url = reverse("accounts:user_roles", args=[self.target.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'type="checkbox"')
        response = self.client.post(url, {"roles": ["inspector", "leader"], "organization": self.ministry.pk})
        self.assertRedirects(response, reverse("accounts:user_list"))
        user = User.objects.get(pk=self.target.pk)
        self.assertEqual(user.role_codes, {"inspector", "leader"})
        self.assertEqual(user.organization, self.ministry)
        self.assertEqual(len(self.events(EventType.ROLE_CHANGE)), 2)

    def test_two_administrator_roles_are_refused_on_the_form(self) -> None:
        self.client.force_login(self.secadmin)
        url = reverse("accounts:user_roles", args=[self.target.pk])
        response = self.client.post(
            url, {"roles": ["system_admin", "auditor"], "organization": self.ministry.pk}
        )
        self.assertContains(response, TWO_ADMIN_ROLES, status_code=400)
        user = User.objects.get(pk=self.target.pk)
        self.assertEqual(user.role_codes, {"inspector"})
        self.assertEqual(user.organization, self.beijing)
        self.assertEqual(self.events(EventType.ROLE_CHANGE), [])

    def test_each_administrator_reaches_only_their_own_pages(self) -> None:
        pk = self.target.pk
        system_pages = [
            ("get", reverse("accounts:user_add")),
            ("post", reverse("accounts:user_add")),
            ("get", reverse("accounts:user_import")),
            ("post", reverse("accounts:user_deactivate", args=[pk])),
            ("post", reverse("accounts:user_activate", args=[pk])),
            ("post", reverse("accounts:user_reset_password", args=[pk])),
        ]
        security_pages = [
            ("get", reverse("accounts:user_roles", args=[pk])),
            ("post", reverse("accounts:user_roles", args=[pk])),
            ("get", reverse("accounts:role_import")),
        ]
        cases = [
            (self.auditor, system_pages + security_pages),
            (self.inspector, system_pages + security_pages),
            (self.secadmin, system_pages),
            (self.sysadmin, security_pages),
        ]
        for user, pages in cases:
            self.client.force_login(user)
            for method, url in pages:
                with self.subTest(user=user.username, url=url, method=method):
                    response = getattr(self.client, method)(
                        url, {"roles": ["leader"]} if method == "post" else {}
                    )
                    self.assertEqual(response.status_code, 403)
        self.assertEqual(User.objects.get(pk=pk).role_codes, {"inspector"})
        self.assertTrue(User.objects.get(pk=pk).is_active)
        self.client.force_login(self.auditor)
        self.assertEqual(self.client.get(reverse("accounts:user_list")).status_code, 403)


@fast_hashing
class AccountAPITest(AdministrationTestCase):
    def test_system_administrator_creates_an_account(self) -> None:
        data = {
            "username": "lisi",
            "full_name": "李四",
            "organization": self.beijing.pk,
            "phone": "13800000000",
        }
        response = self.api(self.sysadmin).post(reverse("api:user-list"), data, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["username"], "lisi")
        self.assertEqual(body["roles"], [])
        self.assertTrue(body["must_change_password"])
        self.assertIn("no-store", response["Cache-Control"])
        user = User.objects.get(username="lisi")
        self.assertTrue(user.check_password(body["initial_password"]))
        # The password is never shown again.
        detail = self.api(self.sysadmin).get(reverse("api:user-detail", args=[user.pk])).json()
        self.assertNotIn("initial_password", detail)
        self.assertEqual(len(self.events(EventType.ACCOUNT_CREATE)), 1)

    def test_invalid_account_is_400_with_the_same_messages(self) -> None:
        api = self.api(self.sysadmin)
        response = api.post(reverse("api:user-list"), {"username": "zhangsan"}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(),
            {
                "username": ["账号“zhangsan”已存在。"],
                "full_name": ["请填写姓名。"],
                "organization": ["请选择所属机构。"],
            },
        )
        response = api.post(
            reverse("api:user-list"),
            {"username": "x", "full_name": "x", "organization": 999999},
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("organization", response.json())
        self.assertEqual(User.objects.filter(username__in=["x", "zhangsan"]).count(), 1)

    def test_only_the_system_administrator_may_create_disable_or_reset(self) -> None:
        pk = self.target.pk
        data = {"username": "lisi", "full_name": "李四", "organization": self.beijing.pk}
        for user in (self.secadmin, self.auditor, self.inspector):
            api = self.api(user)
            with self.subTest(user=user.username):
                self.assertEqual(api.post(reverse("api:user-list"), data, format="json").status_code, 403)
                for name in ("user-deactivate", "user-activate", "user-reset-password"):
                    self.assertEqual(api.post(reverse(f"api:{name}", args=[pk])).status_code, 403)
        self.assertFalse(User.objects.filter(username="lisi").exists())
        self.assertTrue(User.objects.get(pk=pk).is_active)

    def test_deactivate_activate_and_reset(self) -> None:
        api = self.api(self.sysadmin)
        response = api.post(reverse("api:user-deactivate", args=[self.target.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.json()["is_active"])
        response = api.post(reverse("api:user-activate", args=[self.target.pk]))
        self.assertTrue(response.json()["is_active"])
        response = api.post(reverse("api:user-reset-password", args=[self.target.pk]))
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertTrue(body["must_change_password"])
        self.assertTrue(User.objects.get(pk=self.target.pk).check_password(body["initial_password"]))
        self.assertEqual(len(self.events(EventType.PASSWORD_RESET)), 1)
        response = api.post(reverse("api:user-deactivate", args=[self.sysadmin.pk]))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), ["不能停用自己的账号。"])

    def test_two_administrator_roles_are_400(self) -> None:
        response = self.api(self.secadmin).post(
            reverse("api:user-roles", args=[self.target.pk]),
            {"roles": ["system_admin", "auditor"]},
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"roles": [TWO_ADMIN_ROLES]})
        self.assertEqual(User.objects.get(pk=self.target.pk).role_codes, {"inspector"})

    def test_system_administrator_cannot_assign_roles(self) -> None:
        api = self.api(self.sysadmin)
        url = reverse("api:user-roles", args=[self.target.pk])
        self.assertEqual(api.post(url, {"roles": ["leader"]}, format="json").status_code, 403)
        url = reverse("api:user-scope", args=[self.target.pk])
        self.assertEqual(api.post(url, {"organization": self.ministry.pk}, format="json").status_code, 403)

    def test_system_administrator_reaches_no_business_data_nor_the_audit_log(self) -> None:
        api = self.api(self.sysadmin)
        for url in (
            reverse("api:enterprise-list"),
            reverse("api:auditevent-list"),
        ):
            with self.subTest(url=url):
                self.assertEqual(api.get(url).status_code, 403)
        self.assertEqual(api.post(reverse("api:enterprise-list"), {}, format="json").status_code, 403)


def csv_file(rows: list[list[str]], name: str = "import.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list[str]], name: str = "import.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@fast_hashing
class AccountImportTest(AdministrationTestCase):
    header: ClassVar[list[str]] = ["账号", "姓名", "所属机构", "联系电话"]

    def upload(self, upload: SimpleUploadedFile) -> Any:
        self.client.force_login(self.sysadmin)
        return self.client.post(reverse("accounts:user_import"), {"file": upload})

    def test_import_previews_then_creates_and_lists_the_passwords_once(self) -> None:
        rows = [
            self.header,
            ["wangwu", "王五", self.beijing.name, "13900000000"],
            ["zhaoliu", "赵六", self.ministry.name, ""],
        ]
        response = self.upload(xlsx_file(rows))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["report"].bad, [])
        self.assertFalse(User.objects.filter(username="wangwu").exists(), "the preview must not write")
        response = self.client.post(reverse("accounts:user_import"), {"token": response.context["token"]})
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        created = response.context["created"]
        self.assertEqual([user.username for user, _password in created], ["wangwu", "zhaoliu"])
        for user, password in created:
            self.assertContains(response, password)
            self.assertTrue(User.objects.get(pk=user.pk).check_password(password))
            self.assertEqual(user.role_codes, frozenset())
            self.assertTrue(user.must_change_password)
        # The download is the page's own data, not a file kept on the server.
        url = response.context["download_url"]
        prefix = "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
        self.assertTrue(url.startswith(prefix))
        sheet = load_workbook(io.BytesIO(base64.b64decode(url[len(prefix) :]))).worksheets[0]
        table = list(sheet.iter_rows(values_only=True))
        self.assertEqual(table[0], ("账号", "姓名", "所属机构", "初始密码"))
        passwords = {row[0]: row[3] for row in table[1:]}
        self.assertEqual(passwords, {user.username: password for user, password in created})
        self.assertEqual(len(self.events(EventType.ACCOUNT_CREATE)), 2)
        self.assertEqual(len(self.events(EventType.IMPORT)), 1)
        # The stash is gone: the same confirmation cannot create the accounts again.
        response = self.client.post(
            reverse("accounts:user_import"), {"token": response.context.get("token", "x")}
        )
        self.assertEqual(response.status_code, 400)

    def test_a_bad_row_writes_nothing(self) -> None:
        rows = [
            self.header,
            ["wangwu", "王五", self.beijing.name, ""],
            ["ZHANGSAN", "张三", self.beijing.name, ""],
            ["zhaoliu", "", "没有这个机构", "phone?"],
            ["Wangwu", "王五", self.beijing.name, ""],
        ]
        response = self.upload(csv_file(rows))
        self.assertEqual(response.status_code, 200)
        errors = {row.number: row.errors for row in response.context["report"].bad}
        self.assertEqual(
            errors,
            {
                3: ["账号：账号“ZHANGSAN”已存在。"],
                4: [
                    "姓名：请填写姓名。",
                    "所属机构：机构“没有这个机构”不存在。",
                    "联系电话：联系电话只能包含数字、空格和 + - ( )。",
                ],
                5: ["账号与第 2 行重复。"],
            },
        )
        self.assertNotContains(response, "导入全部")
        response = self.client.post(reverse("accounts:user_import"), {"token": response.context["token"]})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "文件中有 3 行错误，未导入任何数据。", status_code=400)
        self.assertFalse(User.objects.filter(username__in=["wangwu", "zhaoliu"]).exists())
        self.assertEqual(self.events(EventType.ACCOUNT_CREATE), [])

    def test_file_errors(self) -> None:
        response = self.upload(csv_file([["账号", "姓名"], ["a", "b"]]))
        self.assertContains(response, "缺少必填列：所属机构。", status_code=400)
        response = self.upload(csv_file([["账号", "角色"], ["a", "b"]]))
        self.assertContains(response, "无法识别的列：角色。", status_code=400)
        response = self.upload(SimpleUploadedFile("a.txt", b"x"))
        self.assertContains(response, "仅支持 .xlsx 或 .csv 文件。", status_code=400)

    def test_template_download(self) -> None:
        self.client.force_login(self.sysadmin)
        response = self.client.get(reverse("accounts:user_import"), {"template": "1"})
        header = next(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
        self.assertEqual(list(header), self.header)

    def test_only_the_system_administrator_imports_accounts(self) -> None:
        for user in (self.secadmin, self.auditor):
            self.client.force_login(user)
            upload = csv_file([self.header, ["wangwu", "王五", self.beijing.name, ""]])
            response = self.client.post(reverse("accounts:user_import"), {"file": upload})
            self.assertEqual(response.status_code, 403)
        self.assertFalse(User.objects.filter(username="wangwu").exists())


@fast_hashing
class RoleImportTest(AdministrationTestCase):
    def upload(self, rows: list[list[str]], user: User | None = None) -> Any:
        self.client.force_login(user or self.secadmin)
        return self.client.post(reverse("accounts:role_import"), {"file": csv_file(rows)})

    def test_import_previews_then_assigns(self) -> None:
        newcomer = make_user("newcomer", self.beijing)
        rows = [["账号", "角色"], ["zhangsan", "监管执法人员、leader"], ["newcomer", "安全审计员"]]
        response = self.upload(rows)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["report"].bad, [])
        self.assertEqual(User.objects.get(pk=newcomer.pk).role_codes, frozenset())
        response = self.client.post(reverse("accounts:role_import"), {"token": response.context["token"]})
        self.assertRedirects(response, reverse("accounts:user_list"))
        self.assertEqual(User.objects.get(pk=self.target.pk).role_codes, {"inspector", "leader"})
        self.assertEqual(User.objects.get(pk=newcomer.pk).role_codes, {"auditor"})
        self.assertEqual(len(self.events(EventType.ROLE_CHANGE)), 2)
        self.assertEqual(len(self.events(EventType.IMPORT)), 1)

    def test_two_administrator_roles_is_a_bad_row_and_nothing_is_written(self) -> None:
        newcomer = make_user("newcomer", self.beijing)
        rows = [
            ["账号", "角色"],
            ["newcomer", "leader"],
            ["zhangsan", "系统管理员，安全审计员"],
            ["nobody", "leader"],
            ["sec", "leader"],
            ["newcomer", "监管执法人员"],
            ["bj_inspector", ""],
        ]
        response = self.upload(rows)
        errors = {row.number: row.errors for row in response.context["report"].bad}
        self.assertEqual(
            errors,
            {
                3: [f"角色：{TWO_ADMIN_ROLES}"],
                4: ["账号：账号“nobody”不存在。"],
                5: ["不能修改自己的角色或数据范围。"],
                6: ["账号与第 2 行重复。"],
                7: ["角色：请填写角色。"],
            },
        )
        self.assertContains(response, TWO_ADMIN_ROLES)
        response = self.client.post(reverse("accounts:role_import"), {"token": response.context["token"]})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(User.objects.get(pk=newcomer.pk).role_codes, frozenset())
        self.assertEqual(User.objects.get(pk=self.target.pk).role_codes, {"inspector"})
        self.assertEqual(self.events(EventType.ROLE_CHANGE), [])

    def test_only_the_security_administrator_imports_roles(self) -> None:
        for user in (self.sysadmin, self.auditor):
            response = self.upload([["账号", "角色"], ["zhangsan", "leader"]], user=user)
            self.assertEqual(response.status_code, 403)
        self.assertEqual(User.objects.get(pk=self.target.pk).role_codes, {"inspector"})
