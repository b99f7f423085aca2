"""``anjian remind`` for hidden dangers: deadline reminders, overdue notices, escalation of
overdue major hidden dangers up the regulator levels, overdue closure reviews. Idempotent: a
second run under the same frozen time sends nothing."""

from __future__ import annotations

import datetime
import io
from typing import Any, ClassVar

import time_machine
from django.core.management import call_command
from django.test import TestCase, override_settings

from anjian.accounts.models import AgencyLevel, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_org, make_user
from anjian.dangers import services
from anjian.dangers.models import DangerStatus, HiddenDanger, SupervisionListing
from anjian.dangers.reminders import ReminderCounts, send_danger_reminders
from anjian.enterprises.models import Enterprise
from anjian.notices.models import Notice
from tests.dangers.helpers import danger, enterprise_user, photo, regulator
from tests.enterprises.test_views import enterprise


def at(day: datetime.date, hour: int = 8) -> datetime.datetime:
    """``hour`` o'clock in Beijing on ``day``."""
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC) - datetime.timedelta(
        hours=8
    )


FOUND = datetime.date(2026, 4, 1)
DEADLINE = datetime.date(2026, 4, 30)


@override_settings(DANGER_REMIND_DAYS=3, DANGER_ESCALATE_DAYS=7)
class ReminderTest(TestCase):
    ent: ClassVar[Enterprise]
    owner: ClassVar[User]
    responsible: ClassVar[User]
    county: ClassVar[User]
    city: ClassVar[User]
    province: ClassVar[User]
    national: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.ent = enterprise("井陉县恒泰化工有限公司", "130121", "hazchem", "40000001")
        cls.owner = enterprise_user(cls.ent, "ent_head")
        cls.responsible = make_user("ent_worker", cls.owner.organization, RoleCode.ENTERPRISE_SAFETY_OFFICER)
        cls.county = regulator("jingxing", "井陉县应急管理局（测试）", "130121", AgencyLevel.COUNTY)
        cls.city = regulator("sjz", "石家庄市应急管理局（测试）", "130100", AgencyLevel.CITY)
        cls.province = regulator("hebei", "河北省应急管理厅（测试）", "130000", AgencyLevel.PROVINCIAL)
        cls.national = make_user(
            "ministry", make_org("应急管理部（测试）", None, level=AgencyLevel.NATIONAL), RoleCode.INSPECTOR
        )

    def make(self, level: str = "general", **fields: Any) -> HiddenDanger:
        with time_machine.travel(at(FOUND), tick=False):
            return danger(self.ent, level=level, found_at=FOUND, deadline=DEADLINE, **fields)

    def run_on(self, day: datetime.date) -> tuple[ReminderCounts, ReminderCounts]:
        with time_machine.travel(at(day), tick=False):
            first = send_danger_reminders()
            second = send_danger_reminders()
        return first, second

    def recipients(self, prefix: str) -> set[str]:
        return set(
            Notice.objects.filter(key__startswith=prefix).values_list("recipient__username", flat=True)
        )

    def test_deadline_reminder_to_the_responsible_account_once(self) -> None:
        self.make(responsible_user=self.responsible)
        first, second = self.run_on(datetime.date(2026, 4, 26))  # 4 days before: not yet
        self.assertEqual(first.due_soon, 0)
        first, second = self.run_on(datetime.date(2026, 4, 27))
        self.assertEqual((first.due_soon, second.due_soon), (1, 0))
        self.assertEqual(self.recipients("dangers:due:"), {"ent_worker"})
        self.run_on(datetime.date(2026, 4, 29))
        self.assertEqual(Notice.objects.filter(key__startswith="dangers:due:").count(), 1)

    def test_deadline_reminder_without_an_account_goes_to_the_enterprise(self) -> None:
        self.make()
        self.run_on(datetime.date(2026, 4, 28))
        self.assertEqual(self.recipients("dangers:due:"), {"ent_head", "ent_worker"})

    def test_overdue_notice_to_the_enterprise_and_the_regulator_once(self) -> None:
        self.make()
        first, _ = self.run_on(DEADLINE)
        self.assertEqual(first.overdue, 0)
        first, second = self.run_on(datetime.date(2026, 5, 1))
        self.assertEqual((first.overdue, second.overdue), (3, 0))
        self.assertEqual(self.recipients("dangers:overdue:"), {"ent_head", "ent_worker", "jingxing"})
        self.assertEqual(first.escalated, 0)

    def test_closed_dangers_are_left_alone(self) -> None:
        self.make(status=DangerStatus.CLOSED)
        first, _ = self.run_on(datetime.date(2026, 6, 1))
        self.assertEqual(str(first), str(type(first)()))
        self.assertFalse(Notice.objects.exists())

    def test_overdue_major_danger_is_escalated_level_by_level(self) -> None:
        self.make(level="major")
        Notice.objects.all().delete()  # the registration report
        first, _ = self.run_on(datetime.date(2026, 5, 6))  # 6 days overdue
        self.assertEqual(first.escalated, 0)
        first, second = self.run_on(datetime.date(2026, 5, 7))  # 7 days: to the city
        self.assertEqual((first.escalated, second.escalated), (1, 0))
        self.assertEqual(self.recipients("dangers:escalate:"), {"sjz"})
        self.run_on(datetime.date(2026, 5, 14))  # 14 days: to the province
        self.assertEqual(self.recipients("dangers:escalate:"), {"sjz", "hebei"})
        self.run_on(datetime.date(2026, 5, 21))  # 21 days: to the national level
        self.run_on(datetime.date(2026, 6, 30))  # nothing above it
        self.assertEqual(self.recipients("dangers:escalate:"), {"sjz", "hebei", "ministry"})
        self.assertEqual(Notice.objects.filter(key__startswith="dangers:escalate:").count(), 3)

    def test_general_dangers_are_not_escalated(self) -> None:
        self.make()
        first, _ = self.run_on(datetime.date(2026, 6, 30))
        self.assertEqual(first.escalated, 0)

    def test_a_new_deadline_is_a_new_event(self) -> None:
        item = self.make()
        self.run_on(datetime.date(2026, 5, 1))
        with time_machine.travel(at(datetime.date(2026, 5, 1)), tick=False):
            item.deadline = datetime.date(2026, 5, 20)
            services.save_danger(item, user=None)
        self.run_on(datetime.date(2026, 5, 21))
        self.assertEqual(
            Notice.objects.filter(recipient=self.county, key__startswith="dangers:overdue:").count(), 2
        )

    def test_overdue_closure_review_goes_to_the_listing_authority(self) -> None:
        item = self.make(level="major", status=DangerStatus.RECTIFYING)
        with time_machine.travel(at(datetime.date(2026, 4, 10)), tick=False):
            listing = services.save_listing(
                SupervisionListing(
                    danger=item,
                    document_no="石应急督〔2026〕3号",
                    listed_at=datetime.date(2026, 4, 10),
                    deadline=datetime.date(2026, 6, 30),
                    requirements="整改",
                ),
                user=self.city,
            )
            services.apply_for_closure(listing, user=self.owner, note="已完成", files=[photo()])
        first, _ = self.run_on(datetime.date(2026, 4, 20))  # review deadline: 4-20
        self.assertEqual(first.review_overdue, 0)
        first, second = self.run_on(datetime.date(2026, 4, 21))
        self.assertEqual((first.review_overdue, second.review_overdue), (1, 0))
        self.assertEqual(self.recipients("dangers:review-overdue:"), {"sjz"})

    def test_the_remind_command_runs_the_danger_reminders(self) -> None:
        self.make()
        out = io.StringIO()
        with time_machine.travel(at(datetime.date(2026, 5, 1)), tick=False):
            call_command("remind", stdout=out)
            call_command("remind", stdout=out)
        lines = [line for line in out.getvalue().splitlines() if "hidden danger" in line]
        self.assertEqual(len(lines), 2)
        self.assertIn("overdue notices: 3", lines[0])
        self.assertIn("overdue notices: 0", lines[1])
