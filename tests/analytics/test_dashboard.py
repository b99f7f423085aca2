"""The regulator's enterprise dashboard: every count within the user's scope."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import time_machine
from django.test import TestCase

from anjian.accounts.models import User
from anjian.core.testing import provincial_inspector
from anjian.enterprises.models import Enterprise, Licence, StandardisationGrade
from anjian.hazards.models import HazardUnit
from tests.hazards.test_views import sample_units
from tests.obligations.test_views import QUARTERLY, enterprise_user, submit

NOW = datetime(2026, 8, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def licence(enterprise: Enterprise, number: str, valid_to: date) -> Licence:
    return Licence.objects.create(
        enterprise=enterprise,
        kind="safety_production",
        number=number,
        issuer="应急管理局",
        valid_from=date(2023, 1, 1),
        valid_to=valid_to,
    )


def grade(enterprise: Enterprise, value: str, valid_until: date) -> StandardisationGrade:
    return StandardisationGrade.objects.create(
        enterprise=enterprise,
        grade=value,
        certificate_number=f"AQBH-{enterprise.pk}-{value}",
        valid_until=valid_until,
    )


@time_machine.travel(NOW, tick=False)
class EnterpriseDashboardTest(TestCase):
    beijing: ClassVar[list[HazardUnit]]
    shanghai: ClassVar[list[HazardUnit]]
    regulator: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, cls.shanghai = sample_units()
        b = [u.enterprise for u in cls.beijing]
        s = [u.enterprise for u in cls.shanghai]
        licence(b[0], "京-1", date(2026, 9, 1))  # within 90 days
        licence(b[2], "京-2", date(2027, 6, 1))  # not yet
        licence(s[0], "沪-1", date(2026, 8, 20))
        grade(b[0], "2", date(2028, 1, 1))
        grade(b[2], "3", date(2026, 1, 1))  # expired: not counted
        grade(s[0], "1", date(2028, 1, 1))
        submit(b[0], QUARTERLY, "2026Q2", datetime(2026, 7, 20, 9, tzinfo=ZoneInfo("Asia/Shanghai")))
        cls.regulator = provincial_inspector("dash_beijing", "110000")

    def dashboard(self, user: User) -> Any:
        self.client.force_login(user)
        response = self.client.get("/analytics/enterprises/")
        self.assertEqual(response.status_code, 200)
        return response

    def test_counts_are_within_the_scope(self) -> None:
        response = self.dashboard(self.regulator)
        context = response.context
        self.assertEqual(context["counts"]["total"], 3)
        self.assertEqual(context["licences"]["count"], 1)
        self.assertEqual([lic.number for lic in context["licences"]["items"]], ["京-1"])
        self.assertEqual(
            {g["code"]: g["value"] for g in context["standardisation"]["grades"]}, {"1": 0, "2": 1, "3": 0}
        )
        # Beijing: ammonia 50 t grade 3, chlorine 20 t grade 3 (R 24); methanol not major.
        self.assertEqual(
            {g["code"]: g["value"] for g in context["hazards"]["by_grade"]}, {1: 0, 2: 0, 3: 2, 4: 0}
        )
        late = {row["duty"].code: row for row in context["late"]}
        q2 = late[QUARTERLY]
        self.assertEqual((q2["period"].label, q2["late"], q2["never"], q2["submitted"]), ("2026Q2", 1, 2, 0))
        self.assertContains(response, 'data-chart="province-map"')
        for unit in self.shanghai:
            self.assertNotContains(response, unit.enterprise.name)
        self.assertNotContains(response, "沪-1")

    def test_shanghai_sees_its_own_counts(self) -> None:
        context = self.dashboard(provincial_inspector("dash_shanghai", "310000")).context
        self.assertEqual(context["counts"]["total"], 3)
        self.assertEqual([lic.number for lic in context["licences"]["items"]], ["沪-1"])
        self.assertEqual(
            {g["code"]: g["value"] for g in context["standardisation"]["grades"]}, {"1": 1, "2": 0, "3": 0}
        )
        self.assertEqual(context["late"][0]["late"], 0)

    def test_map_data_counts_grade_one_and_two_by_province(self) -> None:
        HazardUnit.objects.filter(pk=self.beijing[0].pk).update(grade=1)
        context = self.dashboard(self.regulator).context
        self.assertEqual(
            context["hazards"]["by_province"], [{"code": "110000", "name": "北京市", "value": 1}]
        )

    def test_in_the_navigation_and_refused_without_a_business_role(self) -> None:
        response = self.dashboard(self.regulator)
        self.assertContains(response, "/analytics/enterprises/")
        enterprise = enterprise_user("dash_ent", self.beijing[0].enterprise)
        self.assertEqual(self.dashboard(enterprise).context["counts"]["total"], 1)
        self.client.force_login(User.objects.create_user("dash_nobody", password="x"))
        self.assertEqual(self.client.get("/analytics/enterprises/").status_code, 403)
