"""The reporting chain: levels from the region tree (municipalities and province-direct counties
have no city step), due times with frozen time, receipts by the right department, skip-level."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import SimpleTestCase, TestCase

from anjian.accidents.chain import ChainLevel, StepTimes, TimeLimits, due_times, required_chain
from anjian.accidents.models import ReportStep
from anjian.accidents.services import available_chain, confirm_receipt
from anjian.accounts.models import AgencyLevel, User
from anjian.regions.models import Region

from .helpers import agency_user, at, hebei_users, new_report

LIMITS = TimeLimits(first=timedelta(hours=1), next=timedelta(hours=2))


def levels(steps: list[ChainLevel]) -> list[tuple[str, str | None]]:
    return [(s.level, s.region_code) for s in steps]


class RequiredChainTest(TestCase):
    def chain(self, code: str, grade: str) -> list[tuple[str, str | None]]:
        return levels(required_chain(available_chain(Region.objects.get(code=code)), grade))

    def test_county_in_a_prefecture(self) -> None:
        self.assertEqual(self.chain("130121", "general"), [("county", "130121"), ("city", "130100")])
        self.assertEqual(
            self.chain("130121", "larger"), [("county", "130121"), ("city", "130100"), ("province", "130000")]
        )
        self.assertEqual(
            self.chain("130121", "major"),
            [("county", "130121"), ("city", "130100"), ("province", "130000"), ("national", None)],
        )

    def test_municipalities_have_no_city_step(self) -> None:
        for district, municipality in (("110105", "110000"), ("120101", "120000"), ("310115", "310000"),
                                       ("500101", "500000")):  # fmt: skip
            with self.subTest(district=district):
                self.assertEqual(
                    self.chain(district, "general"), [("county", district), ("province", municipality)]
                )
                self.assertEqual(
                    self.chain(district, "extraordinary"),
                    [("county", district), ("province", municipality), ("national", None)],
                )

    def test_province_direct_county(self) -> None:
        self.assertEqual(self.chain("419001", "general"), [("county", "419001"), ("province", "410000")])

    def test_prefecture_city_without_counties_starts_at_the_city(self) -> None:
        self.assertEqual(self.chain("441900", "general"), [("city", "441900")])
        self.assertEqual(self.chain("441900", "larger"), [("city", "441900"), ("province", "440000")])


class DueTimesTest(SimpleTestCase):
    def test_worst_case_timeline_of_a_serious_accident(self) -> None:
        t = at(2026, 3, 1, 8, 0)
        steps = [StepTimes(t, None)] * 4
        self.assertEqual(
            due_times(t, steps, LIMITS),
            [t + timedelta(hours=1), t + timedelta(hours=3), t + timedelta(hours=5), t + timedelta(hours=7)],
        )

    def test_each_due_time_counts_from_the_actual_receipt_below(self) -> None:
        t = at(2026, 3, 1, 8, 0)
        received = t + timedelta(minutes=20)
        steps = [StepTimes(t, received), StepTimes(t, received + timedelta(minutes=30)), StepTimes(t, None)]
        self.assertEqual(
            due_times(t, steps, LIMITS),
            [t + timedelta(hours=1), received + timedelta(hours=2), received + timedelta(minutes=150)],
        )

    def test_a_step_added_later_counts_from_when_it_became_required(self) -> None:
        t = at(2026, 3, 1, 8, 0)
        later = t + timedelta(days=3)
        steps = [StepTimes(t, t), StepTimes(t, t), StepTimes(later, None), StepTimes(later, None)]
        dues = due_times(t, steps, LIMITS)
        self.assertEqual(dues[2:], [later + timedelta(hours=2), later + timedelta(hours=4)])


class ChainServiceTest(TestCase):
    users: ClassVar[dict[str, User]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.users = hebei_users()

    def test_county_files_and_has_it_at_once_with_frozen_time(self) -> None:
        occurred = at(2026, 3, 1, 8, 0)
        with time_machine.travel(at(2026, 3, 1, 8, 40), tick=False):
            report = new_report(user=self.users["county"], occurred_at=occurred, deaths=3)
            steps = report.ordered_steps()
        self.assertEqual([s.level for s in steps], ["county", "city", "province"])
        county, city, province = steps
        self.assertEqual(county.due_at, occurred + timedelta(hours=1))
        self.assertEqual(county.received_at, at(2026, 3, 1, 8, 40))
        self.assertFalse(county.is_late())
        self.assertEqual(city.due_at, at(2026, 3, 1, 10, 40))
        self.assertEqual(province.due_at, at(2026, 3, 1, 12, 40))
        with time_machine.travel(at(2026, 3, 1, 11, 0), tick=False):
            city = confirm_receipt(city, user=self.users["city"])
            self.assertTrue(city.is_late())
        province.refresh_from_db()
        self.assertEqual(province.due_at, at(2026, 3, 1, 13, 0))
        self.assertTrue(province.is_late(now=at(2026, 3, 1, 13, 1)))
        self.assertFalse(province.is_late(now=at(2026, 3, 1, 12, 59)))

    def test_unit_filing_late_is_flagged(self) -> None:
        occurred = at(2026, 3, 1, 8, 0)
        with time_machine.travel(at(2026, 3, 1, 9, 30), tick=False):
            report = new_report(occurred_at=occurred)
            county = report.ordered_steps()[0]
            self.assertIsNone(county.received_at)
            self.assertTrue(county.is_late())
            county = confirm_receipt(county, user=self.users["county"])
        self.assertTrue(county.is_late())

    def test_only_the_department_of_that_level_and_area_confirms(self) -> None:
        report = new_report(deaths=3)
        county, city, province = report.ordered_steps()
        other_city = agency_user("baoding", "130600", AgencyLevel.CITY)
        beijing = agency_user("bj", "110000", AgencyLevel.PROVINCIAL)
        for step, user, message in (
            (city, self.users["county"], "本环节应由市级应急管理部门确认接收。"),
            (city, other_city, "事故发生地不在贵单位管辖范围内。"),
            (province, beijing, "事故发生地不在贵单位管辖范围内。"),
            (province, self.users["national"], "本环节应由省级应急管理部门确认接收。"),
        ):
            with (
                self.subTest(user=user.username, level=step.level),
                self.assertRaisesMessage(PermissionDenied, message),
            ):
                confirm_receipt(step, user=user)
        confirm_receipt(county, user=self.users["county"])
        with self.assertRaisesMessage(ValidationError, "县级已于"):
            confirm_receipt(county, user=self.users["county"])

    def test_skip_level_report_satisfies_the_levels_it_skipped(self) -> None:
        report = new_report(deaths=3, occurred_at=at(2026, 3, 1, 8, 0))
        with time_machine.travel(at(2026, 3, 1, 8, 50), tick=False):
            confirm_receipt(report.ordered_steps()[2], user=self.users["province"])
        county, city, province = ReportStep.objects.filter(report=report).order_by("sequence")
        self.assertEqual(province.received_at, at(2026, 3, 1, 8, 50))
        for skipped in (county, city):
            self.assertIsNone(skipped.received_at)
            self.assertEqual(skipped.satisfied_at, at(2026, 3, 1, 8, 50))
            self.assertEqual(skipped.satisfied_by_level, "province")
            self.assertTrue(skipped.is_satisfied)
            self.assertFalse(skipped.is_late())
        report.refresh_from_db()
        self.assertEqual(report.reached_level, "province")

    def test_municipality_chain_end_to_end(self) -> None:
        district = agency_user("chaoyang", "110105", AgencyLevel.COUNTY)
        beijing = agency_user("bj_city", "110000", AgencyLevel.PROVINCIAL)
        report = new_report("110105", user=district, unit_name="北京朝阳某物流有限公司", deaths=1)
        self.assertEqual([s.level for s in report.ordered_steps()], ["county", "province"])
        confirm_receipt(report.ordered_steps()[1], user=beijing)
        report.refresh_from_db()
        self.assertEqual(report.reached_level, "province")
        self.assertTrue(all(s.is_satisfied for s in report.ordered_steps()))
