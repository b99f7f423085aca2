"""Accident report and investigation pages and API: generated from the kernel's test bases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from django.utils import timezone

from anjian.accidents.models import AccidentReport, Investigation
from anjian.accidents.services import save_investigation
from anjian.accidents.specs import accident_spec, investigation_spec
from anjian.core.testing import APIViewTestCases, ViewTestCases

from .helpers import new_report


def local(delta: timedelta) -> str:
    return (timezone.localtime() - delta).strftime("%Y-%m-%d %H:%M")


def sample_reports() -> tuple[list[AccidentReport], list[AccidentReport]]:
    now = timezone.now()
    beijing = [
        new_report("110105", unit_name="北京朝阳甲物流有限公司", accident_type="vehicle_injury", deaths=1,
                   occurred_at=now - timedelta(hours=3)),
        new_report("110108", unit_name="北京海淀乙建筑有限公司", accident_type="fall_from_height", deaths=3,
                   serious_injuries=12, direct_loss_yuan=2_000_000, sector="", course="脚手架坍塌"),
        new_report("110111", unit_name="北京房山丙化工有限公司", accident_type="poisoning_suffocation",
                   sector="hazchem"),
    ]  # fmt: skip
    shanghai = [
        new_report("310115", unit_name="上海浦东丁石化有限公司", sector="hazchem"),
        new_report("310113", unit_name="上海宝山戊钢铁有限公司", deaths=4),
        new_report("310116", unit_name="上海金山己储运有限公司", accident_type="fire"),
    ]
    return beijing, shanghai


REPORT_FORM = {
    "unit_name": "北京丰台庚机械有限公司",
    "sector": "industry_trade",
    "region": "110106",
    "place": "冲压车间",
    "accident_type": "machinery_injury",
    "course": "操作工被冲床压伤手部。",
    "deaths": "0",
    "missing": "0",
    "serious_injuries": "1",
    "minor_injuries": "0",
    "measures": "已送医救治，停机检查。",
    "reporter": "王五",
    "reporter_phone": "13700000000",
}


class AccidentReportViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = accident_spec
    filter_params = {
        "q": "脚手架",
        "region": "110105",
        "grade": "larger",
        "accident_type": "poisoning_suffocation",
        "sector": "hazchem",
        "unit_name": "海淀",
        "deaths": "1",
        "serious_injuries": "10",
        "direct_loss_yuan": "1000000",
        "late": "true",
    }
    import_rows: ClassVar[list[dict[str, str]]] = []

    @classmethod
    def make_objects(cls) -> tuple[list[AccidentReport], list[AccidentReport]]:
        cls.form_data = REPORT_FORM | {"occurred_at": local(timedelta(minutes=40))}
        cls.edit_data = cls.form_data | {"place": "冲压车间二号线", "region": "110105"}
        cls.import_rows = [
            {"事故单位名称": "北京石景山辛机械有限公司", "事故发生地（区县）": "110107",
             "发生时间": local(timedelta(hours=2)), "发生地点": "车间", "事故类别": "machinery_injury",
             "事故简要经过": "机械伤人。", "死亡人数": "0", "下落不明人数": "0", "重伤人数": "1",
             "轻伤人数": "0",
             "报告人": "赵六", "联系电话": "13600000000"},
            {"事故单位名称": "北京通州壬物流有限公司", "事故发生地（区县）": "110112",
             "发生时间": local(timedelta(hours=1)), "发生地点": "仓库", "事故类别": "lifting_injury",
             "事故简要经过": "起重伤害。", "死亡人数": "1", "下落不明人数": "0", "重伤人数": "0",
             "轻伤人数": "2",
             "报告人": "钱七", "联系电话": "13500000000"},
        ]  # fmt: skip
        return sample_reports()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        data = dict(self.edit_data)
        data["occurred_at"] = timezone.localtime(obj.occurred_at).strftime("%Y-%m-%d %H:%M")
        return data

    def test_detail_shows_grade_basis_and_chain(self) -> None:
        self.client.force_login(self.user)
        response = self.client.get(self.url("detail", self.objects[1]))
        self.assertContains(response, "较大事故，由死亡（含下落不明）人数、重伤（含急性工业中毒）人数决定")
        self.assertContains(response, 'data-level="province"')
        self.assertNotContains(response, 'data-level="city"')  # Beijing: no city step
        self.assertContains(response, "确认接收")

    def test_receipt_page_flow(self) -> None:
        self.client.force_login(self.user)
        report = self.objects[2]
        response = self.client.post(f"/accidents/reports/{report.pk}/receive/province/")
        self.assertEqual(response.status_code, 302)
        step = report.steps.get(level="province")
        self.assertIsNotNone(step.received_at)
        self.assertEqual(
            self.client.post(f"/accidents/reports/{self.others[0].pk}/receive/province/").status_code, 404
        )


class AccidentReportAPITest(APIViewTestCases.APITestCase):
    spec = accident_spec
    filter_params = {"region": "110108", "grade": "larger", "q": "化工", "late": "true"}
    api_update_data = {"place": "冲压车间三号线"}
    api_invalid_data = {"deaths": -1, "region": "110105", "unit_name": "某公司"}

    @classmethod
    def make_objects(cls) -> tuple[list[AccidentReport], list[AccidentReport]]:
        cls.api_create_data = dict(REPORT_FORM) | {
            "occurred_at": (timezone.now() - timedelta(minutes=10)).isoformat(),
            "deaths": 0,
            "serious_injuries": 1,
        }
        return sample_reports()


def sample_investigations() -> tuple[list[Investigation], list[Investigation]]:
    beijing, shanghai = sample_reports()

    def investigate(report: AccidentReport, leader: str, **fields: Any) -> Investigation:
        return save_investigation(
            Investigation(report=report, team_leader=leader, team_members="成员甲\n成员乙", **fields),
            user=None,
        )

    return (
        [investigate(beijing[0], "张组长"), investigate(beijing[1], "李组长", organized_by="海淀区人民政府"),
         investigate(beijing[2], "王组长", status="closed", findings="违章作业", responsibility="企业负责人",
                     rectification="加强培训", submitted_on=timezone.localdate(), published=True)],
        [investigate(r, "沪组长") for r in shanghai],
    )  # fmt: skip


class InvestigationViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = investigation_spec
    filter_params = {
        "q": "违章",
        "status": "closed",
        "region": "110105",
        "grade": "larger",
        "team_leader": "李",
        "organized_by": "海淀",
        "published": "true",
    }
    import_rows: ClassVar[list[dict[str, str]]] = []

    @classmethod
    def make_objects(cls) -> tuple[list[Investigation], list[Investigation]]:
        objects, others = sample_investigations()
        free = [new_report("110106", unit_name=f"北京丰台调查{n}有限公司") for n in range(3)]
        cls.form_data = {"report": str(free[0].pk), "team_leader": "赵组长", "team_members": "成员丙",
                         "extension_days": "0", "appraisal_days": "0", "status": "ongoing"}  # fmt: skip
        cls.edit_data = cls.form_data | {"extension_days": "30", "extension_reason": "经区政府批准延期"}
        cls.import_rows = [
            {"事故": str(free[1].pk), "调查组组长": "孙组长", "调查组成员": "成员丁", "延长天数": "0",
             "技术鉴定天数": "0", "状态": "ongoing"},
            {"事故": str(free[2].pk), "调查组组长": "周组长", "调查组成员": "成员戊", "延长天数": "0",
             "技术鉴定天数": "0", "状态": "ongoing"},
        ]  # fmt: skip
        return objects, others

    def test_case_library_lists_closed_investigations_in_scope(self) -> None:
        self.client.force_login(self.user)
        response = self.client.get("/accidents/cases/", {"q": "违章"})
        self.assertContains(response, str(self.objects[2].report))
        self.assertNotContains(response, str(self.objects[0].report))
        self.assertNotContains(
            self.client.get("/accidents/cases/", {"q": "不存在"}), str(self.objects[2].report)
        )


class InvestigationAPITest(APIViewTestCases.APITestCase):
    spec = investigation_spec
    filter_params = {"status": "closed", "team_leader": "李"}
    api_update_data = {"findings": "初步查明：违章指挥。"}
    api_invalid_data = {"extension_days": 90, "team_leader": "赵组长", "team_members": "成员"}

    @classmethod
    def make_objects(cls) -> tuple[list[Investigation], list[Investigation]]:
        objects, others = sample_investigations()
        free = new_report("110106", unit_name="北京丰台接口调查有限公司")
        cls.api_create_data = {"report": free.pk, "team_leader": "赵组长", "team_members": "成员丙"}
        cls.api_invalid_data = cls.api_invalid_data | {"report": free.pk}
        return objects, others
