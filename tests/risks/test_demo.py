"""The risks demo data: a site plan and points of all four colours for ent_bj, colour elsewhere."""

from __future__ import annotations

from django.test import TestCase

from anjian.demo import ENT_BJ_USCC
from anjian.demo import load_demo as load_base_demo
from anjian.risks.demo import load_demo
from anjian.risks.models import RiskPoint, SitePlan
from anjian.risks.services import image_size


class RiskDemoTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_base_demo()
        load_demo()

    def test_ent_bj_has_a_plan_and_all_four_colours_placed_on_it(self) -> None:
        plan = SitePlan.objects.get(enterprise__uscc=ENT_BJ_USCC)
        self.assertEqual((plan.width, plan.height), (1200, 800))
        with plan.image.open("rb") as f:
            self.assertEqual(image_size(f), (1200, 800))
        points = RiskPoint.objects.filter(enterprise__uscc=ENT_BJ_USCC)
        levels = sorted(points.values_list("level", flat=True))
        self.assertEqual(
            {level: levels.count(level) for level in set(levels)},
            {"red": 3, "orange": 2, "yellow": 3, "blue": 4},
        )
        self.assertFalse(points.filter(plan_x__isnull=True).exists())
        self.assertEqual(points.filter(method="matrix").count(), 5)

    def test_other_provinces_have_colour_and_a_second_run_creates_nothing(self) -> None:
        provinces = {
            code[:2] for code in RiskPoint.objects.values_list("enterprise__region_id", flat=True).distinct()
        }
        self.assertTrue({"11", "13", "31"} <= provinces, provinces)
        self.assertEqual(
            set(RiskPoint.objects.values_list("level", flat=True)), {"red", "orange", "yellow", "blue"}
        )
        before = RiskPoint.objects.count()
        self.assertIn("0 risk points created", load_demo())
        self.assertEqual(RiskPoint.objects.count(), before)
        self.assertEqual(SitePlan.objects.count(), 1)
