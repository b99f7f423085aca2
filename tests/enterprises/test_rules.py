"""The registry's rules from issue 3: scope per kind of user, and bad input refused everywhere
(form, API, import) with the same clear message, writing nothing."""

from __future__ import annotations

from typing import Any, ClassVar

from django.test import TestCase
from django.urls import reverse
from rest_framework.test import APIClient

from anjian.accounts.models import AgencyLevel, OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.audit.models import ObjectChange
from anjian.core.testing import make_org, make_user, provincial_inspector
from anjian.enterprises.models import Enterprise
from tests.enterprises.test_views import enterprise, sample_enterprises, uscc_for


class ScopeRulesTest(TestCase):
    beijing_objects: ClassVar[list[Enterprise]]
    shanghai_objects: ClassVar[list[Enterprise]]
    beijing: ClassVar[User]
    national: ClassVar[User]
    ent: ClassVar[User]
    haidian: ClassVar[User]
    coal: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing_objects, cls.shanghai_objects = sample_enterprises()
        cls.beijing = provincial_inspector("bj", "110000")
        cls.national = make_user(
            "nat", make_org("应急管理部（测试）", None, level=AgencyLevel.NATIONAL), RoleCode.INSPECTOR
        )
        own = cls.beijing_objects[0]
        ent_org = make_org(own.name, own.region_id, level="", org_type=OrgType.ENTERPRISE, enterprise=own)
        cls.ent = make_user("ent", ent_org, RoleCode.ENTERPRISE_SAFETY_OFFICER)
        cls.haidian = make_user(
            "hd", make_org("海淀区应急管理局（测试）", "110108", level=AgencyLevel.COUNTY), RoleCode.INSPECTOR
        )
        cls.coal = make_user(
            "coal",
            make_org("北京煤监（测试）", "110000", org_type=OrgType.COAL_SUPERVISION, sectors=["coal"]),
            RoleCode.INSPECTOR,
        )

    def visible(self, user: Any) -> set[str]:
        return set(Enterprise.objects.visible_to(user).values_list("region_id", flat=True))

    def test_beijing_sees_only_11(self) -> None:
        regions = self.visible(self.beijing)
        self.assertTrue(regions)
        self.assertTrue(all(code.startswith("11") for code in regions))

    def test_national_sees_all(self) -> None:
        self.assertEqual(Enterprise.objects.visible_to(self.national).count(), Enterprise.objects.count())

    def test_enterprise_user_sees_only_its_own(self) -> None:
        self.assertEqual(list(Enterprise.objects.visible_to(self.ent)), [self.beijing_objects[0]])

    def test_county_user_sees_only_its_county(self) -> None:
        self.assertEqual(self.visible(self.haidian), {"110108"})

    def test_sector_scope(self) -> None:
        self.assertEqual(Enterprise.objects.visible_to(self.coal).count(), 0)
        enterprise("北京京西煤业有限公司", "110109", "coal", "60000001")
        self.assertEqual(Enterprise.objects.visible_to(self.coal).count(), 1)

    def test_enterprise_user_cannot_open_another_enterprise(self) -> None:
        self.client.force_login(self.ent)
        other = self.beijing_objects[1]
        self.assertEqual(
            self.client.get(reverse("enterprises:enterprise_detail", args=[other.pk])).status_code, 404
        )
        self.assertEqual(self.client.get(reverse("enterprises:enterprise_add")).status_code, 403)

    def test_ui_and_api_answer_404_for_another_province(self) -> None:
        shanghai = self.shanghai_objects[0]
        self.client.force_login(self.beijing)
        for name in ("detail", "edit", "delete"):
            with self.subTest(view=name):
                url = reverse(f"enterprises:enterprise_{name}", args=[shanghai.pk])
                self.assertEqual(self.client.get(url).status_code, 404)
        api = APIClient()
        api.force_authenticate(self.beijing)
        url = reverse("api:enterprise-detail", args=[shanghai.pk])
        self.assertEqual(api.get(url).status_code, 404)
        self.assertEqual(api.put(url, {"name": "x"}, format="json").status_code, 404)
        self.assertEqual(api.delete(url).status_code, 404)
        self.assertTrue(Enterprise.objects.filter(pk=shanghai.pk, name=shanghai.name).exists())


