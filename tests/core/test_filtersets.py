"""The region filter every FilterSet shares: a region and everything below it."""

from __future__ import annotations

from django.test import TestCase

from anjian.core.filtersets import within_region
from anjian.enterprises.models import Enterprise
from tests.enterprises.test_views import enterprise


class WithinRegionTests(TestCase):
    def test_a_region_takes_its_subtree_and_nothing_else(self) -> None:
        haidian = enterprise(
            "北京海淀精密机械有限公司", "110108", "industry_trade", "10000002", industry_id="34"
        )
        pudong = enterprise("上海浦东石化有限公司", "310115", "hazchem", "20000001")
        everything = Enterprise.objects.all()
        self.assertEqual(list(within_region(everything, "region__code", "110000")), [haidian])
        self.assertEqual(list(within_region(everything, "region__code", " 310115 ")), [pudong])
        self.assertEqual(list(within_region(everything, "region__code", "999999")), [])
