"""Risk point pages and API: generated from the kernel's test bases, plus grading on every write
path, configuration selection and versions, the site plan, the regulators' map, and scope."""

from __future__ import annotations

import io
import json
import struct
import zlib
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from rest_framework.test import APIClient

from anjian.accounts.models import OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import APIViewTestCases, ViewTestCases, make_org, make_user, provincial_inspector
from anjian.enterprises.models import Enterprise
from anjian.regions.models import Region
from anjian.risks import grading
from anjian.risks.models import RiskMethodConfig, RiskPoint, SitePlan, config_for_enterprise
from anjian.risks.services import publish_config, save_point
from anjian.risks.specs import risk_point_spec
from tests.enterprises.test_views import enterprise, sample_enterprises, uscc_for


def point(ent: Enterprise, name: str, method: str, inputs: tuple[str, ...], **fields: Any) -> RiskPoint:
    values = {
        "kind": "place",
        "hazard_factor": "21",
        "accident_types": ["fire"],
        "responsible_level": "team",
        "responsible_person": "张伟",
        "measures_engineering": "可燃气体检测报警",
    } | fields
    values["accident_types"] = ",".join(values["accident_types"])
    return save_point(
        RiskPoint(
            enterprise=ent,
            name=name,
            method=method,
            likelihood=Decimal(inputs[0]),
            exposure=Decimal(inputs[1]) if method == "lec" else None,
            severity=Decimal(inputs[-1]),
            **values,
        ),
        user=None,
    )


def sample_points() -> tuple[list[RiskPoint], list[RiskPoint]]:
    beijing, shanghai = sample_enterprises()
    return (
        [
            point(
                beijing[0],
                "液氨储罐区",
                "lec",
                ("3", "6", "40"),  # D 720: red
                hazard_factor="22",
                accident_types=["poisoning_suffocation", "vessel_explosion"],
                responsible_level="company",
                review_date=date(2026, 12, 1),
            ),
            point(
                beijing[0],
                "动火作业",
                "lec",
                ("3", "6", "15"),  # D 270: orange
                kind="activity",
                hazard_factor="12",
                accident_types=["fire", "burns"],
                responsible_level="workshop",
            ),
            point(
                beijing[1],
                "冲压机",
                "matrix",
                ("2", "3"),
                kind="equipment",
                accident_types=["machinery_injury"],
            ),
            point(
                beijing[2],
                "尾矿库",
                "matrix",
                ("1", "3"),  # R 3: blue
                hazard_factor="39",
                accident_types=["collapse"],
                responsible_level="post",
            ),
        ],
        [
            point(shanghai[0], "浦东苯罐区", "lec", ("6", "6", "15")),
            point(shanghai[1], "宝山高炉", "matrix", ("4", "5")),
            point(shanghai[2], "金山液氯库", "lec", ("1", "6", "7")),
        ],
    )


class RiskPointViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = risk_point_spec
    filter_params = {
        "q": "动火",
        "enterprise": uscc_for("110108", "10000002"),
        "region": "110108",
        "sector": "industry_trade",
        "name": "储罐",
        "kind": "activity",
        "hazard_factor": "22",
        "accident_type": "fire",
        "method": "matrix",
        "level": "red",
        "responsible_level": "post",
        "review_before": "2026-12-31",
    }
    form_data = {
        "enterprise": uscc_for("110109", "10000003"),
        "name": "门头沟爆破作业",
        "kind": "activity",
        "hazard_factor": "12",
        "accident_types": ["blasting", "object_strike"],
        "method": "lec",
        "likelihood": "3",
        "exposure": "3",
        "severity": "40",
        "measures_engineering": "爆破警戒",
        "measures_management": "爆破作业审批",
        "responsible_level": "company",
        "responsible_person": "李强",
        "plan_x": "20",
        "plan_y": "30.5",
    }
    import_rows = [
        {
            "企业（统一社会信用代码）": uscc_for("110111", "10000001"),
            "风险点名称": "甲醇装车台",
            "风险点类型": "场所/区域",
            "危险有害因素类别": "物的因素—化学性危险和有害因素",
            "可能导致的事故类型": "火灾、其他爆炸",
            "评价方法": "作业条件危险性评价法（LEC）",
            "L（可能性）": "3",
            "E（暴露频繁程度）": "6",
            "C/S（后果严重程度）": "15",
            "工程技术措施": "静电接地",
            "管控层级": "车间（部门）级",
            "责任人": "王芳",
        },
        {
            "企业（统一社会信用代码）": uscc_for("110108", "10000002"),
            "风险点名称": "数控车床",
            "风险点类型": "equipment",
            "危险有害因素类别": "21",
            "可能导致的事故类型": "machinery_injury",
            "评价方法": "matrix",
            "L（可能性）": "2",
            "E（暴露频繁程度）": "",
            "C/S（后果严重程度）": "2",
            "工程技术措施": "防护罩",
            "管控层级": "岗位级",
            "责任人": "赵六",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[RiskPoint], list[RiskPoint]]:
        return sample_points()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "name": f"{obj.name}（改）",
            "kind": obj.kind,
            "hazard_factor": obj.hazard_factor,
            "accident_types": obj.accident_codes,
            "method": obj.method,
            "likelihood": str(obj.likelihood),
            "exposure": "" if obj.exposure is None else str(obj.exposure),
            "severity": str(obj.severity),
            "measures_engineering": obj.measures_engineering,
            "responsible_level": obj.responsible_level,
            "responsible_person": obj.responsible_person,
        }

    def test_create_stores_the_grading_and_configuration_version(self) -> None:
        self.client.force_login(self.user)
        self.client.post(self.url("add"), self.form_data)
        created = RiskPoint.objects.get(name="门头沟爆破作业")
        national = RiskMethodConfig.objects.get(method="lec", province=None, sector="", edition=1)
        self.assertEqual((created.score, created.level, created.level_rank), (Decimal(360), "red", 4))
        self.assertEqual(created.config, national)
        self.assertIsNotNone(created.assessed_at)
        self.assertEqual(created.accident_types, "blasting,object_strike")

    def test_import_reads_accident_types_by_name_and_grades(self) -> None:
        self.client.force_login(self.user)
        response = self.client.post(self.url("import"), {"file": self.import_file(self.import_rows)})
        self.client.post(self.url("import"), {"token": response.context["token"]})
        loading = RiskPoint.objects.get(name="甲醇装车台")
        self.assertEqual(loading.accident_codes, ["fire", "other_explosion"])
        self.assertEqual((loading.score, loading.level), (Decimal(270), "orange"))
        lathe = RiskPoint.objects.get(name="数控车床")
        self.assertEqual((lathe.score, lathe.level, lathe.exposure), (Decimal(4), "yellow", None))

    def test_xlsx_import_reports_bad_rows_and_writes_nothing_until_they_are_fixed(self) -> None:
        from openpyxl import Workbook

        def xlsx(rows: list[dict[str, str]]) -> SimpleUploadedFile:
            workbook = Workbook()
            sheet = workbook.active
            assert sheet is not None
            sheet.append(list(rows[0]))
            for row in rows:
                sheet.append(list(row.values()))
            buffer = io.BytesIO()
            workbook.save(buffer)
            return SimpleUploadedFile("风险点.xlsx", buffer.getvalue())

        self.client.force_login(self.user)
        before = RiskPoint.objects.count()
        bad = [
            self.import_rows[0] | {"L（可能性）": "4"},
            self.import_rows[1] | {"可能导致的事故类型": "火灾、飞机失事"},
        ]
        response = self.client.post(self.url("import"), {"file": xlsx(bad)})
        errors = [" ".join(row.errors) for row in response.context["report"].rows]
        self.assertIn("不在分值表中", errors[0])
        self.assertIn("飞机失事", errors[1])
        response = self.client.post(self.url("import"), {"token": response.context["token"]})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(RiskPoint.objects.count(), before)
        response = self.client.post(self.url("import"), {"file": xlsx(self.import_rows)})
        self.client.post(self.url("import"), {"token": response.context["token"]})
        self.assertEqual(RiskPoint.objects.count(), before + 2)

    def test_bad_input_is_refused_with_a_message_and_writes_nothing(self) -> None:
        self.client.force_login(self.user)
        before = RiskPoint.objects.count()
        cases: list[tuple[dict[str, Any], str]] = [
            ({"likelihood": "4"}, "不在分值表中"),
            ({"exposure": ""}, "LEC 法需要填写 E"),
            ({"method": "matrix", "likelihood": "3", "severity": "4"}, "风险矩阵法不使用 E"),
            ({"accident_types": []}, "请至少选择一种可能导致的事故类型"),
            ({"accident_types": ["not_a_type"]}, "not_a_type"),
            ({"measures_engineering": "", "measures_management": ""}, "至少填写一项管控措施"),
            ({"plan_y": ""}, "同时填写"),
            ({"plan_x": "120"}, "100"),
            ({"enterprise": uscc_for("310115", "20000001")}, "您的管辖范围内没有该统一社会信用代码的企业"),
        ]
        for change, text in cases:
            with self.subTest(change=change):
                response = self.client.post(self.url("add"), self.form_data | change)
                self.assertContains(response, text, status_code=400)
        self.assertEqual(RiskPoint.objects.count(), before)

    def test_a_change_is_written_to_the_exchange_outbox_with_its_grading(self) -> None:
        from anjian.exchange.models import OutboxEntry

        self.client.force_login(self.user)
        self.client.post(self.url("add"), self.form_data)
        created = RiskPoint.objects.get(name="门头沟爆破作业")
        entry = OutboxEntry.objects.get(model="risks.riskpoint", uid=created.uid)
        line = json.loads(entry.line)
        data = line.get("data", line)
        self.assertEqual((data["level"], data["score"]), ("red", "360.000"))
        self.assertNotIn("config", data)
        self.assertNotIn("plan_x", data)

    def test_detail_shows_the_calculation_and_configuration(self) -> None:
        self.client.force_login(self.user)
        response = self.client.get(self.url("detail", self.objects[0]))
        self.assertContains(response, "D = L × E × C = 3 × 6 × 40 = 720")
        self.assertContains(response, "重大风险（红）")
        self.assertContains(response, "全国默认 LEC 法 v1")
        self.assertContains(response, "中毒和窒息、容器爆炸")


