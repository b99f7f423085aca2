"""Periodic statistical tables (Order 16 Art. 14): generated page and API tests, deadlines with
frozen time, pre-filled figures, submission, and the regulator's status and upward summary."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any, ClassVar

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from anjian.accounts.models import OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import APIViewTestCases, ViewTestCases, make_org, make_user, provincial_inspector
from anjian.dangerstats.models import DangerStatReport, current_report_period, report_deadline
from anjian.dangerstats.services import delete_report, refresh_figures, save_report, submit_report
from anjian.dangerstats.specs import report_spec
from anjian.enterprises.models import Enterprise
from tests.enterprises.test_views import sample_enterprises, uscc_for

from .helpers import D, sample_dangers

CST = datetime.timezone(datetime.timedelta(hours=8))


def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=CST)


def new_report(enterprise: Enterprise, year: int, period: str, **fields: Any) -> DangerStatReport:
    return save_report(DangerStatReport(enterprise=enterprise, year=year, period=period, **fields), user=None)


def sample_reports() -> tuple[list[DangerStatReport], list[DangerStatReport]]:
    beijing, shanghai = sample_enterprises()
    late = new_report(beijing[1], 2025, "q2", principal="赵六")
    submit_report(late, user=None)  # now is after 15 July 2025: late
    return (
        [
            new_report(beijing[0], 2024, "q4", principal="王五"),
            late,
            new_report(beijing[2], 2025, "annual", note="年度"),
        ],
        [
            new_report(shanghai[0], 2024, "q4"),
            new_report(shanghai[1], 2025, "q2"),
            new_report(shanghai[2], 2025, "annual"),
        ],
    )


class DangerStatReportViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = report_spec
    filter_params = {
        "q": "海淀",
        "enterprise": uscc_for("110108", "10000002"),
        "region": "110108",
        "sector": "noncoal_mine",
        "year": "2024",
        "period": "annual",
        "submitted_at": "true",
        "late": "true",
        "deadline": "2025-07-15",
    }
    form_data = {
        "enterprise": uscc_for("110109", "10000003"),
        "year": "2025",
        "period": "q3",
        "principal": "钱七",
        "note": "",
    }
    import_rows = [
        {"企业（统一社会信用代码）": uscc_for("110111", "10000001"), "统计年度": "2025", "统计期": "q3"},
        {
            "企业（统一社会信用代码）": uscc_for("110108", "10000002"),
            "统计年度": "2025",
            "统计期": "第三季度",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[DangerStatReport], list[DangerStatReport]]:
        return sample_reports()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "year": str(obj.year),
            "period": obj.period,
            "general_found": "3",
            "general_rectified": "2",
            "note": "按台账更正",
            "principal": "王五",
        }

    def test_submitted_table_cannot_be_edited_or_deleted(self) -> None:
        self.client.force_login(self.user)
        submitted = self.objects[1]
        response = self.client.post(self.url("edit", submitted), self.get_edit_data(submitted))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "该统计表已报送", status_code=400)
        self.assertEqual(self.client.post(self.url("delete", submitted)).status_code, 403)
        submitted.refresh_from_db()
        self.assertEqual(submitted.version, 2)

    def test_submit_button_and_workbook(self) -> None:
        self.client.force_login(self.user)
        draft = self.objects[0]
        page = self.client.get(self.url("detail", draft))
        self.assertContains(page, 'id="report-submit"')
        response = self.client.post(reverse("dangerstats:report_refresh", args=[draft.pk]))
        self.assertEqual(response.status_code, 302)
        response = self.client.post(reverse("dangerstats:report_submit", args=[draft.pk]))
        self.assertEqual(response.status_code, 302)
        draft.refresh_from_db()
        self.assertTrue(draft.late)  # 2024 Q4 was due on 15 January 2025
        self.assertNotContains(self.client.get(self.url("detail", draft)), 'id="report-submit"')
        response = self.client.get(reverse("dangerstats:report_xlsx", args=[draft.pk]))
        rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "事故隐患排查治理情况统计分析表")
        self.assertIn(("主要负责人（签字）", "王五"), rows)
        self.assertIn(("报送状态", "逾期报送"), rows)

    def test_other_province_gets_404_on_submit_and_workbook(self) -> None:
        self.client.force_login(self.user)
        other = self.others[0]
        self.assertEqual(
            self.client.post(reverse("dangerstats:report_submit", args=[other.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("dangerstats:report_xlsx", args=[other.pk])).status_code, 404
        )
        other.refresh_from_db()
        self.assertIsNone(other.submitted_at)

    def test_an_enterprise_files_only_its_own_table(self) -> None:
        own = Enterprise.objects.get(uscc=uscc_for("110111", "10000001"))
        org = make_org(own.name, "110111", org_type=OrgType.ENTERPRISE, enterprise=own, uscc=own.uscc)
        self.client.force_login(make_user("report_ent", org, RoleCode.ENTERPRISE_SAFETY_OFFICER))
        before = DangerStatReport.objects.count()
        response = self.client.post(self.url("add"), self.form_data)  # another enterprise
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "您的管辖范围内没有该统一社会信用代码的企业", status_code=400)
        self.assertEqual(DangerStatReport.objects.count(), before)
        response = self.client.post(self.url("add"), self.form_data | {"enterprise": own.uscc})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(DangerStatReport.objects.latest("pk").enterprise, own)
        self.assertEqual(self.client.get(self.url("detail", self.objects[1])).status_code, 404)

    def test_a_period_that_has_not_ended_is_refused(self) -> None:
        self.client.force_login(self.user)
        with time_machine.travel(at(2026, 9, 30), tick=False):
            response = self.client.post(self.url("add"), self.form_data | {"year": "2026", "period": "q3"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "统计期尚未结束", status_code=400)


class DangerStatReportAPITest(APIViewTestCases.APITestCase):
    spec = report_spec
    filter_params = {"year": "2024", "period": "annual", "region": "110108"}
    api_create_data = {
        "enterprise": uscc_for("110109", "10000003"),
        "year": 2025,
        "period": "q3",
        "principal": "钱七",
    }
    api_update_data = {"note": "按台账更正"}
    api_invalid_data = {"enterprise": uscc_for("110109", "10000003"), "year": 2025, "period": "q9"}

    @classmethod
    def make_objects(cls) -> tuple[list[DangerStatReport], list[DangerStatReport]]:
        return sample_reports()

    def test_api_invalid_figures(self) -> None:
        data = self.api_create_data | {"general_found": 1, "general_rectified": 2}
        response = self.api.post(self.api_url(), data, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["general_rectified"], ["已整改数不能大于排查出的隐患数。"])

    def test_api_delete_of_a_submitted_table_is_refused(self) -> None:
        response = self.api.delete(self.api_url(self.objects[1]))
        self.assertEqual(response.status_code, 403)
        self.assertTrue(DangerStatReport.objects.filter(pk=self.objects[1].pk).exists())


class DeadlineTest(TestCase):
    def test_order_16_deadlines(self) -> None:
        self.assertEqual(report_deadline(2026, "q1"), D(2026, 4, 15))
        self.assertEqual(report_deadline(2026, "q2"), D(2026, 7, 15))
        self.assertEqual(report_deadline(2026, "q3"), D(2026, 10, 15))
        self.assertEqual(report_deadline(2026, "q4"), D(2027, 1, 15))
        self.assertEqual(report_deadline(2026, "annual"), D(2027, 1, 31))

    @override_settings(DANGER_STATS_QUARTERLY_DUE_DAY=10, DANGER_STATS_ANNUAL_DUE="02-15")
    def test_deadlines_are_configurable(self) -> None:
        self.assertEqual(report_deadline(2026, "q1"), D(2026, 4, 10))
        self.assertEqual(report_deadline(2026, "annual"), D(2027, 2, 15))

    def test_the_period_due_next(self) -> None:
        self.assertEqual(current_report_period(D(2026, 1, 20)), (2025, "q4"))
        self.assertEqual(current_report_period(D(2026, 4, 1)), (2026, "q1"))
        self.assertEqual(current_report_period(D(2026, 12, 31)), (2026, "q3"))


class SubmissionTest(TestCase):
    beijing: ClassVar[list[Enterprise]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, _shanghai, _rows = sample_dangers()

    def test_figures_are_prefilled_from_the_records(self) -> None:
        with time_machine.travel(at(2026, 4, 5), tick=False):
            report = new_report(self.beijing[0], 2026, "q1", principal="王五")
        # e0 in Q1: B1 (general, closed), B2 (general, overdue since 1 March), B3 (major, listed).
        self.assertEqual(
            (report.general_found, report.general_rectified, report.major_found, report.major_rectified),
            (2, 1, 1, 0),
        )
        self.assertEqual((report.overdue, report.listed, report.funds), (1, 1, Decimal("21.50")))
        self.assertEqual(report.rectification_rate, 33.3)
        self.assertEqual(report.deadline, D(2026, 4, 15))
        self.assertEqual((report.region_id, report.sector), ("110111", "hazchem"))

    def test_corrected_figures_are_kept(self) -> None:
        with time_machine.travel(at(2026, 4, 5), tick=False):
            report = new_report(self.beijing[0], 2026, "q1", general_found=5, note="含纸质台账 3 项")
        self.assertEqual((report.general_found, report.general_rectified), (5, 1))

    def test_refresh_recounts_a_draft(self) -> None:
        with time_machine.travel(at(2026, 4, 5), tick=False):
            report = new_report(self.beijing[0], 2026, "q1", general_found=5, note="含纸质台账")
            report = refresh_figures(report, user=None)
        self.assertEqual((report.general_found, report.note), (2, "含纸质台账"))
        report.principal = "王五"
        with time_machine.travel(at(2026, 4, 6), tick=False):
            submit_report(report, user=None)
            with self.assertRaisesMessage(ValidationError, "已报送"):
                refresh_figures(report, user=None)

    def test_on_time_on_the_deadline_day_late_the_day_after(self) -> None:
        with time_machine.travel(at(2026, 4, 15, 23), tick=False):
            on_time = submit_report(new_report(self.beijing[0], 2026, "q1", principal="王五"), user=None)
        self.assertFalse(on_time.late)
        self.assertEqual(on_time.status, "submitted")
        with time_machine.travel(at(2026, 4, 16, 0), tick=False):
            late = submit_report(new_report(self.beijing[1], 2026, "q1", principal="赵六"), user=None)
        self.assertTrue(late.late)
        self.assertEqual(late.get_status_display(), "逾期报送")

    def test_annual_deadline_is_31_january(self) -> None:
        with time_machine.travel(at(2027, 1, 31), tick=False):
            report = submit_report(new_report(self.beijing[0], 2026, "annual", principal="王五"), user=None)
        self.assertFalse(report.late)
        with time_machine.travel(at(2027, 2, 1), tick=False):
            report = submit_report(new_report(self.beijing[1], 2026, "annual", principal="赵六"), user=None)
        self.assertTrue(report.late)

    def test_bad_input_changes_nothing(self) -> None:
        with (
            time_machine.travel(at(2026, 3, 31), tick=False),
            self.assertRaisesMessage(ValidationError, "统计期尚未结束"),
        ):
            new_report(self.beijing[0], 2026, "q1")
        with time_machine.travel(at(2026, 4, 5), tick=False):
            report = new_report(self.beijing[0], 2026, "q1")
            with self.assertRaisesMessage(ValidationError, "主要负责人签字"):
                submit_report(report, user=None)
            report.refresh_from_db()
            self.assertIsNone(report.submitted_at)
            with self.assertRaisesMessage(ValidationError, "挂牌督办数不能大于重大隐患数"):
                new_report(self.beijing[1], 2026, "q1", major_found=1, listed=2)
            report.principal = "王五"
            submit_report(report, user=None)
            with self.assertRaisesMessage(ValidationError, "已报送"):
                submit_report(report, user=None)
            with self.assertRaises(PermissionDenied):
                delete_report(report, user=None)
            with self.assertRaises(ValidationError):
                new_report(self.beijing[0], 2026, "q1")  # one table per enterprise and period
        self.assertEqual(DangerStatReport.objects.count(), 1)


class SummaryTest(TestCase):
    beijing: ClassVar[list[Enterprise]]
    inspector: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, _shanghai, _rows = sample_dangers()
        cls.inspector = provincial_inspector("summary_beijing", "110000")
        with time_machine.travel(at(2026, 4, 10), tick=False):
            submit_report(new_report(cls.beijing[0], 2026, "q1", principal="王五"), user=None)
        with time_machine.travel(at(2026, 4, 20), tick=False):
            submit_report(new_report(cls.beijing[1], 2026, "q1", principal="赵六"), user=None)
        # beijing[2] (suspended, not closed) owes a table too and has none.

    def get(self, user: User, **params: Any) -> Any:
        self.client.force_login(user)
        with time_machine.travel(at(2026, 5, 1), tick=False):
            return self.client.get(reverse("dangerstats:summary"), {"year": "2026", "period": "q1", **params})

    def test_status_and_upward_summary(self) -> None:
        response = self.get(self.inspector)
        self.assertEqual(response.status_code, 200)
        summary = response.context["summary"]
        total = summary.total
        self.assertEqual((total.enterprises, total.submitted, total.late, total.missing), (3, 2, 1, 1))
        # e0: general 2 / 1 rectified, major 1; e1: major 1 (B4, closed), general 0 (B5 is May).
        self.assertEqual(
            (
                total.figures["general_found"],
                total.figures["general_rectified"],
                total.figures["major_found"],
            ),
            (2, 1, 2),
        )
        self.assertEqual(total.figures["major_rectified"], 1)
        self.assertEqual(total.figures["funds"], Decimal("31.75"))
        self.assertEqual(total.rectification_rate, 50.0)
        by_region = {row.key: (row.enterprises, row.submitted, row.missing) for row in summary.rows}
        self.assertEqual(by_region, {"110108": (1, 1, 0), "110109": (1, 0, 1), "110111": (1, 1, 0)})
        statuses = {e.name: str(status) for e, status in response.context["rows"]}
        self.assertEqual(
            statuses,
            {
                "北京燕山化工有限公司": "submitted",
                "北京海淀精密机械有限公司": "late",
                "北京门头沟矿业有限公司": "missing",
            },
        )

    def test_filter_by_status(self) -> None:
        response = self.get(self.inspector, status="missing")
        self.assertEqual([e.name for e, _s in response.context["rows"]], ["北京门头沟矿业有限公司"])
        response = self.get(self.inspector, status="late")
        self.assertEqual([e.name for e, _s in response.context["rows"]], ["北京海淀精密机械有限公司"])

    def test_before_the_deadline_nobody_is_missing(self) -> None:
        self.client.force_login(self.inspector)
        with time_machine.travel(at(2026, 4, 12), tick=False):
            response = self.client.get(reverse("dangerstats:summary"), {"year": "2026", "period": "q1"})
        statuses = {e.name: str(status) for e, status in response.context["rows"]}
        self.assertEqual(statuses["北京门头沟矿业有限公司"], "not_due")
        self.assertNotIn("missing", statuses.values())

    def test_another_province_sees_none_of_beijing(self) -> None:
        response = self.get(provincial_inspector("summary_shanghai", "310000"))
        self.assertEqual(response.context["summary"].total.submitted, 0)
        names = {e.name for e, _s in response.context["rows"]}
        self.assertFalse(any(name.startswith("北京") for name in names))

    def test_export_in_the_report_layout(self) -> None:
        response = self.get(self.inspector, export="xlsx")
        rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "事故隐患排查治理统计汇总表（2026年第一季度）")
        self.assertEqual(rows[3][1], "应报企业（家）")
        self.assertEqual(rows[-1][:5], ("合计", 3, 2, 1, 1))

    def test_enterprise_users_see_only_themselves(self) -> None:
        enterprise = self.beijing[0]
        org = make_org(enterprise.name, "110111", org_type=OrgType.ENTERPRISE, enterprise=enterprise)
        user = make_user("summary_ent", org, RoleCode.ENTERPRISE_SAFETY_OFFICER)
        response = self.get(user)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([e.name for e, _s in response.context["rows"]], [enterprise.name])
        self.assertEqual(response.context["summary"].total.submitted, 1)


class DemoTest(TestCase):
    def test_demo_is_idempotent(self) -> None:
        from anjian.dangerstats.demo import load_demo
        from anjian.demo import ENT_BJ_USCC
        from anjian.demo import load_demo as load_core_demo

        load_core_demo()
        with time_machine.travel(at(2026, 11, 29), tick=False):
            self.assertIn("2 statistical tables created", load_demo())
            self.assertIn("0 statistical tables created", load_demo())
        reports = DangerStatReport.objects.filter(enterprise__uscc=ENT_BJ_USCC).order_by("period")
        self.assertEqual(
            [(r.year, r.period, r.status) for r in reports], [(2026, "q2", "late"), (2026, "q3", "draft")]
        )
