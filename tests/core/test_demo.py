"""The demo data (``anjian demo``): accounts that log in, enough enterprises across the country with
valid codes and plausible coordinates, and the scope each demo account sees. Idempotent."""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings

from anjian.accounts.models import AgencyLevel, Organization, OrgType, User
from anjian.core.uscc import validate_uscc
from anjian.demo import ENT_BJ_USCC, DemoResult, load_demo
from anjian.enterprises.models import Enterprise
from anjian.industries.choices import Sector

DEMO_USERS = ("national", "beijing", "shanghai", "ent_bj", "sysadmin", "secadmin", "auditor")


# Password hashing is not under test here; Argon2 would spend a third of a second on every user.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DemoTest(TestCase):
    result: DemoResult

    @classmethod
    def setUpTestData(cls) -> None:
        cls.result = load_demo()

    def visible_regions(self, username: str) -> list[str]:
        user = User.objects.get(username=username)
        return list(Enterprise.objects.visible_to(user).values_list("region_id", flat=True))

    def test_demo_users_log_in(self) -> None:
        for username in DEMO_USERS:
            with self.subTest(username=username):
                self.assertTrue(self.client.login(username=username, password=settings.DEMO_PASSWORD))
                self.client.logout()
        self.assertFalse(self.client.login(username="beijing", password="wrong-password"))

    def test_result(self) -> None:
        self.assertEqual(self.result.users, len(DEMO_USERS))
        self.assertEqual(self.result.enterprises_total, Enterprise.objects.count())
        self.assertEqual(self.result.enterprises_created, Enterprise.objects.count())
        self.assertEqual(self.result.organizations, Organization.objects.count())

    def test_second_run_creates_nothing(self) -> None:
        enterprises = set(Enterprise.objects.values_list("uscc", flat=True))
        organizations, users = Organization.objects.count(), User.objects.count()
        out = io.StringIO()
        call_command("demo", "--allow-production", stdout=out)
        self.assertIn(" 0 enterprises created", out.getvalue())
        self.assertEqual(set(Enterprise.objects.values_list("uscc", flat=True)), enterprises)
        self.assertEqual(Organization.objects.count(), organizations)
        self.assertEqual(User.objects.count(), users)
        # The accounts still log in after the second run.
        self.assertTrue(self.client.login(username="beijing", password=settings.DEMO_PASSWORD))

    def test_enough_enterprises_across_the_country(self) -> None:
        self.assertGreaterEqual(Enterprise.objects.count(), 200)
        provinces = {code[:2] for code in Enterprise.objects.values_list("region_id", flat=True)}
        self.assertGreaterEqual(len(provinces), 10)
        self.assertEqual(set(Enterprise.objects.values_list("sector", flat=True)), set(Sector.values))

    def test_every_uscc_is_valid(self) -> None:
        for uscc in Enterprise.objects.values_list("uscc", flat=True):
            with self.subTest(uscc=uscc):
                validate_uscc(uscc)
        # The registration region inside the code (characters 3-8) is the enterprise's county.
        mismatched = [
            e.uscc for e in Enterprise.objects.exclude(uscc=ENT_BJ_USCC) if e.uscc[2:8] != e.region_id
        ]
        self.assertEqual(mismatched, [])

    def test_generated_enterprises_lie_near_their_county_seat(self) -> None:
        enterprises = Enterprise.objects.exclude(uscc=ENT_BJ_USCC).filter(longitude__isnull=False)
        self.assertGreaterEqual(enterprises.count(), 200)
        far = [
            (e.name, e.region_id)
            for e in enterprises.select_related("region")
            if e.region.longitude is None
            or e.region.latitude is None
            or e.latitude is None
            or abs(e.longitude - e.region.longitude) > Decimal("0.05")
            or abs(e.latitude - e.region.latitude) > Decimal("0.05")
        ]
        self.assertEqual(far, [])

    def test_ent_bj_lies_in_fangshan(self) -> None:
        # The Beijing demo enterprise is placed at Yanshan, about 15 km west of the Fangshan
        # district seat, so it is checked against the district's extent rather than its seat.
        ent = Enterprise.objects.select_related("region").get(uscc=ENT_BJ_USCC)
        self.assertEqual(ent.region_id, "110111")
        assert ent.longitude is not None
        assert ent.latitude is not None
        self.assertTrue(Decimal("115.4") < ent.longitude < Decimal("116.3"), ent.longitude)
        self.assertTrue(Decimal("39.5") < ent.latitude < Decimal("40.0"), ent.latitude)

    def test_demo_organisations(self) -> None:
        ministry = Organization.objects.get(name="应急管理部")
        self.assertEqual(ministry.level, AgencyLevel.NATIONAL)
        self.assertIsNone(ministry.region)
        beijing = User.objects.get(username="beijing").organization
        assert beijing is not None
        assert beijing.region is not None
        self.assertEqual(beijing.region.code, "110000")
        self.assertEqual(beijing.parent, ministry)
        coal = Organization.objects.get(org_type=OrgType.COAL_SUPERVISION)
        self.assertEqual(coal.sectors, [Sector.COAL])
        for organization in Organization.objects.all():
            with self.subTest(organization=organization.name):
                organization.full_clean()

    def test_ent_bj_is_linked_to_its_enterprise(self) -> None:
        org = User.objects.get(username="ent_bj").organization
        assert org is not None
        self.assertEqual(org.org_type, OrgType.ENTERPRISE)
        enterprise = org.enterprise
        assert enterprise is not None
        self.assertTrue(enterprise.region_id.startswith("11"))
        self.assertEqual(enterprise.sector, Sector.HAZCHEM)
        self.assertEqual(org.uscc, enterprise.uscc)
        visible = Enterprise.objects.visible_to(User.objects.get(username="ent_bj"))
        self.assertEqual(list(visible), [enterprise])

    def test_provincial_inspectors_see_their_province(self) -> None:
        for username, prefix in (("beijing", "11"), ("shanghai", "31")):
            with self.subTest(username=username):
                regions = self.visible_regions(username)
                self.assertTrue(regions)
                self.assertEqual([r for r in regions if not r.startswith(prefix)], [])
                self.assertEqual(
                    len(regions), Enterprise.objects.filter(region__code__startswith=prefix).count()
                )

    def test_national_sees_all(self) -> None:
        self.assertEqual(len(self.visible_regions("national")), Enterprise.objects.count())

    def test_administrators_see_no_enterprise(self) -> None:
        for username in ("sysadmin", "secadmin", "auditor"):
            with self.subTest(username=username):
                self.assertEqual(self.visible_regions(username), [])
