"""Regression tests of the reviewed defects: who may be named responsible, who may downgrade,
delete, edit and review, what counts as verification evidence, and inputs that used to crash."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from rest_framework.test import APIClient

from anjian.accounts.models import User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_user, provincial_inspector
from anjian.dangers import services
from anjian.dangers.forms import HiddenDangerForm
from anjian.dangers.models import DangerStatus as S
from anjian.dangers.models import HiddenDanger, ListingProgress, ListingStatus, SupervisionListing
from anjian.dangers.reminders import remind_due_soon
from anjian.dangers.services import Evidence, save_danger, transition_danger
from anjian.enterprises.models import Enterprise
from anjian.notices.models import Notice
from tests.dangers.helpers import (
    attach_photo,
    county_regulator,
    danger,
    days,
    enterprise_user,
    photo,
    today,
)
from tests.dangers.test_listing import listing_for
from tests.enterprises.test_views import sample_enterprises


def api_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def danger_data(enterprise: Enterprise, **changes: Any) -> dict[str, Any]:
    data = {
        "enterprise": enterprise.uscc,
        "place": "液氯充装站",
        "description": "充装软管老化",
        "level": "general",
        "source": "inspection",
        "found_by": "张三",
        "found_at": str(days(-1)),
        "deadline": str(days(2)),
        "responsible_person": "王五",
        "funds": "0",
    }
    return data | changes


class AccessTest(TestCase):
    beijing: ClassVar[list[Enterprise]]
    shanghai: ClassVar[list[Enterprise]]
    province: ClassVar[User]
    county: ClassVar[User]
    owner: ClassVar[User]
    other: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, cls.shanghai = sample_enterprises()
        cls.province = provincial_inspector("bj_inspector", "110000")
        cls.county = county_regulator("cty", cls.beijing[0].region_id)
        cls.owner = enterprise_user(cls.beijing[0], "ent_owner")
        cls.other = enterprise_user(cls.beijing[1], "other_ent")

    # 1. the responsible account -------------------------------------------------------------

    def test_responsible_user_of_another_enterprise_is_refused_everywhere(self) -> None:
        response = api_for(self.province).post(
            "/api/v1/hidden-dangers/",
            danger_data(self.beijing[0], responsible_user="other_ent"),
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("整改责任人账号须属于本企业", response.json()["responsible_user"][0])
        self.assertFalse(HiddenDanger.objects.exists())
        remind_due_soon(today())
        self.assertFalse(Notice.objects.filter(recipient=self.other).exists())
        form = HiddenDangerForm(
            data=danger_data(self.beijing[0], responsible_user="other_ent"), user=self.province
        )
        self.assertFalse(form.is_valid())
        self.assertIn("responsible_user", form.errors)
        item = HiddenDanger(responsible_user=self.other, **_fields(self.beijing[0]))
        with self.assertRaises(ValidationError) as caught:
            save_danger(item, user=self.province)
        self.assertIn("responsible_user", caught.exception.message_dict)

    def test_enterprise_user_cannot_even_name_another_enterprise_account(self) -> None:
        form = HiddenDangerForm(
            data=danger_data(self.beijing[0], source="self_check", responsible_user="other_ent"),
            user=self.owner,
        )
        self.assertFalse(form.is_valid())
        self.assertIn("responsible_user", form.errors)

    def test_own_enterprise_and_covering_regulator_accounts_are_accepted(self) -> None:
        for user in (self.owner, self.county, self.province):
            with self.subTest(user=user.username):
                item = HiddenDanger(responsible_user=user, **_fields(self.beijing[0]))
                save_danger(item, user=self.province)
                self.assertEqual(item.responsible_user, user)
        shanghai = provincial_inspector("sh_inspector", "310000")
        item = HiddenDanger(responsible_user=shanghai, **_fields(self.beijing[0]))
        with self.assertRaises(ValidationError):
            save_danger(item, user=self.province)

    # 3. downgrading a major hidden danger; regulator-registered fields ------------------------

    def test_enterprise_cannot_downgrade_a_major_danger_to_close_it(self) -> None:
        item = danger(self.beijing[0], level="major", user=self.owner)
        transition_danger(item, S.RECTIFYING, user=self.owner)
        transition_danger(item, S.AWAITING_VERIFICATION, user=self.owner)
        api = api_for(self.owner)
        response = api.patch(f"/api/v1/hidden-dangers/{item.pk}/", {"level": "general"}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("企业不能将重大隐患改为一般隐患", response.json()["level"][0])
        response = api.post(
            f"/api/v1/hidden-dangers/{item.pk}/transition/",
            {"to": "closed", "note": "自查合格"},
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        item.refresh_from_db()
        self.assertEqual((item.level, item.status), ("major", S.AWAITING_VERIFICATION))
        # A regulator may correct the grading.
        item.level = "general"
        save_danger(item, user=self.province)
        item.refresh_from_db()
        self.assertEqual(item.level, "general")

    def test_enterprise_cannot_change_the_finding_of_an_inspector(self) -> None:
        item = danger(self.beijing[0], source="inspection", user=self.province)
        api = api_for(self.owner)
        for field, value in (
            ("deadline", str(days(200))),
            ("source", "self_check"),
            ("found_by", "李四"),
            ("found_at", str(days(-5))),
        ):
            with self.subTest(field=field):
                response = api.patch(f"/api/v1/hidden-dangers/{item.pk}/", {field: value}, format="json")
                self.assertEqual(response.status_code, 400)
                self.assertIn("企业不能修改", response.json()[field][0])
        self.assertEqual(HiddenDanger.objects.get(pk=item.pk).deadline, item.deadline)
        response = api.patch(f"/api/v1/hidden-dangers/{item.pk}/", {"measures": "更换软管"}, format="json")
        self.assertEqual(response.status_code, 200)
        own = danger(self.beijing[0], source="self_check", user=self.owner)
        response = api.patch(f"/api/v1/hidden-dangers/{own.pk}/", {"deadline": str(days(30))}, format="json")
        self.assertEqual(response.status_code, 200)
        response = api_for(self.province).patch(
            f"/api/v1/hidden-dangers/{item.pk}/", {"deadline": str(days(30))}, format="json"
        )
        self.assertEqual(response.status_code, 200)

    # 8. deleting ------------------------------------------------------------------------------

    def test_enterprise_deletes_only_its_own_general_self_check_dangers(self) -> None:
        found = danger(self.beijing[0], level="major", source="inspection", user=self.province)
        own_major = danger(self.beijing[0], level="major", user=self.owner)
        own_general = danger(self.beijing[0], user=self.owner)
        api = api_for(self.owner)
        for item in (found, own_major):
            with self.subTest(item=item.pk):
                self.assertEqual(api.delete(f"/api/v1/hidden-dangers/{item.pk}/").status_code, 403)
                self.assertTrue(HiddenDanger.objects.filter(pk=item.pk).exists())
        self.assertEqual(api.delete(f"/api/v1/hidden-dangers/{own_general.pk}/").status_code, 204)
        self.assertEqual(
            api_for(self.province).delete(f"/api/v1/hidden-dangers/{found.pk}/").status_code, 204
        )

    # 10. whitespace-only category -------------------------------------------------------------

    def test_whitespace_category_means_none(self) -> None:
        form = HiddenDangerForm(data=danger_data(self.beijing[0], category="   "), user=self.province)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertIsNone(form.cleaned_data["category"])
        self.client.force_login(self.province)
        page = self.client.post(
            reverse("dangers:hiddendanger_add"), danger_data(self.beijing[0], category="  ")
        )
        self.assertEqual(page.status_code, 302)
        response = api_for(self.province).post(
            "/api/v1/hidden-dangers/", danger_data(self.beijing[0], category=" "), format="json"
        )
        self.assertEqual(response.status_code, 400)


class EvidenceTest(TestCase):
    beijing: ClassVar[list[Enterprise]]
    province: ClassVar[User]
    owner: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, _shanghai = sample_enterprises()
        cls.province = provincial_inspector("bj_inspector", "110000")
        cls.owner = enterprise_user(cls.beijing[0], "ent_owner")

    # 4. what counts as evidence ---------------------------------------------------------------

    def test_finding_photo_is_no_verification_evidence(self) -> None:
        item = danger(self.beijing[0], user=self.province)
        attach_photo(item, self.province)  # taken when the danger was found
        transition_danger(item, S.RECTIFYING, user=self.province)
        transition_danger(item, S.AWAITING_VERIFICATION, user=self.province)
        with self.assertRaises(ValidationError) as caught:
            transition_danger(item, S.CLOSED, user=self.province, evidence=Evidence())
        self.assertIn("销号须有验收证据", caught.exception.messages[0])
        self.assertEqual(HiddenDanger.objects.get(pk=item.pk).status, S.AWAITING_VERIFICATION)
        attach_photo(item, self.province)  # the verification photo
        item = transition_danger(item, S.CLOSED, user=self.province, evidence=Evidence())
        self.assertEqual(item.status, S.CLOSED)

    def test_closure_application_needs_files_added_after_listing(self) -> None:
        item = danger(self.beijing[0], level="major", user=self.province)
        attach_photo(item, self.province)
        listing = listing_for(item, self.province)
        response = api_for(self.owner).post(
            f"/api/v1/supervision-listings/{listing.pk}/actions/",
            {"action": "apply_closure", "content": "已完成整改"},
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("须上传整改完成的照片", response.json()["files"][0])
        listing.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.LISTED)
        services.apply_for_closure(listing, user=self.owner, note="已完成整改", files=[photo()])
        listing.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.CLOSURE_APPLIED)

    # 9. upgraded to major after rectification started -----------------------------------------

    def test_upgrade_to_major_during_rectification_needs_the_report_and_plan(self) -> None:
        item = danger(self.beijing[0], user=self.province)
        transition_danger(item, S.RECTIFYING, user=self.province)
        item.refresh_from_db()
        item.level = "major"
        save_danger(item, user=self.province)
        with self.assertRaises(ValidationError) as caught:
            transition_danger(item, S.AWAITING_VERIFICATION, user=self.province)
        self.assertIn("隐患现状及其产生原因", caught.exception.messages[0])
        self.assertEqual(HiddenDanger.objects.get(pk=item.pk).status, S.RECTIFYING)
        listing = listing_for(item, self.province)
        with self.assertRaises(ValidationError) as caught:
            services.apply_for_closure(listing, user=self.owner, note="完成", files=[photo()])
        self.assertIn("治理的目标和任务", caught.exception.messages[0])
        listing.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.LISTED)


class ListingAuthorityTest(TestCase):
    beijing: ClassVar[list[Enterprise]]
    province: ClassVar[User]
    county: ClassVar[User]
    owner: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, _shanghai = sample_enterprises()
        cls.province = provincial_inspector("bj_inspector", "110000")
        cls.county = county_regulator("cty", cls.beijing[0].region_id)
        cls.owner = enterprise_user(cls.beijing[0], "ent_owner")

    def listed(self, by: User) -> SupervisionListing:
        return listing_for(danger(self.beijing[0], level="major", user=self.province), by)

    # 5. a lower level neither edits nor deletes a higher level's listing ----------------------

    def test_county_cannot_edit_or_delete_a_provincial_listing(self) -> None:
        listing = self.listed(self.province)
        api = api_for(self.county)
        response = api.patch(
            f"/api/v1/supervision-listings/{listing.pk}/", {"requirements": "县里改了"}, format="json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(api.delete(f"/api/v1/supervision-listings/{listing.pk}/").status_code, 403)
        listing.refresh_from_db()
        self.assertNotEqual(listing.requirements, "县里改了")
        with self.assertRaises(PermissionDenied):
            services.delete_listing(listing, user=self.county)
        # The issuing authority still may.
        response = api_for(self.province).patch(
            f"/api/v1/supervision-listings/{listing.pk}/", {"requirements": "省厅补充要求"}, format="json"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            api_for(self.province).delete(f"/api/v1/supervision-listings/{listing.pk}/").status_code, 204
        )

    def test_province_may_edit_a_county_listing(self) -> None:
        listing = self.listed(self.county)
        response = api_for(self.province).patch(
            f"/api/v1/supervision-listings/{listing.pk}/", {"requirements": "省厅补充要求"}, format="json"
        )
        self.assertEqual(response.status_code, 200)

    # 6. the closure application is reviewed only through the listing -------------------------

    def test_transition_cannot_bypass_the_listing_review(self) -> None:
        listing = self.listed(self.province)
        services.apply_for_closure(listing, user=self.owner, note="完成", files=[photo()])
        item = listing.danger
        for user in (self.county, self.province):
            with self.subTest(user=user.username):
                response = api_for(user).post(
                    f"/api/v1/hidden-dangers/{item.pk}/transition/",
                    {"to": "rectifying", "reason": "不认可"},
                    format="json",
                )
                self.assertEqual(response.status_code, 400)
                self.assertIn("须由督办单位或其上级审核驳回", response.json()["detail"][0])
        item.refresh_from_db()
        listing.refresh_from_db()
        self.assertEqual(
            (item.status, listing.status), (S.AWAITING_VERIFICATION, ListingStatus.CLOSURE_APPLIED)
        )
        self.assertNotIn(S.RECTIFYING, services.allowed_moves(item, self.province))
        services.reject_closure(listing, user=self.province, reason="仍有泄漏")
        item.refresh_from_db()
        self.assertEqual(item.status, S.RECTIFYING)

    # 7. view-only roles -----------------------------------------------------------------------

    def test_view_only_role_neither_reports_progress_nor_applies(self) -> None:
        listing = self.listed(self.province)
        attach_photo(listing.danger, self.province)
        leader = make_user("leader", self.province.organization, RoleCode.LEADER)
        api = api_for(leader)
        for action in ("progress", "apply_closure"):
            with self.subTest(action=action):
                response = api.post(
                    f"/api/v1/supervision-listings/{listing.pk}/actions/",
                    {"action": action, "content": "x"},
                    format="json",
                )
                self.assertEqual(response.status_code, 403)
        self.client.force_login(leader)
        page = self.client.post(reverse("dangers:listing_progress", args=[listing.pk]), {"content": "x"})
        self.assertEqual(page.status_code, 403)
        page = self.client.post(
            reverse("dangers:listing_closure", args=[listing.pk]), {"note": "x", "evidence": [photo()]}
        )
        self.assertEqual(page.status_code, 403)
        with self.assertRaises(PermissionDenied):
            services.report_progress(listing, user=leader, content="x")
        listing.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.LISTED)
        self.assertFalse(ListingProgress.objects.exists())


def _fields(enterprise: Enterprise) -> dict[str, Any]:
    return {
        "enterprise": enterprise,
        "place": "储罐区",
        "description": "防火堤破损",
        "level": "general",
        "source": "inspection",
        "found_by": "张三",
        "found_at": days(-1),
        "deadline": days(10),
        "responsible_person": "王五",
    }
