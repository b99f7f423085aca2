"""Direct reporting: generated page and API tests for filings, the regulator's status page within
scope, reminders (idempotent), the scheduler command and the enterprise's home page."""

from __future__ import annotations

import io
import tempfile
from datetime import date, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.accounts.models import OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.core.models import Attachment
from anjian.core.services import save_object
from anjian.core.testing import APIViewTestCases, ViewTestCases, make_org, make_user, provincial_inspector
from anjian.enterprises.models import Enterprise, Licence
from anjian.notices.models import Notice
from anjian.obligations.models import DutySubmission, ReportingDuty
from anjian.obligations.specs import duty_submission_spec
from tests.enterprises.test_views import sample_enterprises, uscc_for

SHANGHAI_TZ = ZoneInfo("Asia/Shanghai")
QUARTERLY = "hidden-danger-quarterly"
ANNUAL = "annual-report"
TRAINING = "training-quarterly"


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI_TZ)


def submit(enterprise: Enterprise, duty: str, period: str, submitted_at: datetime) -> DutySubmission:
    return save_object(
        DutySubmission(
            enterprise=enterprise,
            duty=ReportingDuty.objects.get(code=duty),
            period=period,
            submitted_at=submitted_at,
        ),
        user=None,
    )


def sample_submissions() -> tuple[list[DutySubmission], list[DutySubmission]]:
    beijing, shanghai = sample_enterprises()
    return (
        [
            submit(beijing[0], QUARTERLY, "2026Q2", at(2026, 7, 10)),  # on time
            submit(beijing[1], ANNUAL, "2025", at(2026, 2, 10)),  # late: due 2026-01-31
            submit(beijing[2], TRAINING, "2026Q1", at(2026, 4, 10)),
        ],
        [
            submit(shanghai[0], QUARTERLY, "2026Q2", at(2026, 7, 12)),
            submit(shanghai[1], ANNUAL, "2025", at(2026, 1, 20)),
            submit(shanghai[2], TRAINING, "2026Q1", at(2026, 4, 11)),
        ],
    )


def enterprise_user(username: str, enterprise: Enterprise) -> User:
    org = make_org(
        enterprise.name, enterprise.region_id, level="", org_type=OrgType.ENTERPRISE, enterprise=enterprise
    )
    return make_user(username, org, RoleCode.ENTERPRISE_ADMIN)


class DutySubmissionViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = duty_submission_spec
    filter_params = {
        "q": "燕山",
        "enterprise": uscc_for("110108", "10000002"),
        "region": "110108",
        "sector": "hazchem",
        "duty": ANNUAL,
        "period": "2026Q1",
        "submitted_after": "2026-05-01T00:00:00+08:00",
        "late": "true",
    }
    form_data = {
        "enterprise": uscc_for("110109", "10000003"),
        "duty": ANNUAL,
        "period": "2025",
        "submitted_at": "2026-01-20 10:00",
        "note": "",
    }
    import_rows = [
        {
            "企业（统一社会信用代码）": uscc_for("110111", "10000001"),
            "报送义务": ANNUAL,
            "报送期": "2025",
            "报送时间": "2026-01-25 09:00",
        },
        {
            "企业（统一社会信用代码）": uscc_for("110108", "10000002"),
            "报送义务": TRAINING,
            "报送期": "2026Q1",
            "报送时间": "2026-04-02 09:00",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[DutySubmission], list[DutySubmission]]:
        return sample_submissions()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "duty": obj.duty.code,
            "period": obj.period,
            "submitted_at": timezone.localtime(obj.submitted_at).strftime("%Y-%m-%d %H:%M"),
            "note": "已更正",
        }

    def test_deadline_is_stored_and_lateness_shown(self) -> None:
        on_time, late, _training = self.objects
        self.assertEqual((on_time.deadline, on_time.is_late), (date(2026, 7, 15), False))
        self.assertEqual((late.deadline, late.is_late), (date(2026, 1, 31), True))

    def test_bad_period_and_duplicate_are_refused(self) -> None:
        self.client.force_login(self.user)
        bad = self.form_data | {"duty": QUARTERLY, "period": "2026-3"}
        self.assertContains(self.client.post(self.url("add"), bad), "2026Q3", status_code=400)
        duplicate = self.get_edit_data(self.objects[0])
        before = DutySubmission.objects.count()
        self.assertEqual(self.client.post(self.url("add"), duplicate).status_code, 400)
        self.assertEqual(DutySubmission.objects.count(), before)

    def test_refiling_duty_applies_only_to_major_hazard_enterprises(self) -> None:
        self.client.force_login(self.user)
        data = self.form_data | {"duty": "major-hazard-refiling", "period": "2026"}
        self.assertContains(self.client.post(self.url("add"), data), "不适用", status_code=400)