class RiskPointAPITest(APIViewTestCases.APITestCase):
    spec = risk_point_spec
    filter_params = {"level": "red", "method": "matrix", "accident_type": "fire", "responsible_level": "post"}
    api_create_data = {
        "enterprise": uscc_for("110109", "10000003"),
        "name": "门头沟空压站",
        "kind": "equipment",
        "hazard_factor": "21",
        "accident_types": ["vessel_explosion"],
        "method": "matrix",
        "likelihood": "3",
        "severity": "3",
        "measures_engineering": "安全阀定期校验",
        "responsible_level": "team",
        "responsible_person": "孙磊",
    }
    api_update_data = {"responsible_person": "周杰"}
    api_invalid_data = api_create_data | {"name": "分值错误", "likelihood": "7"}

    @classmethod
    def make_objects(cls) -> tuple[list[RiskPoint], list[RiskPoint]]:
        return sample_points()

    def test_api_create_returns_the_grading(self) -> None:
        body = self.api.post(self.api_url(), self.api_create_data, format="json").json()
        self.assertEqual((body["score"], body["level"]), ("9.000", "orange"))
        self.assertEqual(body["config_name"], "全国默认风险矩阵（A 方案） v1")

    def test_api_score_and_level_cannot_be_typed(self) -> None:
        data = self.api_create_data | {"score": "1", "level": "blue"}
        body = self.api.post(self.api_url(), data, format="json").json()
        self.assertEqual(body["level"], "orange")

    def test_api_invalid_value_names_the_field(self) -> None:
        response = self.api.post(self.api_url(), self.api_invalid_data, format="json")
        self.assertIn("不在分值表中", response.json()["likelihood"][0])
        response = self.api.post(self.api_url(), self.api_create_data | {"accident_types": []}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("accident_types", response.json())


def tiny_png(width: int = 40, height: int = 20) -> bytes:
    raw = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


class SitePlanAndMapTest(TestCase):
    """The four-colour map: an enterprise's plan with its points, and the regulators' map."""

    beijing: ClassVar[list[RiskPoint]]
    shanghai: ClassVar[list[RiskPoint]]
    ent: ClassVar[User]
    regulator: ClassVar[User]
    other_province: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, cls.shanghai = sample_points()
        own = cls.beijing[0].enterprise
        org = make_org(own.name, own.region_id, level="", org_type=OrgType.ENTERPRISE, enterprise=own)
        cls.ent = make_user("risk_ent", org, RoleCode.ENTERPRISE_SAFETY_OFFICER)
        cls.regulator = provincial_inspector("risk_beijing", "110000")
        cls.other_province = provincial_inspector("risk_shanghai", "310000")

    def upload(self, content: bytes, name: str = "plan.png") -> Any:
        own = self.beijing[0].enterprise
        upload = SimpleUploadedFile(name, content, content_type="image/png")
        return self.client.post(f"/risk-points/plan/{own.pk}/", {"title": "总平面图", "image": upload})

    def test_enterprise_uploads_a_plan_and_places_a_point(self) -> None:
        self.client.force_login(self.ent)
        own = self.beijing[0].enterprise
        self.assertEqual(self.upload(tiny_png()).status_code, 302)
        plan = SitePlan.objects.get(enterprise=own)
        self.assertEqual((plan.width, plan.height, plan.version), (40, 20, 1))
        response = self.client.post(f"/risk-points/{self.beijing[0].pk}/place/", {"x": "12.345", "y": "40"})
        self.assertEqual(response.json(), {"id": self.beijing[0].pk, "x": 12.35, "y": 40.0})
        response = self.client.get(f"/risk-points/plan/{own.pk}/")
        data = response.context["plan_data"]
        self.assertEqual((data["width"], data["height"], data["canPlace"]), (40, 20, True))
        self.assertEqual(
            [(m["name"], m["level"], m["x"]) for m in data["markers"]],
            [("液氨储罐区", "red", 12.35), ("动火作业", "orange", None)],
        )
        self.assertContains(response, 'id="risk-plan-data"')
        self.assertEqual(self.client.get(f"/risk-points/plan/{own.pk}/image/").status_code, 200)

    def test_bad_plan_and_bad_position_are_refused(self) -> None:
        self.client.force_login(self.ent)
        response = self.upload(b"not an image at all", "plan.png")
        self.assertContains(response, "文件内容与扩展名", status_code=400)
        self.assertFalse(SitePlan.objects.exists())
        response = self.client.post(f"/risk-points/{self.beijing[0].pk}/place/", {"x": "150", "y": "40"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("0 到 100", response.json()["errors"][0])
        response = self.client.post(f"/risk-points/{self.beijing[0].pk}/place/", {"x": "abc", "y": "40"})
        self.assertEqual(response.status_code, 400)
        self.beijing[0].refresh_from_db()
        self.assertEqual((self.beijing[0].plan_x, self.beijing[0].version), (None, 1))

    def test_enterprise_reaches_only_its_own_points(self) -> None:
        self.client.force_login(self.ent)
        other = self.beijing[2]
        self.assertEqual(self.client.get(f"/risk-points/plan/{other.enterprise_id}/").status_code, 404)
        self.assertEqual(
            self.client.post(f"/risk-points/{other.pk}/place/", {"x": "1", "y": "1"}).status_code, 404
        )
        self.assertEqual(self.client.get(f"/risk-points/{other.pk}/").status_code, 404)
        self.assertRedirects(
            self.client.get("/risk-points/map/"), f"/risk-points/plan/{self.beijing[0].enterprise_id}/"
        )
        api = APIClient()
        api.force_authenticate(self.ent)
        ids = {row["id"] for row in api.get("/api/v1/risk-points/").json()["results"]}
        self.assertEqual(ids, {self.beijing[0].pk, self.beijing[1].pk})

    def test_enterprise_files_points_only_for_itself(self) -> None:
        self.client.force_login(self.ent)
        own = self.beijing[0].enterprise
        self.assertContains(self.client.get("/risk-points/add/"), f'value="{own.uscc}"')
        data = {
            "enterprise": own.uscc,
            "name": "危废暂存间",
            "kind": "place",
            "hazard_factor": "22",
            "accident_types": ["poisoning_suffocation", "fire"],
            "method": "lec",
            "likelihood": "3",
            "exposure": "3",
            "severity": "15",
            "measures_management": "危废台账",
            "responsible_level": "workshop",
            "responsible_person": "王建国",
        }
        response = self.client.post(
            "/risk-points/add/", data | {"enterprise": self.beijing[2].enterprise.uscc}
        )
        self.assertContains(response, "您的管辖范围内没有该统一社会信用代码的企业", status_code=400)
        self.assertEqual(self.client.post("/risk-points/add/", data).status_code, 302)
        created = RiskPoint.objects.get(name="危废暂存间")
        self.assertEqual((created.enterprise, created.level, created.created_by), (own, "yellow", self.ent))

    def test_another_province_gets_404_everywhere(self) -> None:
        own = self.beijing[0]
        SitePlan.objects.create(enterprise=own.enterprise, image="risks/plans/x.png", width=1, height=1)
        self.client.force_login(self.other_province)
        for url in (
            f"/risk-points/{own.pk}/",
            f"/risk-points/{own.pk}/edit/",
            f"/risk-points/plan/{own.enterprise_id}/",
            f"/risk-points/plan/{own.enterprise_id}/image/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.post(f"/risk-points/{own.pk}/place/", {"x": "1", "y": "1"}).status_code, 404
        )
        self.assertEqual(self.client.post(f"/risk-points/{own.pk}/reassess/").status_code, 404)
        api = APIClient()
        api.force_authenticate(self.other_province)
        self.assertEqual(api.get(f"/api/v1/risk-points/{own.pk}/").status_code, 404)

    def test_regulator_map_colours_enterprises_by_their_highest_level(self) -> None:
        self.client.force_login(self.regulator)
        response = self.client.get("/risk-points/map/")
        self.assertEqual(response.status_code, 200)
        summary = {row["level"]: row["count"] for row in response.context["summary"]}
        self.assertEqual(summary, {"red": 1, "orange": 0, "yellow": 1, "blue": 1})
        rows = {e["name"]: (e["level"], e["counts"]) for e in response.context["enterprises"]}
        self.assertEqual(
            rows,
            {
                "北京燕山化工有限公司": ("red", [1, 1, 0, 0]),
                "北京海淀精密机械有限公司": ("yellow", [0, 0, 1, 0]),
                "北京门头沟矿业有限公司": ("blue", [0, 0, 0, 1]),
            },
        )
        self.assertNotContains(response, "上海")
        filtered = self.client.get("/risk-points/map/", {"level": "yellow"}).context["enterprises"]
        self.assertEqual([e["name"] for e in filtered], ["北京海淀精密机械有限公司"])
        filtered = self.client.get("/risk-points/map/", {"region": "110109"}).context["enterprises"]
        self.assertEqual([e["name"] for e in filtered], ["北京门头沟矿业有限公司"])
        self.assertContains(response, 'id="risk-region-data"')
        self.assertNotContains(response, 'id="map-truncated"')
        with self.settings(RISK_MAP_MAX_ENTERPRISES=1):
            response = self.client.get("/risk-points/map/")
        self.assertEqual([e["name"] for e in response.context["enterprises"]], ["北京燕山化工有限公司"])
        self.assertContains(response, "共 3 家企业，按风险等级仅显示前 1 家")
        summary = {row["level"]: (row["count"], row["points"]) for row in response.context["summary"]}
        self.assertEqual(summary, {"red": (1, 1), "orange": (0, 1), "yellow": (1, 1), "blue": (1, 1)})


class ConfigurationTest(TestCase):
    """Most specific configuration wins; a change is a new version; points keep theirs."""

    beijing: ClassVar[list[RiskPoint]]
    regulator: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, _shanghai = sample_points()
        cls.regulator = provincial_inspector("config_beijing", "110000")

    def stricter_lec(self) -> grading.MethodConfig:
        bands = (
            grading.Band("red", Decimal(270), None),
            grading.Band("orange", Decimal(160), Decimal(270), lower_inclusive=False, upper_inclusive=False),
            grading.Band("yellow", Decimal(70), Decimal(160), lower_inclusive=False),
            grading.Band("blue", None, Decimal(70)),
        )
        return grading.MethodConfig("lec", grading.LEC_FACTORS, bands)

    def revise_data(self, **changes: str) -> dict[str, str]:
        data = {
            "name": "北京市 LEC 法",
            "sector": "",
            "note": "红色下限调整为 270（含）",
            "factor_l": "10 完全可以预料\n6 相当可能\n3 可能，但不经常\n1 可能性小\n"
            "0.5 很不可能\n0.2 极不可能\n0.1 实际不可能",
            "factor_e": "10 连续\n6 每天\n3 每周\n2 每月\n1 每年几次\n0.5 罕见",
            "factor_c": "100 许多人死亡\n40 数人死亡\n15 一人死亡\n7 重伤\n3 致残\n1 需要救护",
            "red_lower": "270",
            "red_lower_inclusive": "on",
            "orange_lower": "160",
            "orange_upper": "270",
            "yellow_lower": "70",
            "yellow_upper": "160",
            "yellow_upper_inclusive": "on",
            "blue_upper": "70",
            "blue_upper_inclusive": "on",
        }
        return data | changes

    def test_most_specific_configuration_wins(self) -> None:
        beijing = Region.objects.get(code="110000")
        hazchem_ent, trade_ent = self.beijing[0].enterprise, self.beijing[2].enterprise
        coal = enterprise("山西测试煤业有限公司", "140105", "coal", "40000001")
        national = config_for_enterprise(hazchem_ent, "lec")
        assert national is not None
        self.assertEqual((national.province_id, national.sector), (None, ""))
        province = publish_config(
            user=_superuser(), method="lec", province=beijing, sector="",
            name="北京市 LEC", config=self.stricter_lec(),
        )  # fmt: skip
        province_sector = publish_config(
            user=_superuser(), method="lec", province=beijing, sector="hazchem",
            name="北京市危化 LEC", config=self.stricter_lec(),
        )  # fmt: skip
        national_coal = publish_config(
            user=_superuser(), method="lec", province=None, sector="coal",
            name="煤矿 LEC", config=self.stricter_lec(),
        )  # fmt: skip
        self.assertEqual(config_for_enterprise(hazchem_ent, "lec"), province_sector)
        self.assertEqual(config_for_enterprise(trade_ent, "lec"), province)
        self.assertEqual(config_for_enterprise(coal, "lec"), national_coal)
        self.assertEqual(config_for_enterprise(coal, "matrix").name, "全国默认风险矩阵（A 方案）")  # type: ignore[union-attr]

    def test_a_revision_is_a_new_version_and_points_keep_theirs(self) -> None:
        hot_work = self.beijing[1]  # D 270: orange by the national default
        national = hot_work.config
        assert national is not None
        self.client.force_login(self.regulator)
        response = self.client.post(f"/risk-points/configs/{national.pk}/revise/", self.revise_data())
        self.assertEqual(response.status_code, 302, response.context and response.context["form"].errors)
        beijing_v1 = RiskMethodConfig.objects.get(province_id="110000", method="lec")
        self.assertEqual((beijing_v1.edition, beijing_v1.is_current), (1, True))
        national.refresh_from_db()
        self.assertTrue(national.is_current, "the national default stays current for other provinces")

        hot_work.refresh_from_db()
        self.assertEqual((hot_work.level, hot_work.config), ("orange", national))
        hot_work.responsible_person = "周杰"  # an edit that does not touch the inputs keeps the version
        save_point(hot_work, user=self.regulator)
        self.assertEqual(hot_work.config, national)
        self.client.post(f"/risk-points/{hot_work.pk}/reassess/")
        hot_work.refresh_from_db()
        self.assertEqual((hot_work.level, hot_work.config), ("red", beijing_v1))

        response = self.client.post(
            f"/risk-points/configs/{beijing_v1.pk}/revise/",
            self.revise_data(red_lower="300", orange_upper="300"),
        )
        self.assertEqual(response.status_code, 302)
        beijing_v1.refresh_from_db()
        self.assertFalse(beijing_v1.is_current)
        beijing_v2 = RiskMethodConfig.objects.get(province_id="110000", method="lec", is_current=True)
        self.assertEqual(beijing_v2.edition, 2)
        hot_work.refresh_from_db()
        self.assertEqual(hot_work.config, beijing_v1, "graded points keep the version they used")
        page = self.client.get(f"/risk-points/{hot_work.pk}/")
        self.assertContains(page, "非现行版本")
        self.assertEqual(self.client.get(f"/risk-points/configs/{beijing_v1.pk}/revise/").status_code, 403)

    def test_bad_revisions_are_refused_and_nothing_changes(self) -> None:
        national = RiskMethodConfig.objects.get(method="lec", province=None, sector="")
        self.client.force_login(self.regulator)
        before = RiskMethodConfig.objects.count()
        cases = [
            (self.revise_data(yellow_lower="80"), "不在任何等级区间内"),
            (self.revise_data(orange_upper="300"), "同时落在"),
            (self.revise_data(factor_l="abc 相当可能"), "应以分值开头"),
            (self.revise_data(factor_e="6 每天\n6 每天"), "互不相同的正数"),
        ]
        for data, text in cases:
            with self.subTest(text=text):
                response = self.client.post(f"/risk-points/configs/{national.pk}/revise/", data)
                self.assertContains(response, text, status_code=400)
        self.assertEqual(RiskMethodConfig.objects.count(), before)

    def test_who_may_revise(self) -> None:
        national = RiskMethodConfig.objects.get(method="lec", province=None, sector="")
        self.client.force_login(self.regulator)
        self.client.post(f"/risk-points/configs/{national.pk}/revise/", self.revise_data())
        beijing_v1 = RiskMethodConfig.objects.get(province_id="110000")
        hebei = provincial_inspector("config_hebei", "130000")
        self.client.force_login(hebei)
        self.assertEqual(self.client.get(f"/risk-points/configs/{beijing_v1.pk}/").status_code, 200)
        self.assertEqual(
            self.client.post(f"/risk-points/configs/{beijing_v1.pk}/revise/", self.revise_data()).status_code,
            403,
        )
        county_org = make_org("门头沟区应急管理局（测试）", "110109", level="county")
        county = make_user("config_county", county_org, RoleCode.INSPECTOR)
        self.client.force_login(county)
        self.assertEqual(self.client.get(f"/risk-points/configs/{national.pk}/revise/").status_code, 403)
        ent_org = make_org(
            "企业（测试）",
            "110111",
            level="",
            org_type=OrgType.ENTERPRISE,
            enterprise=self.beijing[0].enterprise,
        )
        self.client.force_login(make_user("config_ent", ent_org, RoleCode.ENTERPRISE_ADMIN))
        self.assertEqual(self.client.get("/risk-points/configs/").status_code, 200)
        self.assertEqual(self.client.get(f"/risk-points/configs/{national.pk}/revise/").status_code, 403)
        self.assertEqual(RiskMethodConfig.objects.filter(province_id="110000").count(), 1)

    def test_configuration_pages(self) -> None:
        self.client.force_login(self.regulator)
        response = self.client.get("/risk-points/configs/")
        self.assertContains(response, "全国默认 LEC 法")
        matrix = RiskMethodConfig.objects.get(method="matrix", province=None)
        response = self.client.get(f"/risk-points/configs/{matrix.pk}/")
        self.assertContains(response, 'id="matrix-grid"')
        self.assertContains(response, "20 ≤ R ≤ 25")
        lec = RiskMethodConfig.objects.get(method="lec", province=None)
        response = self.client.get(f"/risk-points/configs/{lec.pk}/")
        self.assertContains(response, "320 &lt; D")
        self.assertContains(response, "160 &lt; D ≤ 320")


def _superuser() -> User:
    user: User = User.objects.get_or_create(username="risk_root", defaults={"is_superuser": True})[0]
    return user
