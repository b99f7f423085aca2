"""Roles decide actions (accounts/roles.py through the RoleBackend); the organisation decides the data
scope (core/scope.py). The three administrator roles reach no business data."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import TestCase, override_settings

from anjian.accounts.backends import role_grants
from anjian.accounts.models import AgencyLevel, Organization, OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.core.scope import Scope, scope_for
from anjian.core.testing import make_org, make_user, provincial_inspector
from anjian.core.uscc import make_uscc, org_code_check_char
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import save_enterprise
from anjian.regions.models import Region

ENTERPRISE_PERMS = {
    action: f"enterprises.{action}_enterprise"
    for action in ("view", "add", "change", "delete", "export", "import")
}
ADMIN_PERMS = ("accounts.manage_users", "accounts.manage_roles")


# Password hashing is not under test here; Argon2 would spend a third of a second on every user.
fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def grants(role: str, perm: str) -> bool:
    return role_grants(frozenset({role}), perm)


class RoleGrantTest(TestCase):
    def test_inspector_may_do_everything_on_business_models(self) -> None:
        for action, perm in ENTERPRISE_PERMS.items():
            with self.subTest(action=action):
                self.assertTrue(grants(RoleCode.INSPECTOR, perm))

    def test_inspector_may_not_manage_accounts(self) -> None:
        for perm in ADMIN_PERMS:
            with self.subTest(perm=perm):
                self.assertFalse(grants(RoleCode.INSPECTOR, perm))
        # Business actions apply to business models only, not to accounts or reference data.
        self.assertFalse(grants(RoleCode.INSPECTOR, "accounts.change_user"))
        self.assertFalse(grants(RoleCode.INSPECTOR, "accounts.add_organization"))
        self.assertFalse(grants(RoleCode.INSPECTOR, "regions.change_region"))
        self.assertFalse(grants(RoleCode.INSPECTOR, "audit.view_objectchange"))
        self.assertTrue(grants(RoleCode.INSPECTOR, "accounts.view_user"))

    def test_leader_may_only_view_and_export(self) -> None:
        allowed = {a for a, perm in ENTERPRISE_PERMS.items() if grants(RoleCode.LEADER, perm)}
        self.assertEqual(allowed, {"view", "export"})

    def test_enterprise_roles_may_not_add_or_delete(self) -> None:
        for role in (RoleCode.ENTERPRISE_ADMIN, RoleCode.ENTERPRISE_SAFETY_OFFICER):
            with self.subTest(role=role):
                self.assertTrue(grants(role, ENTERPRISE_PERMS["view"]))
                self.assertFalse(grants(role, ENTERPRISE_PERMS["add"]))
                self.assertFalse(grants(role, ENTERPRISE_PERMS["delete"]))
                self.assertFalse(grants(role, "accounts.manage_users"))

    def test_system_admin_manages_accounts_but_no_business_data(self) -> None:
        self.assertTrue(grants(RoleCode.SYSTEM_ADMIN, "accounts.manage_users"))
        self.assertTrue(grants(RoleCode.SYSTEM_ADMIN, "accounts.view_user"))
        self.assertFalse(grants(RoleCode.SYSTEM_ADMIN, "accounts.manage_roles"))
        self.assertFalse(grants(RoleCode.SYSTEM_ADMIN, "audit.view_objectchange"))
        for action, perm in ENTERPRISE_PERMS.items():
            with self.subTest(action=action):
                self.assertFalse(grants(RoleCode.SYSTEM_ADMIN, perm))

    def test_security_admin_manages_roles_but_no_business_data(self) -> None:
        self.assertTrue(grants(RoleCode.SECURITY_ADMIN, "accounts.manage_roles"))
        self.assertFalse(grants(RoleCode.SECURITY_ADMIN, "accounts.manage_users"))
        self.assertFalse(grants(RoleCode.SECURITY_ADMIN, "audit.view_objectchange"))
        self.assertFalse(grants(RoleCode.SECURITY_ADMIN, ENTERPRISE_PERMS["view"]))

    def test_auditor_reads_the_change_log_only(self) -> None:
        self.assertTrue(grants(RoleCode.AUDITOR, "audit.view_objectchange"))
        for perm in [
            *ENTERPRISE_PERMS.values(),
            *ADMIN_PERMS,
            "accounts.view_user",
            "accounts.view_organization",
            "audit.change_objectchange",
            "audit.delete_objectchange",
        ]:
            with self.subTest(perm=perm):
                self.assertFalse(grants(RoleCode.AUDITOR, perm))

    def test_no_role_grants_nothing(self) -> None:
        self.assertFalse(role_grants(frozenset(), ENTERPRISE_PERMS["view"]))
        self.assertFalse(role_grants(frozenset({"no_such_role"}), ENTERPRISE_PERMS["view"]))

    def test_roles_add_up(self) -> None:
        both = frozenset({RoleCode.LEADER, RoleCode.DATA_OFFICER})
        self.assertTrue(role_grants(both, ENTERPRISE_PERMS["import"]))
        self.assertFalse(role_grants(both, ENTERPRISE_PERMS["delete"]))


@fast_hashing
class RoleBackendTest(TestCase):
    org: Organization

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = make_org("北京市应急管理局（测试）", "110000")

    def test_user_has_perm_through_roles(self) -> None:
        inspector = make_user("inspector", self.org, RoleCode.INSPECTOR)
        leader = make_user("leader", self.org, RoleCode.LEADER)
        self.assertTrue(inspector.has_perm(ENTERPRISE_PERMS["delete"]))
        self.assertFalse(inspector.has_perm("accounts.manage_users"))
        self.assertTrue(leader.has_perm(ENTERPRISE_PERMS["export"]))
        self.assertFalse(leader.has_perm(ENTERPRISE_PERMS["change"]))

    def test_system_admin_user(self) -> None:
        admin = make_user("sysadmin", self.org, RoleCode.SYSTEM_ADMIN)
        self.assertTrue(admin.has_perm("accounts.manage_users"))
        self.assertFalse(admin.has_perm(ENTERPRISE_PERMS["view"]))

    def test_inactive_user_has_no_permission(self) -> None:
        user = make_user("inactive", self.org, RoleCode.INSPECTOR, RoleCode.SYSTEM_ADMIN)
        user.is_active = False
        user.save()
        user = User.objects.get(pk=user.pk)
        for perm in [*ENTERPRISE_PERMS.values(), "accounts.manage_users", "accounts.view_user"]:
            with self.subTest(perm=perm):
                self.assertFalse(user.has_perm(perm))

    def test_user_without_roles_has_no_permission(self) -> None:
        user = make_user("nobody", self.org)
        self.assertFalse(user.has_perm(ENTERPRISE_PERMS["view"]))
        self.assertFalse(user.has_perm("accounts.view_user"))


@fast_hashing
class ScopeTest(TestCase):
    enterprise: Enterprise

    @classmethod
    def setUpTestData(cls) -> None:
        body = "10000001"
        cls.enterprise = save_enterprise(
            Enterprise(
                uscc=make_uscc(f"91110111{body}{org_code_check_char(body)}"),
                name="北京燕山化工有限公司",
                region=Region.objects.get(code="110111"),
                sector="hazchem",
            ),
            user=None,
        )

    def scope(self, user: User) -> Scope:
        # A fresh object from the database, so no scope cached by an earlier call is reused.
        return scope_for(User.objects.get(pk=user.pk))

    def test_national_inspector_reaches_everything(self) -> None:
        org = make_org("应急管理部（测试）", None, level=AgencyLevel.NATIONAL)
        scope = self.scope(make_user("national", org, RoleCode.INSPECTOR))
        self.assertEqual(scope, Scope.everything())
        self.assertTrue(scope.is_everything)
        self.assertTrue(scope.covers_region("650102"))
        self.assertTrue(scope.covers_sector("coal"))

    def test_provincial_inspector_reaches_the_province(self) -> None:
        scope = self.scope(provincial_inspector("beijing", "110000"))
        self.assertEqual(scope.regions, ("11",))
        self.assertIsNone(scope.sectors)
        self.assertIsNone(scope.enterprise_id)
        self.assertFalse(scope.nothing)
        self.assertTrue(scope.covers_region("110108"))
        self.assertFalse(scope.covers_region("310115"))

    def test_city_agency_reaches_the_prefecture(self) -> None:
        org = make_org("石家庄市应急管理局（测试）", "130100", level=AgencyLevel.CITY)
        scope = self.scope(make_user("shijiazhuang", org, RoleCode.INSPECTOR))
        self.assertEqual(scope.regions, ("1301",))
        self.assertTrue(scope.covers_region("130102"))
        self.assertFalse(scope.covers_region("130200"))
        self.assertFalse(scope.covers_region("130000"))

    def test_county_agency_reaches_the_county(self) -> None:
        org = make_org("海淀区应急管理局（测试）", "110108", level=AgencyLevel.COUNTY)
        scope = self.scope(make_user("haidian", org, RoleCode.INSPECTOR))
        self.assertEqual(scope.regions, ("110108",))
        self.assertFalse(scope.covers_region("110105"))

    def test_coal_supervision_reaches_coal_only(self) -> None:
        org = make_org(
            "国家矿山安全监察局山西局（测试）",
            "140000",
            org_type=OrgType.COAL_SUPERVISION,
            sectors=["coal"],
        )
        scope = self.scope(make_user("shanxi_coal", org, RoleCode.INSPECTOR))
        self.assertEqual(scope.sectors, frozenset({"coal"}))
        self.assertEqual(scope.regions, ("14",))
        self.assertTrue(scope.covers_sector("coal"))
        self.assertFalse(scope.covers_sector("hazchem"))

    def test_enterprise_user_reaches_its_enterprise(self) -> None:
        org = make_org(
            self.enterprise.name,
            "110111",
            level="",
            org_type=OrgType.ENTERPRISE,
            enterprise=self.enterprise,
        )
        scope = self.scope(make_user("ent", org, RoleCode.ENTERPRISE_SAFETY_OFFICER))
        self.assertEqual(scope, Scope(enterprise_id=self.enterprise.pk))
        self.assertFalse(scope.is_everything)

    def test_enterprise_organisation_without_enterprise_reaches_nothing(self) -> None:
        org = make_org("未关联企业的单位（测试）", "110111", level="", org_type=OrgType.ENTERPRISE)
        self.assertTrue(self.scope(make_user("ent", org, RoleCode.ENTERPRISE_ADMIN)).nothing)

    def test_intermediary_reaches_nothing(self) -> None:
        org = make_org("北京安评中心（测试）", "110000", level="", org_type=OrgType.INTERMEDIARY)
        self.assertEqual(self.scope(make_user("agent", org, RoleCode.INTERMEDIARY_STAFF)), Scope.none())

    def test_administrator_roles_reach_nothing(self) -> None:
        org = make_org("应急管理部（测试）", None, level=AgencyLevel.NATIONAL)
        for role in (RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.AUDITOR):
            with self.subTest(role=role):
                self.assertEqual(self.scope(make_user(f"admin_{role}", org, role)), Scope.none())
        # An administrator role wins over a business role held at the same time.
        both = make_user("admin_and_inspector", org, RoleCode.INSPECTOR, RoleCode.SYSTEM_ADMIN)
        self.assertTrue(self.scope(both).nothing)

    def test_user_without_organization_reaches_nothing(self) -> None:
        self.assertEqual(self.scope(make_user("orphan", None, RoleCode.INSPECTOR)), Scope.none())

    def test_anonymous_reaches_nothing(self) -> None:
        self.assertTrue(scope_for(AnonymousUser()).nothing)

    def test_no_user_reaches_nothing(self) -> None:
        self.assertTrue(scope_for(None).nothing)
        self.assertFalse(Enterprise.objects.visible_to(None).exists())

    def test_inactive_user_reaches_nothing(self) -> None:
        user = provincial_inspector("beijing", "110000")
        User.objects.filter(pk=user.pk).update(is_active=False)
        self.assertTrue(self.scope(user).nothing)

    def test_nothing_matches_no_row(self) -> None:
        self.assertFalse(
            Enterprise.objects.filter(
                Scope.none().as_q(region="region__code", sector="sector", enterprise="id")
            ).exists()
        )

    def test_scope_is_computed_once_per_user_object(self) -> None:
        beijing = provincial_inspector("beijing", "110000")
        user = User.objects.get(pk=beijing.pk)
        first = scope_for(user)
        # A later change of organisation does not reach a user object already in use.
        user.organization = make_org("上海市应急管理局（测试）", "310000")
        with self.assertNumQueries(0):
            second = scope_for(user)
        self.assertIs(second, first)
        self.assertEqual(second.regions, ("11",))
        # A new object (the next request) sees the new organisation.
        user.save()
        self.assertEqual(self.scope(user).regions, ("31",))


class EnterpriseReportableTest(TestCase):
    def test_enterprise_roles_file_their_own_reportable_records_only(self) -> None:
        ent = frozenset({"enterprise_safety_officer"})
        self.assertTrue(role_grants(ent, "hazards.add_hazardunit"))
        self.assertTrue(role_grants(ent, "hazards.delete_hazardunit"))
        self.assertFalse(role_grants(ent, "enterprises.add_enterprise"))
        self.assertFalse(role_grants(ent, "enterprises.delete_enterprise"))
        self.assertFalse(role_grants(ent, "accidents.delete_accidentreport"))
        self.assertFalse(role_grants(frozenset({"intermediary_staff"}), "hazards.add_hazardunit"))
        self.assertFalse(role_grants(frozenset({"leader"}), "hazards.add_hazardunit"))