class DutySubmissionAPITest(APIViewTestCases.APITestCase):
    spec = duty_submission_spec
    filter_params = {"duty": ANNUAL, "late": "true", "period": "2026Q1"}
    api_create_data = {
        "enterprise": uscc_for("110109", "10000003"),
        "duty": ANNUAL,
        "period": "2025",
        "submitted_at": "2026-01-20T10:00:00+08:00",
    }
    api_update_data = {"note": "已更正"}
    api_invalid_data = {"enterprise": uscc_for("110109", "10000003"), "duty": QUARTERLY, "period": "2026-3"}

    @classmethod
    def make_objects(cls) -> tuple[list[DutySubmission], list[DutySubmission]]:
        return sample_submissions()

    def test_api_reports_the_deadline_and_lateness(self) -> None:
        body = self.api.get(self.api_url(self.objects[1])).json()
        self.assertEqual((body["deadline"], body["is_late"]), ("2026-01-31", True))


@time_machine.travel(at(2026, 8, 1), tick=False)
class StatusPageTest(TestCase):
    """Q2 2026 hidden-danger statistics (due 2026-07-15), seen on 2026-08-01."""

    beijing: ClassVar[list[Enterprise]]
    shanghai: ClassVar[list[Enterprise]]
    regulator: ClassVar[User]
    query = {"duty": QUARTERLY, "period": "2026Q2"}

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, cls.shanghai = sample_enterprises()
        submit(cls.beijing[0], QUARTERLY, "2026Q2", at(2026, 7, 10))
        submit(cls.beijing[1], QUARTERLY, "2026Q2", at(2026, 7, 20))
        submit(cls.shanghai[0], QUARTERLY, "2026Q2", at(2026, 7, 1))
        cls.regulator = provincial_inspector("status_beijing", "110000")

    def test_submitted_late_and_never_within_scope(self) -> None:
        self.client.force_login(self.regulator)
        response = self.client.get("/obligations/status/", self.query)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["counts"], {"submitted": 1, "late": 1, "never": 1, "pending": 0})
        statuses = {
            row.record.name: row.record.duty_status for row in response.context["table"].paginated_rows
        }
        self.assertEqual(
            statuses,
            {
                "北京燕山化工有限公司": "submitted",
                "北京海淀精密机械有限公司": "late",
                "北京门头沟矿业有限公司": "never",
            },
        )
        for enterprise in self.shanghai:
            self.assertNotContains(response, enterprise.name)
        never = self.client.get("/obligations/status/", self.query | {"status": "never"})
        self.assertEqual(
            [r.record.name for r in never.context["table"].paginated_rows], ["北京门头沟矿业有限公司"]
        )
        region = self.client.get("/obligations/status/", self.query | {"region": "110108"})
        self.assertEqual(region.context["table"].paginator.count, 1)

    def test_shanghai_regulator_sees_no_beijing_enterprise(self) -> None:
        self.client.force_login(provincial_inspector("status_shanghai", "310000"))
        response = self.client.get("/obligations/status/", self.query)
        self.assertEqual(response.context["counts"], {"submitted": 1, "late": 0, "never": 2, "pending": 0})
        for enterprise in self.beijing:
            self.assertNotContains(response, enterprise.name)

    def test_current_period_not_yet_due_is_pending(self) -> None:
        self.client.force_login(self.regulator)
        response = self.client.get("/obligations/status/", {"duty": QUARTERLY})
        self.assertEqual(response.context["period"].label, "2026Q3")
        self.assertEqual(response.context["counts"]["pending"], 3)

    def test_export_xlsx_holds_the_scope(self) -> None:
        self.client.force_login(self.regulator)
        response = self.client.get("/obligations/status/", self.query | {"export": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        cells = {str(c) for row in sheet.iter_rows(values_only=True) for c in row}
        self.assertIn("北京门头沟矿业有限公司", cells)
        self.assertIn("逾期未报", cells)
        self.assertNotIn("上海浦东石化有限公司", cells)

    def test_remind_sends_once_to_enterprises_that_did_not_submit(self) -> None:
        missing = enterprise_user("ent_mentougou", self.beijing[2])
        enterprise_user("ent_yanshan", self.beijing[0])
        shanghai = enterprise_user("ent_pudong", self.shanghai[1])
        self.client.force_login(self.regulator)
        response = self.client.post("/obligations/status/remind/", self.query)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            list(Notice.objects.values_list("recipient__username", flat=True)), ["ent_mentougou"]
        )
        self.client.post("/obligations/status/remind/", self.query)
        self.assertEqual(Notice.objects.count(), 1, "a second reminder sends nothing new")
        self.assertIn("2026Q2", Notice.objects.get(recipient=missing).title)
        self.assertFalse(Notice.objects.filter(recipient=shanghai).exists())

    def test_remind_is_for_regulators_only(self) -> None:
        enterprise_user("ent_mentougou", self.beijing[2])
        leader = make_user("status_leader", self.regulator.organization, RoleCode.LEADER)
        for user in (leader, enterprise_user("ent_yanshan", self.beijing[0])):
            self.client.force_login(user)
            self.assertEqual(self.client.post("/obligations/status/remind/", self.query).status_code, 403)
        self.assertEqual(Notice.objects.count(), 0)


class RemindCommandTest(TestCase):
    beijing: ClassVar[list[Enterprise]]
    users: ClassVar[list[User]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, _shanghai = sample_enterprises()
        cls.users = [enterprise_user(f"cmd_ent_{i}", e) for i, e in enumerate(cls.beijing)]
        submit(cls.beijing[0], QUARTERLY, "2026Q3", at(2026, 10, 8))

    def test_reminders_for_duties_due_within_7_days_are_sent_once(self) -> None:
        with time_machine.travel(at(2026, 10, 10), tick=False):
            call_command("remind", stdout=io.StringIO())
            first = set(Notice.objects.values_list("recipient__username", "key"))
            call_command("remind", stdout=io.StringIO())
        self.assertEqual(Notice.objects.count(), len(first), "the second run sends nothing new")
        ids = [e.pk for e in self.beijing]
        expected = {
            ("cmd_ent_0", f"obligations:{TRAINING}:2026Q3:{ids[0]}"),
            ("cmd_ent_1", f"obligations:{QUARTERLY}:2026Q3:{ids[1]}"),
            ("cmd_ent_1", f"obligations:{TRAINING}:2026Q3:{ids[1]}"),
            ("cmd_ent_2", f"obligations:{QUARTERLY}:2026Q3:{ids[2]}"),
            ("cmd_ent_2", f"obligations:{TRAINING}:2026Q3:{ids[2]}"),
        }
        self.assertEqual(first, expected)

    def test_nothing_is_sent_weeks_before_a_deadline(self) -> None:
        with time_machine.travel(at(2026, 9, 1), tick=False):
            call_command("remind", stdout=io.StringIO())
        self.assertEqual(Notice.objects.count(), 0)

    def test_licence_expiry_reminders_90_30_7_days_once_each(self) -> None:
        with time_machine.travel(at(2026, 9, 1), tick=False):
            Licence.objects.create(
                enterprise=self.beijing[0],
                kind="safety_production",
                number="(京)WH安许证字[2023]001",
                issuer="北京市应急管理局",
                valid_from=date(2023, 10, 20),
                valid_to=date(2026, 10, 20),
            )
            call_command("remind", stdout=io.StringIO())
            call_command("remind", stdout=io.StringIO())
        self.assertEqual(Notice.objects.filter(key__startswith="licence:").count(), 1)
        with time_machine.travel(at(2026, 10, 15), tick=False):
            call_command("remind", stdout=io.StringIO())
        keys = sorted(Notice.objects.filter(key__startswith="licence:").values_list("key", flat=True))
        self.assertEqual(sorted(int(k.rsplit(":", 1)[1]) for k in keys), [7, 90])
        recipients = Notice.objects.filter(key__startswith="licence:").values_list(
            "recipient__username", flat=True
        )
        self.assertEqual(set(recipients), {"cmd_ent_0"}, "only the licence holder's users")


@time_machine.travel(at(2026, 10, 10), tick=False)
class EnterpriseHomeTest(TestCase):
    def test_home_page_lists_own_duties_deadlines_and_status(self) -> None:
        beijing, _shanghai = sample_enterprises()
        submit(beijing[0], QUARTERLY, "2026Q3", at(2026, 10, 8))
        self.client.force_login(enterprise_user("home_ent", beijing[0]))
        response = self.client.get("/")
        self.assertContains(response, 'id="enterprise-duties"')
        for text in (
            "隐患排查治理情况季度统计",
            "安全培训情况季度统计",
            "安全生产年度报告",
            "2026-10-15",
            "按时报送",
            "未到期未报",
        ):
            self.assertContains(response, text)
        self.assertNotContains(
            response, "重大危险源复核备案", msg_prefix="no major hazard source: no re-filing duty"
        )

    def test_regulator_home_page_has_no_enterprise_duties(self) -> None:
        self.client.force_login(provincial_inspector("home_regulator", "110000"))
        response = self.client.get("/")
        self.assertContains(response, 'id="chart-map"')
        self.assertNotContains(response, 'id="enterprise-duties"')


class RefilingTest(TestCase):
    def test_refiling_is_late_when_more_than_three_years_after_the_last(self) -> None:
        from tests.hazards.test_views import sample_units

        beijing_units, _ = sample_units()
        enterprise = beijing_units[0].enterprise
        first = submit(enterprise, "major-hazard-refiling", "2022", at(2022, 3, 1))
        second = submit(enterprise, "major-hazard-refiling", "2025", at(2025, 5, 1))
        self.assertEqual((first.deadline, first.is_late), (None, False))
        self.assertEqual((second.deadline, second.is_late), (date(2025, 3, 1), True))


class SubmissionAttachmentTest(TestCase):
    """The report itself travels as a generic attachment of the filing, within the scope."""

    def test_enterprise_attaches_its_report_and_another_enterprise_cannot(self) -> None:
        beijing, _shanghai = sample_enterprises()
        own = submit(beijing[0], QUARTERLY, "2026Q2", at(2026, 7, 10))
        url = reverse("core:attachment_upload", args=["obligations", "dutysubmission", own.pk])
        pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            self.client.force_login(enterprise_user("attach_other", beijing[1]))
            refused = self.client.post(url, {"file": SimpleUploadedFile("统计表.pdf", pdf)})
            self.assertEqual(refused.status_code, 404)
            self.client.force_login(enterprise_user("attach_own", beijing[0]))
            response = self.client.post(url, {"file": SimpleUploadedFile("统计表.pdf", pdf)}, follow=True)
            self.assertContains(response, "统计表.pdf")
        self.assertEqual(Attachment.objects.filter(object_id=own.pk).count(), 1)


class FilingTimeTest(TestCase):
    """An enterprise's filing time is the server's clock: it cannot back-date a late filing."""

    def test_enterprise_cannot_choose_its_filing_time(self) -> None:
        beijing, _shanghai = sample_enterprises()
        self.client.force_login(enterprise_user("late_ent", beijing[0]))
        data = {
            "enterprise": beijing[0].uscc,
            "duty": ANNUAL,
            "period": "2025",
            "submitted_at": "2025-01-01 09:00",
            "note": "",
        }
        with time_machine.travel(at(2026, 11, 29), tick=False):
            response = self.client.post(reverse("obligations:dutysubmission_add"), data)
        self.assertEqual(
            response.status_code, 302, getattr(response, "context", None) and response.context["form"].errors
        )
        submission = DutySubmission.objects.get(enterprise=beijing[0], period="2025")
        self.assertEqual(timezone.localtime(submission.submitted_at).date(), date(2026, 11, 29))
        self.assertTrue(submission.is_late)
