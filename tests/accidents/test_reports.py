"""Supplementary reports (续报/补报) and bad input: nothing is written, the message says why."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from anjian.accidents.forms import AccidentReportForm
from anjian.accidents.models import AccidentReport, AccidentRevision, ReportStep
from anjian.accidents.services import confirm_receipt, file_supplement
from anjian.accounts.models import Organization, OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_user
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import save_enterprise
from anjian.regions.models import Region
from tests.enterprises.test_views import uscc_for

from .helpers import at, hebei_users, new_report


class SupplementTest(TestCase):
    users: ClassVar[dict[str, User]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.users = hebei_users()

    def test_rising_deaths_raise_the_grade_and_extend_the_chain(self) -> None:
        occurred = at(2026, 3, 1, 8, 0)
        with time_machine.travel(at(2026, 3, 1, 8, 30), tick=False):
            report = new_report(user=self.users["county"], occurred_at=occurred, deaths=3)
        for step in report.ordered_steps()[1:]:
            with time_machine.travel(at(2026, 3, 1, 9, 0), tick=False):
                confirm_receipt(step, user=self.users[step.level])
        with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):
            revision = file_supplement(
                report, user=self.users["county"], figures={"deaths": 10}, note="两名失踪人员遗体找到"
            )
        report.refresh_from_db()
        self.assertEqual((report.grade, report.deaths, report.grade_basis), ("major", 10, "deaths"))
        self.assertEqual(revision.number, 2)
        self.assertEqual(revision.changes, {"deaths": [3, 10]})
        self.assertTrue(revision.raised_grade)
        national = ReportStep.objects.get(report=report, level="national")
        self.assertEqual(national.triggered_at, at(2026, 3, 3, 10, 0))
        self.assertEqual(national.due_at, at(2026, 3, 3, 12, 0))
        self.assertIsNone(national.received_at)
        confirm_receipt(national, user=self.users["national"])
        report.refresh_from_db()
        self.assertEqual(report.reached_level, "national")
        # The first version is untouched.
        first = AccidentRevision.objects.get(report=report, number=1)
        self.assertEqual((first.deaths, first.grade), (3, "larger"))

    def test_versions_are_immutable(self) -> None:
        report = new_report()
        revision = report.revisions.get()
        revision.deaths = 5
        with self.assertRaisesMessage(ValidationError, "不能修改"):
            revision.save()
        with self.assertRaisesMessage(ValidationError, "不能删除"):
            revision.delete()

    def test_window_is_30_days_and_7_for_vehicle_and_fire(self) -> None:
        occurred = at(2026, 3, 1, 8, 0)
        cases = (("collapse", 30, "坍塌"), ("vehicle_injury", 7, "车辆伤害"), ("fire", 7, "火灾"))
        for kind, days, label in cases:
            with self.subTest(kind=kind):
                report = new_report(occurred_at=occurred, accident_type=kind)
                with time_machine.travel(occurred + timedelta(days=days, minutes=-1), tick=False):
                    file_supplement(report, user=None, figures={"serious_injuries": 1})
                with (
                    time_machine.travel(occurred + timedelta(days=days, minutes=1), tick=False),
                    self.assertRaises(ValidationError) as caught,
                ):
                    file_supplement(report, user=None, figures={"serious_injuries": 2})
                message = caught.exception.messages[0]
                self.assertIn(f"{days} 日内", message)
                self.assertIn(label, message)
                report.refresh_from_db()
                self.assertEqual((report.serious_injuries, report.revisions.count()), (1, 2))

    @override_settings(ACCIDENT_SHORT_WINDOW_TYPES=["drowning"])
    def test_short_window_types_are_configurable(self) -> None:
        report = new_report(occurred_at=timezone.now() - timedelta(days=8), accident_type="fire")
        file_supplement(report, user=None, figures={"deaths": 1})
        drowning = new_report(occurred_at=timezone.now() - timedelta(days=8), accident_type="drowning")
        with self.assertRaisesMessage(ValidationError, "7 日内"):
            file_supplement(drowning, user=None, figures={"deaths": 1})

    def test_lowering_deaths_needs_a_reason(self) -> None:
        report = new_report(deaths=4)
        with self.assertRaises(ValidationError) as caught:
            file_supplement(report, user=None, figures={"deaths": 2})
        self.assertEqual(caught.exception.message_dict, {"reason": ["死亡人数减少时必须说明原因。"]})
        report.refresh_from_db()
        self.assertEqual((report.deaths, report.grade, report.revisions.count()), (4, "larger", 1))
        file_supplement(report, user=None, figures={"deaths": 2}, reason="经核实两人重复统计")
        report.refresh_from_db()
        self.assertEqual((report.deaths, report.grade), (2, "general"))
        self.assertEqual([s.level for s in report.ordered_steps()], ["county", "city"])

    def test_nothing_changed_is_refused(self) -> None:
        report = new_report(deaths=1)
        with self.assertRaisesMessage(ValidationError, "没有变化"):
            file_supplement(report, user=None, figures={"deaths": 1})

    def test_supplement_through_the_api_and_the_page(self) -> None:
        county = self.users["county"]
        report = new_report(user=county, deaths=3)
        api = APIClient()
        api.force_authenticate(county)
        url = f"/api/v1/accidents/reports/{report.pk}/supplements/"
        bad = api.post(url, {"deaths": -2}, format="json")
        self.assertEqual((bad.status_code, bad.json()), (400, {"deaths": ["人数不能为负数。"]}))
        lowered = api.post(url, {"deaths": 1}, format="json")
        self.assertEqual(
            (lowered.status_code, lowered.json()), (400, {"reason": ["死亡人数减少时必须说明原因。"]})
        )
        response = api.post(url, {"deaths": 10}, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["grade"], "major")
        self.client.force_login(county)
        page = self.client.post(
            f"/accidents/reports/{report.pk}/supplement/",
            {"deaths": 8, "missing": 0, "serious_injuries": 0, "minor_injuries": 0},
        )
        self.assertEqual(page.status_code, 400)
        self.assertContains(page, "死亡人数减少时必须说明原因。", status_code=400)
        self.assertEqual(AccidentReport.objects.get(pk=report.pk).deaths, 10)
        detail = self.client.get(report.get_absolute_url())
        self.assertContains(detail, "等级由较大事故升为重大事故")

    def test_outside_scope_is_404(self) -> None:
        report = new_report(deaths=3)
        shanghai = make_user("sh", None, RoleCode.INSPECTOR)
        shanghai.organization = Organization.objects.create(
            name="上海测试局",
            org_type=OrgType.AGENCY,
            level="provincial",
            region=Region.objects.get(code="310000"),
        )
        shanghai.save()
        api = APIClient()
        api.force_authenticate(shanghai)
        self.assertEqual(
            api.post(f"/api/v1/accidents/reports/{report.pk}/supplements/", {"deaths": 9}).status_code, 404
        )
        self.assertEqual(api.post(f"/api/v1/accidents/reports/{report.pk}/receipts/city/").status_code, 404)
        self.client.force_login(shanghai)
        self.assertEqual(self.client.get(f"/accidents/reports/{report.pk}/supplement/").status_code, 404)


class BadInputTest(TestCase):
    users: ClassVar[dict[str, User]]
    own: ClassVar[Enterprise]
    other: ClassVar[Enterprise]
    enterprise_user: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.users = hebei_users()
        cls.own = save_enterprise(
            Enterprise(uscc=uscc_for("130121", "60000001"), name="井陉县甲化工有限公司",
                       region=Region.objects.get(code="130121"), sector="hazchem"),
            user=None,
        )  # fmt: skip
        cls.other = save_enterprise(
            Enterprise(uscc=uscc_for("130121", "60000002"), name="井陉县乙化工有限公司",
                       region=Region.objects.get(code="130121"), sector="hazchem"),
            user=None,
        )  # fmt: skip
        org = Organization.objects.create(
            name=cls.own.name, org_type=OrgType.ENTERPRISE, region=cls.own.region, enterprise=cls.own
        )
        cls.enterprise_user = make_user("ent_jx", org, RoleCode.ENTERPRISE_SAFETY_OFFICER)

    def form_data(self, **overrides: str) -> dict[str, str]:
        return {
            "enterprise": self.own.uscc,
            "region": "130121",
            "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "反应釜车间",
            "accident_type": "poisoning_suffocation",
            "course": "检修时硫化氢中毒。",
            "deaths": "1",
            "missing": "0",
            "serious_injuries": "2",
            "minor_injuries": "0",
            "reporter": "李四",
            "reporter_phone": "13900000000",
        } | overrides

    def test_form_messages(self) -> None:
        future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        cases = {
            "deaths": ({"deaths": "-1"}, "人数不能为负数。"),
            "occurred_at": ({"occurred_at": future}, "发生时间不能晚于当前时间。"),
            "enterprise": ({"enterprise": self.other.uscc}, "您只能报送本单位的事故，不能为其他单位报送。"),
            "unit_name": (
                {"enterprise": "", "unit_name": ""},
                "请选择企业名录中的企业，或填写事故单位名称。",
            ),
        }
        for field, (overrides, message) in cases.items():
            with self.subTest(field=field):
                form = AccidentReportForm(self.form_data(**overrides), user=self.enterprise_user)
                self.assertFalse(form.is_valid())
                self.assertIn(message, form.errors[field])

    def test_enterprise_files_its_own_accident_through_the_page(self) -> None:
        self.client.force_login(self.enterprise_user)
        response = self.client.post("/accidents/reports/add/", self.form_data())
        self.assertEqual(response.status_code, 302, response.context and response.context["form"].errors)
        report = AccidentReport.objects.get()
        self.assertEqual(
            (report.enterprise, report.sector, report.unit_name), (self.own, "hazchem", self.own.name)
        )
        self.assertEqual(report.ordered_steps()[0].received_at, None)
        response = self.client.post("/accidents/reports/add/", self.form_data(enterprise=self.other.uscc))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(AccidentReport.objects.count(), 1)

    def test_api_messages_and_nothing_written(self) -> None:
        api = APIClient()
        api.force_authenticate(self.enterprise_user)
        base: dict[str, object] = {
            "enterprise": self.own.uscc,
            "region": "130121",
            "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "place": "仓库",
            "accident_type": "fire",
            "course": "仓库起火。",
            "reporter": "李四",
            "reporter_phone": "13900000000",
        }
        cases: dict[str, tuple[dict[str, object], str]] = {
            "deaths": ({"deaths": -1}, "人数不能为负数。"),
            "occurred_at": (
                {"occurred_at": (timezone.now() + timedelta(days=1)).isoformat()},
                "发生时间不能晚于当前时间。",
            ),
            "enterprise": ({"enterprise": self.other.uscc}, "您只能报送本单位的事故，不能为其他单位报送。"),
        }  # fmt: skip
        for field, (overrides, message) in cases.items():
            with self.subTest(field=field):
                response = api.post("/api/v1/accidents/reports/", base | overrides, format="json")
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(response.json()[field], [message])
        self.assertEqual(AccidentReport.objects.count(), 0)
        self.assertEqual(ReportStep.objects.count(), 0)
        created = api.post("/api/v1/accidents/reports/", base, format="json")
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual([s["level"] for s in created.json()["steps"]], ["county", "city"])

    def test_casualties_are_not_edited_in_place(self) -> None:
        api = APIClient()
        api.force_authenticate(self.users["county"])
        report = new_report(user=self.users["county"], deaths=1)
        response = api.patch(f"/api/v1/accidents/reports/{report.pk}/", {"deaths": 0}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("续报", response.json()["deaths"][0])
        report.refresh_from_db()
        self.assertEqual(report.deaths, 1)
