"""Reporting periods and deadlines: pure functions of a duty's rule and a date."""

from __future__ import annotations

from datetime import date

import time_machine
from django.test import SimpleTestCase
from django.utils import timezone

from anjian.obligations.periods import (
    DueRule,
    PeriodKind,
    add_months,
    current_period,
    period_from_label,
    recent_periods,
    rolling_period,
)

QUARTERLY = DueRule(PeriodKind.QUARTERLY, due_months_after=1, due_day=15)
ANNUAL = DueRule(PeriodKind.ANNUAL, due_months_after=1, due_day=31)
EVERY_3_YEARS = DueRule(PeriodKind.EVERY_N_YEARS, every_years=3)


class PeriodTest(SimpleTestCase):
    def test_q3_2026_is_due_on_15_october(self) -> None:
        with time_machine.travel("2026-10-01 09:00 +0800", tick=False):
            period = current_period(QUARTERLY, timezone.localdate())
        self.assertEqual(
            (period.label, period.start, period.end, period.deadline),
            ("2026Q3", date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 15)),
        )

    def test_the_current_period_moves_on_the_day_after_the_deadline(self) -> None:
        self.assertEqual(current_period(QUARTERLY, date(2026, 10, 15)).label, "2026Q3")
        self.assertEqual(current_period(QUARTERLY, date(2026, 10, 16)).label, "2026Q4")
        self.assertEqual(current_period(QUARTERLY, date(2026, 9, 15)).label, "2026Q3")
        q4 = current_period(QUARTERLY, date(2026, 12, 31))
        self.assertEqual((q4.label, q4.deadline), ("2026Q4", date(2027, 1, 15)))

    def test_annual_report_is_due_on_31_january(self) -> None:
        with time_machine.travel("2027-01-20 12:00 +0800", tick=False):
            period = current_period(ANNUAL, timezone.localdate())
        self.assertEqual((period.label, period.deadline), ("2026", date(2027, 1, 31)))
        self.assertEqual(current_period(ANNUAL, date(2027, 2, 1)).label, "2027")

    def test_due_day_is_clamped_to_the_end_of_a_short_month(self) -> None:
        rule = DueRule(PeriodKind.QUARTERLY, due_months_after=2, due_day=31)
        self.assertEqual(current_period(rule, date(2026, 1, 5)).deadline, date(2026, 2, 28))
        self.assertEqual(add_months(date(2024, 2, 29), 36), date(2027, 2, 28))

    def test_refiling_every_three_years_from_the_last_filing(self) -> None:
        period = rolling_period(EVERY_3_YEARS, date(2026, 11, 29), date(2023, 12, 5))
        self.assertEqual(period.deadline, date(2026, 12, 5))
        self.assertEqual(period.start, date(2023, 11, 29))
        never = current_period(EVERY_3_YEARS, date(2026, 11, 29))
        self.assertEqual(never.deadline, date(2026, 11, 29), "never filed: due now")

    def test_labels(self) -> None:
        q3 = period_from_label(QUARTERLY, "2026q3")
        assert q3 is not None
        self.assertEqual((q3.label, q3.deadline), ("2026Q3", date(2026, 10, 15)))
        for bad in ("2026", "2026Q5", "26Q1", "Q3 2026", ""):
            with self.subTest(label=bad):
                self.assertIsNone(period_from_label(QUARTERLY, bad))
        self.assertIsNone(period_from_label(ANNUAL, "2026Q1"))
        self.assertEqual(
            [p.label for p in recent_periods(QUARTERLY, date(2026, 11, 29), 4)],
            ["2026Q4", "2026Q3", "2026Q2", "2026Q1"],
        )