SHANGHAI_MSG = "310115（上海市浦东新区）不在您的管辖范围内。"


class BadInputTest(TestCase):
    """Each bad value gets one clear Chinese message in the form, the API and the import report."""

    existing: ClassVar[Enterprise]
    user: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.existing = enterprise("北京海淀某化工有限公司", "110108", "hazchem", "70000001")
        cls.user = provincial_inspector("bj", "110000")

    def setUp(self) -> None:
        self.client.force_login(self.user)
        self.api = APIClient()
        self.api.force_authenticate(self.user)
        self.count = Enterprise.objects.count()
        self.changes = ObjectChange.objects.count()

    def valid(self, **overrides: str) -> dict[str, str]:
        data = {
            "uscc": uscc_for("110105", "80000001"),
            "name": "北京新企业有限公司",
            "region": "110105",
            "sector": "hazchem",
        }
        return data | overrides

    def assert_refused_everywhere(self, field: str, message: str, **overrides: str) -> None:
        data = self.valid(**overrides)
        response = self.client.post(reverse("enterprises:enterprise_add"), data | {"status": "operating"})
        self.assertEqual(response.status_code, 400)
        self.assertIn(
            message, response.context["form"].errors.get(field, []), response.context["form"].errors
        )

        api_response = self.api.post(reverse("api:enterprise-list"), data, format="json")
        self.assertEqual(api_response.status_code, 400)
        self.assertIn(message, api_response.json().get(field, []), api_response.json())

        header = "统一社会信用代码,企业名称,所在区县,监管行业\n"
        row = ",".join(data[k] for k in ("uscc", "name", "region", "sector"))
        response = self.client.post(
            reverse("enterprises:enterprise_import"), {"file": _csv(header + row + "\n")}
        )
        report = response.context["report"]
        self.assertEqual(len(report.bad), 1)
        self.assertTrue(any(message in error for error in report.bad[0].errors), report.bad[0].errors)

        self.assertEqual(Enterprise.objects.count(), self.count)
        self.assertEqual(ObjectChange.objects.count(), self.changes)

    def test_wrong_length(self) -> None:
        self.assert_refused_everywhere(
            "uscc", "统一社会信用代码应为 18 位，实际为 17 位。", uscc="9111010555138508Q"
        )

    def test_illegal_character(self) -> None:
        self.assert_refused_everywhere(
            "uscc", "统一社会信用代码含非法字符：O（不使用 I、O、S、V、Z）。", uscc="9111010855138508OQ"
        )

    def test_wrong_check_character_names_the_expected_one(self) -> None:
        self.assert_refused_everywhere(
            "uscc", "统一社会信用代码校验位错误：应为 Q。", uscc="91110108551385082A"
        )

    def test_unknown_region(self) -> None:
        self.assert_refused_everywhere("region", "未知的行政区划代码：119999", region="119999")

    def test_county_outside_scope(self) -> None:
        self.assert_refused_everywhere("region", SHANGHAI_MSG, region="310115")

    def test_region_must_be_a_county(self) -> None:
        response = self.client.post(
            reverse("enterprises:enterprise_add"), self.valid(region="110000") | {"status": "operating"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("不是县级行政区划", str(response.context["form"].errors["region"]))

    def test_duplicate_uscc_names_the_existing_region(self) -> None:
        self.assert_refused_everywhere(
            "uscc", "该统一社会信用代码已登记（登记地：北京市海淀区）。", uscc=self.existing.uscc
        )

    def test_text_fields_round_trip_as_text(self) -> None:
        name = "<script>alert(1)</script>'; DROP TABLE enterprises_enterprise; --"
        response = self.api.post(reverse("api:enterprise-list"), self.valid(name=name), format="json")
        self.assertEqual(response.status_code, 201)
        obj = Enterprise.objects.get(pk=response.json()["id"])
        self.assertEqual(obj.name, name)
        page = self.client.get(reverse("enterprises:enterprise_detail", args=[obj.pk]))
        self.assertNotContains(page, "<script>alert(1)</script>")
        self.assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")


def _csv(text: str, name: str = "rows.csv", encoding: str = "utf-8") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


class UsccOverrideTest(TestCase):
    """GB 32100 rule 2: a historic code failing the check may be accepted by a regulator, with a reason."""

    user: ClassVar[User]
    ent: ClassVar[User]
    own: ClassVar[Any]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("bj", "110000")
        own = enterprise("北京自有企业有限公司", "110105", "hazchem", "12121212")
        ent_org = make_org(own.name, own.region_id, level="", org_type=OrgType.ENTERPRISE, enterprise=own)
        cls.ent = make_user("ent", ent_org, RoleCode.ENTERPRISE_ADMIN)
        cls.own = own

    def data(self, **extra: str) -> dict[str, str]:
        return {
            "uscc": "91110108551385082A",
            "name": "历史代码企业",
            "region": "110108",
            "sector": "hazchem",
            "status": "operating",
        } | extra

    def test_override_needs_a_reason(self) -> None:
        self.client.force_login(self.user)
        response = self.client.post(reverse("enterprises:enterprise_add"), self.data(uscc_override="on"))
        self.assertEqual(response.status_code, 400)
        self.assertIn(
            "人工核准校验位时必须填写核准理由。", response.context["form"].errors["uscc_override_reason"]
        )

    def test_override_with_reason_is_accepted_and_flagged(self) -> None:
        self.client.force_login(self.user)
        data = self.data(uscc_override="on", uscc_override_reason="2014 年核发，已核对营业执照原件")
        response = self.client.post(reverse("enterprises:enterprise_add"), data)
        self.assertEqual(response.status_code, 302)
        obj = Enterprise.objects.get(uscc="91110108551385082A")
        self.assertTrue(obj.uscc_override)
        page = self.client.get(reverse("enterprises:enterprise_detail", args=[obj.pk]))
        self.assertContains(page, "校验位经人工核准：2014 年核发，已核对营业执照原件")

    def test_override_cannot_rescue_a_format_error(self) -> None:
        self.client.force_login(self.user)
        data = self.data(uscc="9111010855138508OA", uscc_override="on", uscc_override_reason="x")
        response = self.client.post(reverse("enterprises:enterprise_add"), data)
        self.assertEqual(response.status_code, 400)

    def test_enterprise_users_are_not_offered_the_override(self) -> None:
        self.client.force_login(self.ent)
        response = self.client.get(reverse("enterprises:enterprise_edit", args=[self.own.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("uscc_override", response.context["form"].fields)
        self.assertTrue(response.context["form"].fields["uscc"].disabled)

    def test_embedded_organisation_code_mismatch_is_a_warning_on_the_page(self) -> None:
        from anjian.core.uscc import make_uscc

        obj = Enterprise.objects.create(
            uscc=make_uscc("91110108551385083"),
            name="嵌码不符企业",
            region_id="110108",
            sector="hazchem",
            version=1,
        )
        self.client.force_login(self.user)
        page = self.client.get(reverse("enterprises:enterprise_detail", args=[obj.pk]))
        self.assertContains(page, "内嵌组织机构代码校验位不符（应为 2），请核对。")


class UsccOverrideThroughTheAPITest(TestCase):
    own: ClassVar[Enterprise]
    ent: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.own = enterprise("北京自有企业有限公司", "110105", "hazchem", "13131313")
        ent_org = make_org(
            cls.own.name, cls.own.region_id, level="", org_type=OrgType.ENTERPRISE, enterprise=cls.own
        )
        cls.ent = make_user("ent", ent_org, RoleCode.ENTERPRISE_ADMIN)

    def test_enterprise_user_cannot_set_the_override_through_the_api(self) -> None:
        api = APIClient()
        api.force_authenticate(self.ent)
        url = reverse("api:enterprise-detail", args=[self.own.pk])
        response = api.patch(url, {"uscc_override": True, "uscc_override_reason": "企业自述"}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(), {"uscc_override": ["只有监管部门可以人工核准统一社会信用代码校验位。"]}
        )
        self.own.refresh_from_db()
        self.assertFalse(self.own.uscc_override)
        # Other fields stay editable for the enterprise itself.
        self.assertEqual(api.patch(url, {"address": "北京市朝阳区新址 2 号"}, format="json").status_code, 200)
