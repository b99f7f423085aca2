"""The GB/T 2260 tree and the Corps loaded by migration, the region API, and GB/T 4754 industries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.test import TestCase
from django.urls import reverse
from rest_framework.test import APIClient

from anjian.accounts.models import User
from anjian.industries.models import Industry
from anjian.regions.models import Region, RegionLevel

PROVINCES = {
    "110000": "北京市", "120000": "天津市", "130000": "河北省", "140000": "山西省",
    "150000": "内蒙古自治区", "210000": "辽宁省", "220000": "吉林省", "230000": "黑龙江省",
    "310000": "上海市", "320000": "江苏省", "330000": "浙江省", "340000": "安徽省",
    "350000": "福建省", "360000": "江西省", "370000": "山东省", "410000": "河南省",
    "420000": "湖北省", "430000": "湖南省", "440000": "广东省", "450000": "广西壮族自治区",
    "460000": "海南省", "500000": "重庆市", "510000": "四川省", "520000": "贵州省",
    "530000": "云南省", "540000": "西藏自治区", "610000": "陕西省", "620000": "甘肃省",
    "630000": "青海省", "640000": "宁夏回族自治区", "650000": "新疆维吾尔自治区",
}  # fmt: skip

# China's extent: 73.5°E (Pamirs) to 135.1°E (Heilongjiang/Ussuri), 3.8°N (Zengmu Reef) to 53.6°N (Mohe).
LONGITUDE = (Decimal("73.4"), Decimal("135.1"))
LATITUDE = (Decimal("3.8"), Decimal("53.6"))


class RegionTreeTest(TestCase):
    def test_about_3200_regions(self) -> None:
        self.assertTrue(3150 <= Region.objects.count() <= 3300, Region.objects.count())

    def test_31_standard_provinces(self) -> None:
        standard = dict(Region.objects.provinces().filter(is_standard=True).values_list("code", "name"))
        self.assertEqual(standard, PROVINCES)
        self.assertEqual(Region.objects.provinces().count(), 32)
        self.assertFalse(Region.objects.provinces().exclude(parent=None).exists())

    def test_the_corps_and_its_14_divisions(self) -> None:
        corps = Region.objects.get(code=settings.CORPS_REGION_CODE)
        self.assertEqual(corps.name, "新疆生产建设兵团")
        self.assertEqual(corps.level, RegionLevel.PROVINCE)
        self.assertFalse(corps.is_standard)
        divisions = corps.children.all()
        self.assertEqual(divisions.count(), 14)
        self.assertEqual(
            {d.name for d in divisions},
            {f"第{n}师" for n in "一二三四五六七八九十"} | {"第十一师", "第十二师", "第十三师", "第十四师"},
        )
        for division in divisions:
            with self.subTest(division=division.code):
                self.assertEqual(division.level, RegionLevel.CITY)
                self.assertFalse(division.is_standard)
                self.assertTrue(division.code.startswith(settings.CORPS_REGION_CODE[:2]))
        # The eighth division and Shihezi share a seat (师市合一).
        eighth = divisions.get(name="第八师")
        shihezi = Region.objects.get(code="659001")
        self.assertEqual((eighth.longitude, eighth.latitude), (shihezi.longitude, shihezi.latitude))
        # The Corps' cities keep their GB/T 2260 codes under Xinjiang.
        self.assertEqual(shihezi.parent_id, "650000")
        self.assertTrue(shihezi.is_standard)

    def test_no_taiwan_hong_kong_macao(self) -> None:
        outside = Q(code__startswith="71") | Q(code__startswith="81") | Q(code__startswith="82")
        self.assertFalse(Region.objects.filter(outside).exists())

    def test_placeholder_rows_are_absent(self) -> None:
        for code in ("110100", "120100", "310100", "419000", "429000", "469000"):
            with self.subTest(code=code):
                self.assertFalse(Region.objects.filter(code=code).exists())
        self.assertFalse(Region.objects.filter(name__in=["市辖区", "省直辖县级行政区划"]).exists())

    def test_municipality_districts_hang_under_the_province(self) -> None:
        self.assertEqual(Region.objects.get(code="110101").parent_id, "110000")
        self.assertEqual(Region.objects.get(code="310115").parent_id, "310000")

    def test_county_under_the_province_directly(self) -> None:
        jiyuan = Region.objects.get(code="419001")
        self.assertEqual(jiyuan.name, "济源市")
        self.assertEqual(jiyuan.parent_id, "410000")
        self.assertEqual(jiyuan.level, RegionLevel.COUNTY)

    def test_prefecture_city_without_counties(self) -> None:
        dongguan = Region.objects.get(code="441900")
        self.assertEqual(dongguan.name, "东莞市")
        self.assertEqual(dongguan.level, RegionLevel.CITY)
        self.assertEqual(dongguan.parent_id, "440000")
        self.assertFalse(dongguan.children.exists())

    def test_every_region_sits_inside_its_parent(self) -> None:
        self.assertFalse(Region.objects.exclude(level=RegionLevel.PROVINCE).filter(parent=None).exists())
        self.assertFalse(Region.objects.filter(parent__level=RegionLevel.COUNTY).exists())
        self.assertFalse(
            Region.objects.filter(level=RegionLevel.CITY, parent__level=RegionLevel.CITY).exists()
        )
        misplaced = [
            region.code
            for region in Region.objects.filter(parent__isnull=False).select_related("parent")
            if region.parent is not None and not region.code.startswith(region.parent.prefix)
        ]
        self.assertEqual(misplaced, [])

    def test_full_name(self) -> None:
        self.assertEqual(Region.objects.get(code="110108").full_name(), "北京市海淀区")
        self.assertEqual(Region.objects.get(code="440305").full_name(), "广东省深圳市南山区")
        self.assertEqual(Region.objects.get(code="419001").full_name(), "河南省济源市")
        self.assertEqual(Region.objects.get(code="440000").full_name(), "广东省")

    def test_prefix_by_level(self) -> None:
        self.assertEqual(Region.objects.get(code="440000").prefix, "44")
        self.assertEqual(Region.objects.get(code="440300").prefix, "4403")
        self.assertEqual(Region.objects.get(code="440305").prefix, "440305")
        self.assertEqual(Region.objects.get(code="441900").prefix, "4419")
        self.assertEqual(Region.objects.get(code="110108").prefix, "110108")

    def test_within(self) -> None:
        codes = set(Region.objects.within("440300").values_list("code", flat=True))
        self.assertIn("440300", codes)
        self.assertIn("440305", codes)
        self.assertTrue(all(code.startswith("4403") for code in codes))

    def test_counties_have_coordinates_inside_china(self) -> None:
        counties = Region.objects.filter(level=RegionLevel.COUNTY)
        located = counties.filter(longitude__isnull=False, latitude__isnull=False)
        self.assertGreaterEqual(located.count() / counties.count(), 0.95)
        outside = located.exclude(
            longitude__range=LONGITUDE,
            latitude__range=LATITUDE,
        )
        self.assertEqual(list(outside.values_list("code", "name")), [])
        # Coordinates are (longitude, latitude), not swapped: Haidian lies north-west of Dongcheng.
        haidian, dongcheng = Region.objects.get(code="110108"), Region.objects.get(code="110101")
        self.assertLess(haidian.longitude or 0, dongcheng.longitude or 0)
        self.assertGreater(haidian.latitude or 0, dongcheng.latitude or 0)


class RegionAPITest(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        # Reference data is open to every logged-in user, whatever the role.
        cls.user = User.objects.create_user(username="reader")

    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.user)

    def codes(self, **params: Any) -> list[str]:
        response = self.api.get(reverse("api:region-list"), {"page_size": 1000, **params})
        self.assertEqual(response.status_code, 200, response.content.decode())
        body = response.json()
        self.assertEqual(body["count"], len(body["results"]))
        return [row["code"] for row in body["results"]]

    def test_needs_authentication(self) -> None:
        self.assertEqual(APIClient().get(reverse("api:region-list")).status_code, 401)
        self.assertEqual(APIClient().get(reverse("api:region-detail", args=["110108"])).status_code, 401)

    def test_children_of_beijing(self) -> None:
        codes = self.codes(parent="110000")
        self.assertEqual(len(codes), 16)
        self.assertIn("110108", codes)
        self.assertTrue(all(code.startswith("1101") for code in codes))

    def test_provinces(self) -> None:
        codes = self.codes(level="province")
        self.assertEqual(len(codes), 32)
        self.assertEqual(set(codes), set(PROVINCES) | {settings.CORPS_REGION_CODE})

    def test_within_a_prefecture_code(self) -> None:
        codes = self.codes(within="440300")
        self.assertIn("440305", codes)
        self.assertTrue(all(code.startswith("4403") for code in codes))
        self.assertEqual(len(codes), Region.objects.filter(code__startswith="4403").count())

    def test_within_a_prefecture_prefix(self) -> None:
        codes = self.codes(within="4403")
        self.assertIn("440305", codes)
        self.assertTrue(all(code.startswith("4403") for code in codes))

    def test_search_by_name_and_code(self) -> None:
        self.assertEqual(self.codes(q="海淀"), ["110108"])
        self.assertIn("110108", self.codes(q="1101"))

    def test_detail(self) -> None:
        response = self.api.get(reverse("api:region-detail", args=["110108"]))
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["name"], "海淀区")
        self.assertEqual(body["level"], "county")
        self.assertEqual(body["parent"], "110000")
        self.assertTrue(body["is_standard"])

    def test_read_only(self) -> None:
        response = self.api.post(
            reverse("api:region-list"), {"code": "110199", "name": "新区"}, format="json"
        )
        self.assertEqual(response.status_code, 405)
        self.assertFalse(Region.objects.filter(code="110199").exists())


class IndustryTest(TestCase):
    def test_sections_a_to_t(self) -> None:
        sections = list(Industry.objects.filter(level="section").values_list("code", flat=True))
        self.assertEqual(sections, list("ABCDEFGHIJKLMNOPQRST"))

    def test_97_divisions(self) -> None:
        divisions = Industry.objects.filter(level="division")
        self.assertEqual(divisions.count(), 97)
        self.assertEqual(set(divisions.values_list("code", flat=True)), {f"{n:02d}" for n in range(1, 98)})
        self.assertFalse(divisions.filter(parent=None).exists())
        self.assertEqual(Industry.objects.get(code="06").parent_id, "B")
        self.assertEqual(Industry.objects.get(code="26").parent_id, "C")

    def test_default_sectors(self) -> None:
        expected = {"06": "coal", "26": "hazchem", "31": "industry_trade", "08": "noncoal_mine", "01": ""}
        actual = dict(Industry.objects.filter(code__in=expected).values_list("code", "default_sector"))
        self.assertEqual(actual, expected)
