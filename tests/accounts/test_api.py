"""/api/v1/organizations/ and /api/v1/users/: the account directory answers within the caller's scope;
the system and security administrators see every account, the auditor none."""

from __future__ import annotations

from typing import Any

from django.test import TestCase, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from anjian.accounts.models import AgencyLevel, Organization, OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_org, make_user
from anjian.core.uscc import make_uscc, org_code_check_char
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import save_enterprise
from anjian.regions.models import Region


def make_enterprise(name: str, region: str, body: str) -> Enterprise:
    return save_enterprise(
        Enterprise(
            uscc=make_uscc(f"91{region}{body}{org_code_check_char(body)}"),
            name=name,
            region=Region.objects.get(code=region),
            sector="hazchem",
        ),
        user=None,
    )


def enterprise_org(enterprise: Enterprise) -> Organization:
    return make_org(
        enterprise.name,
        enterprise.region.code,
        level="",
        org_type=OrgType.ENTERPRISE,
        enterprise=enterprise,
        uscc=enterprise.uscc,
    )


# Password hashing is not under test here; Argon2 would spend a third of a second on every user.
fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@fast_hashing
class AccountAPITest(TestCase):
    national_org: Organization
    beijing_org: Organization
    haidian_org: Organization
    shanghai_org: Organization
    ent_org: Organization
    other_ent_org: Organization
    national: User
    beijing: User
    haidian: User
    beijing_leader: User
    shanghai: User
    ent_user: User
    ent_colleague: User
    other_ent_user: User
    sysadmin: User
    secadmin: User
    auditor: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.national_org = make_org("应急管理部（测试）", None, level=AgencyLevel.NATIONAL)
        cls.beijing_org = make_org("北京市应急管理局（测试）", "110000")
        cls.haidian_org = make_org("海淀区应急管理局（测试）", "110108", level=AgencyLevel.COUNTY)
        cls.shanghai_org = make_org("上海市应急管理局（测试）", "310000")
        cls.ent_org = enterprise_org(make_enterprise("北京燕山化工有限公司", "110111", "10000001"))
        cls.other_ent_org = enterprise_org(make_enterprise("北京海淀气体有限公司", "110108", "10000002"))

        cls.national = make_user("api_national", cls.national_org, RoleCode.INSPECTOR)
        cls.beijing = make_user("api_beijing", cls.beijing_org, RoleCode.INSPECTOR)
        cls.haidian = make_user("api_haidian", cls.haidian_org, RoleCode.INSPECTOR)
        cls.beijing_leader = make_user(
            "api_beijing_leader", cls.beijing_org, RoleCode.LEADER, RoleCode.DATA_OFFICER
        )
        cls.shanghai = make_user("api_shanghai", cls.shanghai_org, RoleCode.INSPECTOR)
        cls.ent_user = make_user("api_ent", cls.ent_org, RoleCode.ENTERPRISE_SAFETY_OFFICER)
        cls.ent_colleague = make_user("api_ent_admin", cls.ent_org, RoleCode.ENTERPRISE_ADMIN)
        cls.other_ent_user = make_user("api_other_ent", cls.other_ent_org, RoleCode.ENTERPRISE_ADMIN)
        cls.sysadmin = make_user("api_sysadmin", cls.national_org, RoleCode.SYSTEM_ADMIN)
        cls.secadmin = make_user("api_secadmin", cls.national_org, RoleCode.SECURITY_ADMIN)
        cls.auditor = make_user("api_auditor", cls.national_org, RoleCode.AUDITOR)
        make_user("api_no_org", None, RoleCode.INSPECTOR)

    def api(self, user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    def ids(self, user: User, collection: str, **params: Any) -> set[int]:
        response = self.api(user).get(reverse(f"api:{collection}-list"), {"page_size": 1000, **params})
        self.assertEqual(response.status_code, 200, response.content.decode())
        body = response.json()
        self.assertEqual(body["count"], len(body["results"]), "the test expects one page")
        return {row["id"] for row in body["results"]}

    def detail_status(self, user: User, collection: str, pk: int) -> int:
        return self.api(user).get(reverse(f"api:{collection}-detail", args=[pk])).status_code

    def test_beijing_inspector_sees_only_beijing_organizations(self) -> None:
        expected = set(
            Organization.objects.filter(region__code__startswith="11").values_list("pk", flat=True)
        )
        self.assertEqual(
            expected, {self.beijing_org.pk, self.haidian_org.pk, self.ent_org.pk, self.other_ent_org.pk}
        )
        self.assertEqual(self.ids(self.beijing, "organization"), expected)

    def test_beijing_inspector_sees_only_beijing_users(self) -> None:
        expected = {
            self.beijing.pk,
            self.haidian.pk,
            self.beijing_leader.pk,
            self.ent_user.pk,
            self.ent_colleague.pk,
            self.other_ent_user.pk,
        }
        self.assertEqual(self.ids(self.beijing, "user"), expected)

    def test_county_inspector_sees_only_its_county(self) -> None:
        self.assertEqual(self.ids(self.haidian, "organization"), {self.haidian_org.pk, self.other_ent_org.pk})
        self.assertEqual(self.ids(self.haidian, "user"), {self.haidian.pk, self.other_ent_user.pk})

    def test_shanghai_details_are_404_for_beijing(self) -> None:
        self.assertEqual(self.detail_status(self.beijing, "organization", self.shanghai_org.pk), 404)
        self.assertEqual(self.detail_status(self.beijing, "user", self.shanghai.pk), 404)
        # The national organisation has no region: it lies outside a province's reach too.
        self.assertEqual(self.detail_status(self.beijing, "organization", self.national_org.pk), 404)
        self.assertEqual(self.detail_status(self.beijing, "user", self.sysadmin.pk), 404)

    def test_beijing_details_in_scope(self) -> None:
        response = self.api(self.beijing).get(reverse("api:organization-detail", args=[self.ent_org.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["name"], "北京燕山化工有限公司")
        self.assertEqual(response.json()["region"], "110111")
        self.assertEqual(self.detail_status(self.beijing, "user", self.haidian.pk), 200)

    def test_national_inspector_sees_all(self) -> None:
        self.assertEqual(
            self.ids(self.national, "organization"), set(Organization.objects.values_list("pk", flat=True))
        )
        self.assertEqual(self.ids(self.national, "user"), set(User.objects.values_list("pk", flat=True)))
        self.assertEqual(self.detail_status(self.national, "user", self.shanghai.pk), 200)

    def test_enterprise_user_sees_own_organization_and_colleagues(self) -> None:
        self.assertEqual(self.ids(self.ent_user, "organization"), {self.ent_org.pk})
        self.assertEqual(self.ids(self.ent_user, "user"), {self.ent_user.pk, self.ent_colleague.pk})
        self.assertEqual(self.detail_status(self.ent_user, "organization", self.other_ent_org.pk), 404)
        self.assertEqual(self.detail_status(self.ent_user, "organization", self.beijing_org.pk), 404)
        self.assertEqual(self.detail_status(self.ent_user, "user", self.other_ent_user.pk), 404)
        self.assertEqual(self.detail_status(self.ent_user, "user", self.beijing.pk), 404)

    def test_account_administrators_see_every_account(self) -> None:
        all_orgs = set(Organization.objects.values_list("pk", flat=True))
        all_users = set(User.objects.values_list("pk", flat=True))
        for admin in (self.sysadmin, self.secadmin):
            with self.subTest(admin=admin.username):
                self.assertEqual(self.ids(admin, "organization"), all_orgs)
                self.assertEqual(self.ids(admin, "user"), all_users)

    def test_auditor_is_forbidden(self) -> None:
        for collection, pk in (("organization", self.national_org.pk), ("user", self.auditor.pk)):
            with self.subTest(collection=collection):
                response = self.api(self.auditor).get(reverse(f"api:{collection}-list"))
                self.assertEqual(response.status_code, 403)
                self.assertEqual(self.detail_status(self.auditor, collection, pk), 403)

    def test_unauthenticated_is_401(self) -> None:
        for collection in ("organization", "user"):
            with self.subTest(collection=collection):
                response = self.api(None).get(reverse(f"api:{collection}-list"))
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response["WWW-Authenticate"], "Bearer")

    def test_the_directory_is_read_only(self) -> None:
        # Only the system administrator creates accounts (tests/accounts/test_administration.py),
        # and accounts are disabled, never deleted.
        before = User.objects.count()
        for user in (self.sysadmin, self.national):
            with self.subTest(user=user.username):
                response = self.api(user).post(
                    reverse("api:user-list"), {"username": "intruder"}, format="json"
                )
                self.assertIn(response.status_code, {400} if user == self.sysadmin else {403})
                response = self.api(user).delete(reverse("api:user-detail", args=[self.shanghai.pk]))
                self.assertIn(response.status_code, {403, 405})
        self.assertEqual(User.objects.count(), before)

    def test_user_serializer_lists_role_codes(self) -> None:
        response = self.api(self.beijing).get(reverse("api:user-detail", args=[self.beijing_leader.pk]))
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["roles"], ["data_officer", "leader"])
        self.assertEqual(body["username"], "api_beijing_leader")
        self.assertEqual(body["organization"], self.beijing_org.pk)
        self.assertEqual(body["organization_name"], "北京市应急管理局（测试）")
        self.assertNotIn("password", body)

    def test_role_filter(self) -> None:
        self.assertEqual(
            self.ids(self.national, "user", role=RoleCode.INSPECTOR),
            {self.national.pk, self.beijing.pk, self.haidian.pk, self.shanghai.pk}
            | set(User.objects.filter(username="api_no_org").values_list("pk", flat=True)),
        )
        self.assertEqual(self.ids(self.national, "user", role=RoleCode.LEADER), {self.beijing_leader.pk})
        self.assertEqual(self.ids(self.sysadmin, "user", role=RoleCode.AUDITOR), {self.auditor.pk})

    def test_role_filter_stays_within_scope(self) -> None:
        self.assertEqual(
            self.ids(self.beijing, "user", role=RoleCode.INSPECTOR), {self.beijing.pk, self.haidian.pk}
        )
        self.assertEqual(self.ids(self.beijing, "user", role=RoleCode.SYSTEM_ADMIN), set())

    def test_unknown_role_is_400(self) -> None:
        response = self.api(self.national).get(reverse("api:user-list"), {"role": "superhero"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("role", response.json())

    def test_organization_filter(self) -> None:
        self.assertEqual(
            self.ids(self.national, "user", organization=self.ent_org.pk),
            {self.ent_user.pk, self.ent_colleague.pk},
        )
        self.assertEqual(
            self.ids(self.beijing, "user", organization=self.beijing_org.pk),
            {self.beijing.pk, self.beijing_leader.pk},
        )
        # Filtering by an organisation outside the scope reveals nothing.
        self.assertEqual(self.ids(self.beijing, "user", organization=self.shanghai_org.pk), set())

    def test_organization_list_filters(self) -> None:
        self.assertEqual(
            self.ids(self.national, "organization", org_type=OrgType.ENTERPRISE),
            {self.ent_org.pk, self.other_ent_org.pk},
        )
        self.assertEqual(
            self.ids(self.national, "organization", level=AgencyLevel.COUNTY), {self.haidian_org.pk}
        )
        self.assertEqual(self.ids(self.national, "organization", region="310000"), {self.shanghai_org.pk})
