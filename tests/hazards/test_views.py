"""Major hazard source pages and API: generated from the kernel's test bases, the stored
assessment on every write path, the inline substance formset, filing, and enterprise scope."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.test import TestCase
from rest_framework.test import APIClient

from anjian.accounts.models import OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import APIViewTestCases, ViewTestCases, make_org, make_user, provincial_inspector
from anjian.enterprises.models import Enterprise
from anjian.hazards.models import FilingStatus, HazardUnit, HazardUnitSubstance
from anjian.hazards.services import save_unit
from anjian.hazards.specs import hazard_unit_spec
from tests.enterprises.test_views import sample_enterprises, uscc_for

AMMONIA, CHLORINE, METHANOL = "7664-41-7", "7782-50-5", "67-56-1"


def unit(
    enterprise: Enterprise, name: str, substances: list[tuple[str, str]], *, people: int = 0, **fields: Any
) -> HazardUnit:
    rows = [HazardUnitSubstance(cas=cas, quantity_t=Decimal(q)) for cas, q in substances]
    return save_unit(
        HazardUnit(enterprise=enterprise, name=name, exposed_people=people, **({"kind": "storage"} | fields)),
        user=None,
        substances=rows,
    )


def sample_units() -> tuple[list[HazardUnit], list[HazardUnit]]:
    beijing, shanghai = sample_enterprises()
    return (
        [
            unit(beijing[0], "液氨储罐区", [(AMMONIA, "50")], people=120),  # S 5, R 20, grade 3
            unit(beijing[0], "甲醇罐组", [(METHANOL, "400")]),  # S 0.8: not major
            unit(beijing[1], "氯气汽化工段", [(CHLORINE, "20")], people=60, kind="production"),  # R 24
        ],
        [
            unit(shanghai[0], "浦东苯罐区", [("71-43-2", "80")]),
            unit(shanghai[1], "宝山煤气柜", []),
            unit(shanghai[2], "金山液氯库", [(CHLORINE, "30")], people=200),
        ],
    )


def formset(*rows: dict[str, Any], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        "substances-TOTAL_FORMS": str(len(rows)),
        "substances-INITIAL_FORMS": str(initial),
        "substances-MIN_NUM_FORMS": "0",
        "substances-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data |= {f"substances-{i}-{k}": v for k, v in row.items()}
    return data


class HazardUnitViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = hazard_unit_spec
    filter_params = {
        "q": "甲醇",
        "enterprise": uscc_for("110108", "10000002"),
        "region": "110108",
        "sector": "industry_trade",
        "name": "氯",
        "kind": "production",
        "is_major": "false",
        "grade": "3",
        "filing_status": "filed",
        "cas": AMMONIA,
    }
    form_data = {
        "enterprise": uscc_for("110109", "10000003"),
        "name": "门头沟液氯库",
        "kind": "storage",
        "boundary": "独立库房",
        "exposed_people": "35",
        "exposed_people_source": "现场核查",
    } | formset({"cas": CHLORINE, "quantity_t": "20"}, {"cas": "", "quantity_t": ""})
    import_rows = [
        {
            "企业（统一社会信用代码）": uscc_for("110111", "10000001"),
            "单元名称": "燕山新罐区",
            "单元类型": "储存单元",
            "厂外可能暴露人员（人）": "0",
        },
        {
            "企业（统一社会信用代码）": uscc_for("110108", "10000002"),
            "单元名称": "海淀库房",
            "单元类型": "storage",
            "厂外可能暴露人员（人）": "12",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[HazardUnit], list[HazardUnit]]:
        beijing, shanghai = sample_units()
        HazardUnit.objects.filter(pk=beijing[0].pk).update(filing_status=FilingStatus.FILED)
        return beijing, shanghai

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "name": f"{obj.name}（改）",
            "kind": obj.kind,
            "exposed_people": "0",
        }

    def test_create_stores_the_assessment(self) -> None:
        self.client.force_login(self.user)
        self.client.post(self.url("add"), self.form_data)
        created = HazardUnit.objects.get(name="门头沟液氯库")
        # Cl2 20 t: S = 4, α 1.2 (35 people), R = 1.2 × 4 × 4 = 19.2 → grade 3
        self.assertEqual(
            (created.s, created.r, created.grade, created.is_major), (4, Decimal("19.2"), 3, True)
        )
        self.assertEqual(created.table_edition, "GB 18218-2018")
        self.assertEqual(
            list(created.substances.values_list("cas", "name")), [(CHLORINE, "氯（别名：液氯；氯气）")]
        )

    def test_edit_substances_inline_recomputes(self) -> None:
        self.client.force_login(self.user)
        obj = self.objects[0]  # ammonia 50 t, 120 people
        ammonia = obj.substances.get()
        data = {
            "enterprise": obj.enterprise.uscc,
            "name": obj.name,
            "kind": obj.kind,
            "exposed_people": "120",
        }
        data |= formset(
            {"id": ammonia.pk, "cas": AMMONIA, "quantity_t": "100"},
            {"cas": CHLORINE, "quantity_t": "20"},
            {"cas": "", "quantity_t": ""},
            initial=1,
        )
        response = self.client.post(self.url("edit", obj), data)
        self.assertEqual(
            response.status_code, 302, response.context and response.context["form"].substances.errors
        )
        obj.refresh_from_db()
        # S = 10 + 4 = 14; R = 2 × (2×10 + 4×4) = 72 → grade 2
        self.assertEqual((obj.s, obj.r, obj.grade, obj.version), (14, 72, 2, 2))
        self.assertEqual(obj.filing_status, FilingStatus.DRAFT, "a changed result must be filed again")
        data |= formset(
            {"id": ammonia.pk, "cas": AMMONIA, "quantity_t": "100", "DELETE": "on"},
            {"id": obj.substances.get(cas=CHLORINE).pk, "cas": CHLORINE, "quantity_t": "20"},
            initial=2,
        )
        self.assertEqual(self.client.post(self.url("edit", obj), data).status_code, 302)
        obj.refresh_from_db()
        self.assertEqual((obj.s, obj.substances.count()), (4, 1))

    def test_bad_substance_rows_write_nothing(self) -> None:
        self.client.force_login(self.user)
        obj = self.objects[0]
        for row, text in [
            ({"cas": "7664-41-8", "quantity_t": "5"}, "校验位错误"),
            ({"cas": AMMONIA, "quantity_t": "-5"}, "0"),
            ({"cas": "7732-18-5", "quantity_t": "5"}, "7732-18-5"),
        ]:
            with self.subTest(row=row):
                data = self.get_edit_data(obj) | formset(row)
                response = self.client.post(self.url("edit", obj), data)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, text, status_code=400)
        obj.refresh_from_db()
        self.assertEqual((obj.version, obj.substances.count()), (1, 1))

    def test_detail_shows_the_calculation(self) -> None:
        self.client.force_login(self.user)
        response = self.client.get(self.url("detail", self.objects[0]))
        self.assertContains(response, 'id="hazard-calculation"')
        for text in ("5.0000", "20.0000", "10", "2.0", "GB 18218-2018", "三级"):
            self.assertContains(response, text)

    def test_unit_needing_a_class_is_refused_with_a_message(self) -> None:
        self.client.force_login(self.user)
        data = self.get_edit_data(self.objects[1]) | formset({"cas": "86290-81-5", "quantity_t": "300"})
        response = self.client.post(self.url("edit", self.objects[1]), data)
        self.assertContains(response, "危险性类别", status_code=400)


class HazardUnitAPITest(APIViewTestCases.APITestCase):
    spec = hazard_unit_spec
    filter_params = {"kind": "production", "is_major": "false", "cas": CHLORINE, "grade": "3"}
    api_create_data = {
        "enterprise": uscc_for("110109", "10000003"),
        "name": "门头沟液氨储罐",
        "kind": "storage",
        "exposed_people": 120,
        "substances": [{"cas": AMMONIA, "quantity_t": "50"}],
    }
    api_update_data = {"boundary": "2 号防火堤"}
    api_invalid_data = {
        "enterprise": uscc_for("110109", "10000003"),
        "name": "校验位错误",
        "kind": "storage",
        "substances": [{"cas": "7664-41-8", "quantity_t": "50"}],
    }

    @classmethod
    def make_objects(cls) -> tuple[list[HazardUnit], list[HazardUnit]]:
        return sample_units()

    def test_api_create_returns_the_assessment(self) -> None:
        body = self.api.post(self.api_url(), self.api_create_data, format="json").json()
        self.assertEqual(
            (body["s"], body["r"], body["grade"], body["is_major"]), ("5.0000", "20.0000", 3, True)
        )

    def test_api_replacing_substances_recomputes(self) -> None:
        obj = self.objects[1]
        response = self.api.patch(
            self.api_url(obj), {"substances": [{"cas": METHANOL, "quantity_t": "600"}]}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        obj.refresh_from_db()
        self.assertEqual(
            (obj.s, obj.is_major, obj.grade, obj.substances.count()), (Decimal("1.2"), True, 4, 1)
        )

    def test_api_absurd_quantity_is_refused(self) -> None:
        data = self.api_create_data | {"substances": [{"cas": AMMONIA, "quantity_t": "1e12"}]}
        response = self.api.post(self.api_url(), data, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("合理范围", str(response.json()))


class EnterpriseUserScopeTest(TestCase):
    """An enterprise user sees and changes only its own enterprise's units; the regulator files."""

    beijing: ClassVar[list[HazardUnit]]
    ent: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, _shanghai = sample_units()
        own = cls.beijing[0].enterprise
        org = make_org(own.name, own.region_id, level="", org_type=OrgType.ENTERPRISE, enterprise=own)
        cls.ent = make_user("hazard_ent", org, RoleCode.ENTERPRISE_ADMIN)

    def test_lists_and_pages_hold_only_its_own_units(self) -> None:
        self.client.force_login(self.ent)
        response = self.client.get("/hazards/units/")
        self.assertContains(response, "液氨储罐区")
        self.assertContains(response, "甲醇罐组")
        self.assertNotContains(response, "氯气汽化工段")
        other = self.beijing[2]
        self.assertEqual(self.client.get(f"/hazards/units/{other.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/hazards/units/{other.pk}/edit/").status_code, 404)
        api = APIClient()
        api.force_authenticate(self.ent)
        ids = {row["id"] for row in api.get("/api/v1/hazards/units/").json()["results"]}
        self.assertEqual(ids, {self.beijing[0].pk, self.beijing[1].pk})
        self.assertEqual(api.patch(f"/api/v1/hazards/units/{other.pk}/", {"name": "x"}).status_code, 404)

    def test_filing_submit_then_regulator_returns_then_accepts(self) -> None:
        own = self.beijing[0]
        self.client.force_login(self.ent)
        self.client.post(f"/hazards/units/{own.pk}/filing/submit/")
        own.refresh_from_db()
        self.assertEqual(own.filing_status, FilingStatus.FILED)
        self.client.post(f"/hazards/units/{own.pk}/filing/accept/")
        own.refresh_from_db()
        self.assertEqual(own.filing_status, FilingStatus.FILED, "an enterprise cannot accept its own filing")
        self.client.post(f"/hazards/units/{self.beijing[1].pk}/filing/submit/")
        self.assertEqual(HazardUnit.objects.get(pk=self.beijing[1].pk).filing_status, FilingStatus.DRAFT)

        regulator = provincial_inspector("hazard_regulator", "110000")
        self.client.force_login(regulator)
        self.client.post(f"/hazards/units/{own.pk}/filing/return/", {"reason": ""})
        own.refresh_from_db()
        self.assertEqual(own.filing_status, FilingStatus.FILED, "returning needs a reason")
        self.client.post(f"/hazards/units/{own.pk}/filing/return/", {"reason": "暴露人数无统计依据"})
        own.refresh_from_db()
        self.assertEqual((own.filing_status, own.filing_note), (FilingStatus.RETURNED, "暴露人数无统计依据"))
        self.client.force_login(self.ent)
        self.client.post(f"/hazards/units/{own.pk}/filing/submit/")
        self.client.force_login(regulator)
        self.client.post(f"/hazards/units/{own.pk}/filing/accept/")
        own.refresh_from_db()
        self.assertEqual(own.filing_status, FilingStatus.ACCEPTED)

    def test_a_filed_unit_cannot_be_deleted_by_the_enterprise_and_edits_need_refiling(self) -> None:
        own = self.beijing[0]
        HazardUnit.objects.filter(pk=own.pk).update(filing_status=FilingStatus.ACCEPTED)
        self.client.force_login(self.ent)
        response = self.client.post(f"/hazards/units/{own.pk}/delete/")
        self.assertEqual(response.status_code, 403)
        self.assertTrue(HazardUnit.objects.filter(pk=own.pk).exists())
        api = APIClient()
        api.force_authenticate(self.ent)
        self.assertEqual(
            api.patch(f"/api/v1/hazards/units/{own.pk}/", {"name": "改名后的储罐区"}).status_code, 200
        )
        own.refresh_from_db()
        self.assertEqual(own.filing_status, FilingStatus.DRAFT, "a changed unit is filed again")
