from __future__ import annotations

from django.test import TestCase

from anjian import demo as base_demo
from anjian.dangers import demo
from anjian.dangers.models import DangerLevel, DangerStatus, HiddenDanger, ListingStatus, SupervisionListing


class DemoTest(TestCase):
    def test_demo_is_varied_and_idempotent(self) -> None:
        base_demo.load_demo()
        first = demo.load_demo()
        count = HiddenDanger.objects.count()
        self.assertGreaterEqual(count, 35, first)
        self.assertEqual(set(HiddenDanger.objects.values_list("status", flat=True)), set(DangerStatus.values))
        self.assertTrue(HiddenDanger.objects.filter(level=DangerLevel.MAJOR).exists())
        self.assertTrue(HiddenDanger.objects.overdue().exists())
        self.assertGreaterEqual(
            len({code[:2] for code in HiddenDanger.objects.values_list("region_id", flat=True)}), 5
        )
        listing = SupervisionListing.objects.get()
        self.assertEqual(
            (listing.status, listing.danger.enterprise.uscc), (ListingStatus.LISTED, base_demo.ENT_BJ_USCC)
        )
        self.assertEqual(listing.progress.count(), 1)
        second = demo.load_demo()
        self.assertEqual(HiddenDanger.objects.count(), count)
        self.assertIn("0 hidden dangers created", second)
        self.assertIn("0 listing created", second)
