"""Hidden danger statistics: hand-computed figures on a small data set, overdue against a frozen
today, scope (national → provinces, provincial → districts, another province sees nothing of
Beijing), the page with its filters, drill-down and XLSX export, and the API."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any, ClassVar

import time_machine
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from anjian.accounts.models import AgencyLevel, OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_org, make_user, provincial_inspector
from anjian.dangerstats.stats import (
    Row,
    custom_period,
    danger_statistics,
    month_period,
    quarter_period,
    year_period,
)
from anjian.enterprises.models import Enterprise

from .helpers import D, danger, sample_dangers

TODAY = D(2026, 6, 30)
NOON = datetime.datetime(2026, 6, 30, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def figures(row: Row) -> tuple[Any, ...]:
    return (
        row.found,
        row.rectified,
        row.rate,
        row.overdue,
        row.major_found,
        row.major_rectified,
        row.funds,
        row.listed,
        row.delisted,
    )


class StatisticsTestBase(TestCase):
    national: ClassVar[User]
    beijing: ClassVar[User]
    shanghai: ClassVar[User]
    enterprise_user: ClassVar[User]
    bj: ClassVar[list[Enterprise]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.bj, _sh, _rows = sample_dangers()
        ministry = make_org("应急管理部（统计测试）", None, level=AgencyLevel.NATIONAL)
        cls.national = make_user("stats_national", ministry, RoleCode.INSPECTOR)
        cls.beijing = provincial_inspector("stats_beijing", "110000")
        cls.shanghai = provincial_inspector("stats_shanghai", "310000")
        org = make_org(
            cls.bj[0].name, "110111", org_type=OrgType.ENTERPRISE, enterprise=cls.bj[0], uscc=cls.bj[0].uscc
        )
        cls.enterprise_user = make_user("stats_ent", org, RoleCode.ENTERPRISE_SAFETY_OFFICER)


class AggregationTest(StatisticsTestBase):
    def test_national_user_sees_provinces_with_hand_computed_figures(self) -> None:
        stats = danger_statistics(self.national, year_period(2026), today=TODAY)
        self.assertEqual(stats.group_length, 2)
        by_region = {row.key: figures(row) for row in stats.by_region}
        # Beijing: B1..B5 found in 2026 (B6 was found in 2025); closed B1, B4; overdue B2 (deadline
        # 1 March), B5 (29 June); major B3, B4 (B4 closed); funds 1.50 + 20 + 10.25; listed B3, B4,
        # delisted B4.
        self.assertEqual(by_region["11"], (5, 2, 40.0, 2, 2, 1, Decimal("31.75"), 2, 1))
        # Shanghai: S1 closed, S2 major and overdue (deadline 1 May), listed.
        self.assertEqual(by_region["31"], (2, 1, 50.0, 1, 1, 0, Decimal("3"), 1, 0))
        self.assertEqual(figures(stats.total), (7, 3, 42.9, 3, 3, 1, Decimal("34.75"), 3, 1))
        self.assertEqual([row.name for row in stats.by_region], ["北京市", "上海市"])

    def test_by_sector_and_by_month(self) -> None:
        stats = danger_statistics(self.national, year_period(2026), today=TODAY)
        by_sector = {
            row.key: (row.found, row.rectified, row.major_found, row.listed) for row in stats.by_sector
        }
        self.assertEqual(by_sector["hazchem"], (4, 2, 1, 1))  # B1, B2, B3 (listed), S1
        self.assertEqual(by_sector["industry_trade"], (3, 1, 2, 2))  # B4 (listed), B5, S2 (listed)
        self.assertEqual(by_sector["coal"], (0, 0, 0, 0))
        months = {row.key: (row.found, row.rectified) for row in stats.by_month}
        self.assertEqual(len(months), 12)
        self.assertEqual(months["2026-01"], (2, 1))
        self.assertEqual(months["2026-02"], (1, 1))
        self.assertEqual(months["2026-03"], (1, 0))
        self.assertEqual(months["2026-04"], (2, 1))
        self.assertEqual(months["2026-05"], (1, 0))
        self.assertEqual(months["2026-12"], (0, 0))
        self.assertEqual(sum(f for f, _r in months.values()), stats.total.found)

    def test_overdue_moves_with_today(self) -> None:
        # On 1 March nothing is overdue yet (B2's deadline is that day); on 2 March B2 is.
        for today, expected in ((D(2026, 3, 1), 0), (D(2026, 3, 2), 1), (D(2026, 6, 29), 1), (TODAY, 2)):
            with self.subTest(today=today):
                stats = danger_statistics(self.beijing, year_period(2026), today=today)
                self.assertEqual(stats.total.overdue, expected)
        with time_machine.travel(NOON, tick=False):  # the default today is the local date
            self.assertEqual(danger_statistics(self.beijing, year_period(2026)).total.overdue, 2)

    def test_provincial_user_sees_districts_only_of_beijing(self) -> None:
        stats = danger_statistics(self.beijing, year_period(2026), today=TODAY)
        self.assertEqual(stats.group_length, 6)  # a municipality: districts directly
        self.assertEqual(
            {row.key: (row.found, row.overdue) for row in stats.by_region},
            {"110111": (3, 1), "110108": (2, 1)},
        )
        self.assertEqual(stats.total.found, 5)
        shanghai = danger_statistics(self.shanghai, year_period(2026), today=TODAY)
        self.assertEqual(shanghai.total.found, 2)
        self.assertTrue(all(row.key.startswith("31") for row in shanghai.by_region))

    def test_periods_sector_and_region(self) -> None:
        q1 = danger_statistics(self.beijing, quarter_period(2026, 1), today=TODAY)
        # B1..B4; L1 (10 March) and L2 (20 February) listed in Q1, L2 delisted in May.
        self.assertEqual(figures(q1.total), (4, 2, 50.0, 1, 2, 1, Decimal("31.75"), 2, 0))
        may = danger_statistics(self.beijing, month_period(2026, 5), today=TODAY)
        self.assertEqual((may.total.found, may.total.delisted), (1, 1))  # B5; L2 delisted 10 May
        custom = danger_statistics(self.national, custom_period(D(2025, 12, 1), D(2026, 1, 10)), today=TODAY)
        self.assertEqual(custom.total.found, 2)  # B6 and B1 (the last day counts)
        self.assertEqual([row.key for row in custom.by_month], ["2025-12", "2026-01"])
        hazchem = danger_statistics(self.national, year_period(2026), sector="hazchem", today=TODAY)
        self.assertEqual(figures(hazchem.total), (4, 2, 50.0, 1, 1, 0, Decimal("24.50"), 1, 0))
        from anjian.regions.models import Region

        drill = danger_statistics(
            self.national, year_period(2026), region=Region.objects.get(code="110000"), today=TODAY
        )
        self.assertEqual([row.key for row in drill.by_region], ["110108", "110111"])
        self.assertEqual(drill.total.found, 5)

    def test_enterprise_user_sees_only_its_own(self) -> None:
        stats = danger_statistics(self.enterprise_user, year_period(2026), today=TODAY)
        self.assertEqual((stats.total.found, stats.total.listed), (3, 1))  # B1, B2, B3

    def test_an_empty_period(self) -> None:
        stats = danger_statistics(self.national, year_period(2020), today=TODAY)
        self.assertEqual(stats.total.found, 0)
        self.assertIsNone(stats.total.rate)
        self.assertEqual(stats.by_region, [])


class StatisticsPageTest(StatisticsTestBase):
    url = reverse("dangerstats:statistics")

    def get(self, user: User, **params: Any) -> Any:
        self.client.force_login(user)
        with time_machine.travel(NOON, tick=False):
            return self.client.get(self.url, params)

    def test_page_shows_the_table_with_totals(self) -> None:
        response = self.get(self.national, year="2026")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="stat-found">7<')
        self.assertContains(response, 'id="stat-overdue">3<')
        self.assertContains(response, "region=110000")  # Beijing row drills down
        self.assertContains(response, 'id="data-danger-chart"')
        self.assertNotContains(response, "style=")
        self.assertEqual(response.context["stats"].total.found, 7)

    def test_filters_and_drill_down(self) -> None:
        response = self.get(self.national, kind="quarter", year="2026", quarter="2", sector="industry_trade")
        self.assertEqual(response.context["stats"].total.found, 2)  # B5 and S2
        response = self.get(self.national, year="2026", region="110000")
        stats = response.context["stats"]
        self.assertEqual([row.key for row in stats.by_region], ["110108", "110111"])
        self.assertContains(response, 'id="drill-up"')

    def test_bad_input_is_reported_and_the_default_period_used(self) -> None:
        response = self.get(self.national, kind="custom", start="2026-05-01", end="2026-04-01")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "截止日期不能早于起始日期。")
        self.assertEqual(response.context["stats"].period, year_period(2026))
        response = self.get(self.national, kind="quarter", year="2026")
        self.assertContains(response, "按季度统计时请选择季度。")

    def test_another_province_cannot_drill_into_beijing(self) -> None:
        response = self.get(self.shanghai, year="2026", region="110000")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "北京市 不在您的管辖范围内。")
        stats = response.context["stats"]
        self.assertEqual(stats.total.found, 2)
        self.assertTrue(all(row.key.startswith("31") for row in stats.by_region))

    def test_export_in_the_report_layout(self) -> None:
        response = self.get(self.beijing, year="2026", export="xlsx")
        self.assertEqual(response.status_code, 200)
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook.sheetnames, ["按地区", "按行业", "按月份"])
        sheet = workbook["按地区"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "事故隐患排查治理情况统计表")
        self.assertIn("2026年", str(rows[1][5]))
        self.assertEqual(rows[2][1], "隐患排查治理")
        self.assertEqual(rows[3][1], "排查隐患（项）")
        self.assertEqual(rows[-1][:5], ("合计", 5, 2, 40, 2))
        self.assertEqual({r[0] for r in rows[4:-1]}, {"海淀区", "房山区"})

    def test_needs_the_role(self) -> None:
        admin = make_user("stats_sysadmin", self.beijing.organization, RoleCode.SYSTEM_ADMIN)
        self.assertEqual(self.get(admin).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)

    def test_the_change_shows_after_a_new_danger(self) -> None:
        before = self.get(self.beijing, year="2026").context["stats"].total.found
        danger(self.bj[2], D(2026, 6, 1), D(2026, 6, 10), level="major")
        after = self.get(self.beijing, year="2026").context["stats"].total
        self.assertEqual((after.found, after.major_found, after.overdue), (before + 1, 3, 3))


class StatisticsAPITest(StatisticsTestBase):
    def test_api_answers_within_scope(self) -> None:
        api = APIClient()
        api.force_authenticate(self.shanghai)
        with time_machine.travel(NOON, tick=False):
            response = api.get(reverse("api:danger-statistics"), {"year": "2026"})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["total"]["found"], 2)
        self.assertEqual(body["start"], "2026-01-01")
        self.assertEqual(body["end"], "2026-12-31")
        self.assertTrue(all(row["key"].startswith("31") for row in body["by_region"]))
        response = api.get(reverse("api:danger-statistics"), {"region": "110000"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("region", response.json())
