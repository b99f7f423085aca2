"""Investigation deadlines (Art. 29) and accident statistics with year-on-year change."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import ClassVar

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from openpyxl import load_workbook

from anjian.accidents.models import Investigation
from anjian.accidents.services import save_investigation
from anjian.accidents.stats import accident_statistics
from anjian.accounts.models import User

from .helpers import at, hebei_users, new_report


class InvestigationDeadlineTest(TestCase):
    def test_sixty_days_one_extension_of_at_most_sixty(self) -> None:
        occurred = at(2026, 1, 10, 8, 0)
        with time_machine.travel(at(2026, 1, 10, 9, 0), tick=False):
            report = new_report(occurred_at=occurred)
            investigation = save_investigation(
                Investigation(report=report, team_leader="组长", team_members="成员"), user=None
            )
        self.assertEqual(investigation.deadline, occurred + timedelta(days=60))
        report.refresh_from_db()
        self.assertEqual(report.status, "investigating")
        with time_machine.travel(occurred + timedelta(days=60, minutes=1), tick=False):
            self.assertTrue(investigation.is_overdue)
        investigation.extension_days = 61
        investigation.extension_reason = "经市政府批准"
        with self.assertRaisesMessage(ValidationError, "最多延长 60 日"):
            save_investigation(investigation, user=None)
        investigation.extension_days = 30
        save_investigation(investigation, user=None)
        self.assertEqual(investigation.status, "extended")
        self.assertEqual(investigation.deadline, occurred + timedelta(days=90))
        with time_machine.travel(occurred + timedelta(days=61), tick=False):
            self.assertFalse(investigation.is_overdue)
        investigation.extension_days = 45
        with self.assertRaisesMessage(ValidationError, "只能延长一次"):
            save_investigation(investigation, user=None)

    def test_extension_needs_a_reason_and_closing_needs_the_findings(self) -> None:
        report = new_report()
        investigation = Investigation(
            report=report, team_leader="组长", team_members="成员", extension_days=10
        )
        with self.assertRaises(ValidationError) as caught:
            save_investigation(investigation, user=None)
        self.assertIn("extension_reason", caught.exception.message_dict)
        investigation = Investigation(report=report, team_leader="组长", team_members="成员", status="closed")
        with self.assertRaises(ValidationError) as caught:
            save_investigation(investigation, user=None)
        self.assertEqual(
            set(caught.exception.message_dict),
            {"findings", "responsibility", "rectification", "submitted_on"},
        )
        self.assertFalse(Investigation.objects.exists())


class StatisticsTest(TestCase):
    users: ClassVar[dict[str, User]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.users = hebei_users()
        with time_machine.travel(at(2026, 6, 30, 12, 0), tick=False):
            new_report("130121", occurred_at=at(2026, 1, 5, 8, 0), deaths=3)
            new_report("130102", occurred_at=at(2026, 3, 5, 8, 0), deaths=1, missing=1, sector="hazchem")
            new_report("130602", occurred_at=at(2026, 5, 5, 8, 0), accident_type="fire")
            new_report("130121", occurred_at=at(2025, 2, 5, 8, 0), deaths=1)
            new_report("130121", occurred_at=at(2025, 9, 5, 8, 0), deaths=5)  # after the same period
            new_report("110105", occurred_at=at(2026, 2, 5, 8, 0), deaths=9)  # Beijing: out of scope

    def test_province_sees_cities_with_year_on_year_change(self) -> None:
        stats = accident_statistics(self.users["province"], 2026, now=at(2026, 6, 30, 12, 0))
        total = stats["total"]
        self.assertEqual(
            (total.accidents, total.deaths, total.last_accidents, total.last_deaths), (3, 5, 1, 1)
        )
        self.assertEqual((total.accidents_change, total.deaths_change), (200.0, 400.0))
        regions = {row.name: (row.accidents, row.deaths) for row in stats["by_region"]}
        self.assertEqual(regions, {"石家庄市": (2, 5), "保定市": (1, 0)})
        grades = {row.key: row.accidents for row in stats["by_grade"]}
        self.assertEqual(grades, {"general": 2, "larger": 1, "major": 0, "extraordinary": 0})
        months = {row.key: (row.accidents, row.last_accidents) for row in stats["by_month"] if row.accidents}
        self.assertEqual(months, {"1": (1, 0), "3": (1, 0), "5": (1, 0)})
        self.assertEqual([r.key for r in stats["by_type"]], ["fire", "collapse"])

    def test_county_sees_only_its_own_and_a_whole_past_year(self) -> None:
        stats = accident_statistics(self.users["county"], 2025, now=at(2026, 6, 30, 12, 0))
        self.assertEqual((stats["total"].accidents, stats["total"].deaths), (2, 6))
        self.assertIsNone(stats["total"].accidents_change)  # no accidents in 2024 to compare with

    def test_page_and_xlsx_export(self) -> None:
        self.client.force_login(self.users["city"])
        with time_machine.travel(at(2026, 6, 30, 12, 0), tick=True):
            page = self.client.get("/accidents/statistics/", {"year": "2026"})
            self.assertContains(page, 'id="data-accident-chart"')
            self.assertContains(page, "井陉县")  # the city sees its counties
            export = self.client.get("/accidents/statistics/", {"year": "2026", "export": "xlsx"})
        self.assertEqual(export.status_code, 200)
        workbook = load_workbook(io.BytesIO(export.content))
        self.assertEqual(workbook.sheetnames, ["按地区", "按行业", "按事故类别", "按事故等级", "按月份"])
        rows = list(workbook["按地区"].iter_rows(values_only=True))
        self.assertEqual(rows[0][:3], ("分组", "事故起数", "死亡人数"))
        self.assertIn(("合计", 2, 5, 1, 1, 100.0, 400.0), rows)
