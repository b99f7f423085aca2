"""Regressions found in review: an enterprise cannot move its records out of its regulator's
reach or write regulator-only records; regulators cannot reach outside their scope through a
lookup field; a client cannot choose its own address; second-factor guesses count to lockout."""

from __future__ import annotations

from typing import Any, ClassVar

from django.test import TestCase, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from anjian.accidents.models import AccidentReport, Investigation, ReportStep
from anjian.accidents.services import confirm_receipt
from anjian.accounts.models import APIToken, OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.audit.services import client_ip
from anjian.core.testing import PASSWORD, make_org, make_user, provincial_inspector
from anjian.enterprises.models import Enterprise
from tests.accidents.helpers import hebei_users, new_report
from tests.enterprises.test_views import sample_enterprises

FAST = override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], OTP_TOTP_THROTTLE_FACTOR=0
)


def api_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@FAST
class EnterpriseCannotLeaveItsJurisdictionTest(TestCase):
    own: ClassVar[Enterprise]
    ent: ClassVar[User]
    beijing: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        beijing_objects, _shanghai = sample_enterprises()
        cls.own = beijing_objects[0]
        org = make_org(
            cls.own.name, cls.own.region_id, level="", org_type=OrgType.ENTERPRISE, enterprise=cls.own
        )
        cls.ent = make_user("ent", org, RoleCode.ENTERPRISE_SAFETY_OFFICER)
        cls.beijing = provincial_inspector("bj", "110000")

    def test_enterprise_record_keeps_its_region_and_sector(self) -> None:
        url = reverse("api:enterprise-detail", args=[self.own.pk])
        response = api_for(self.ent).patch(url, {"region": "310101", "sector": "fireworks"}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("企业用户不能更改记录的所在区域", response.json()["region"][0])
        self.own.refresh_from_db()
        self.assertEqual((self.own.region_id, self.own.sector), ("110111", "hazchem"))
        self.assertTrue(Enterprise.objects.visible_to(self.beijing).filter(pk=self.own.pk).exists())

    def test_accident_report_keeps_its_region(self) -> None:
        report = new_report("110111", user=self.ent, enterprise=self.own, unit_name="", sector="hazchem")
        url = reverse("api:accidentreport-detail", args=[report.pk])
        response = api_for(self.ent).patch(url, {"region": "310101"}, format="json")
        self.assertEqual(response.status_code, 400)
        report.refresh_from_db()
        self.assertEqual(report.region_id, "110111")

    def test_enterprise_cannot_write_the_investigation_of_its_accident(self) -> None:
        report = new_report(
            "110111", user=self.ent, enterprise=self.own, unit_name="", sector="hazchem", deaths=4
        )
        investigation = Investigation.objects.create(
            report=report, team_leader="组长", team_members="成员", source_node="000000", version=1
        )
        url = reverse("api:investigation-detail", args=[investigation.pk])
        api = api_for(self.ent)
        self.assertEqual(api.get(url).status_code, 200, "the enterprise may read it")
        response = api.patch(
            url, {"status": "closed", "findings": "不可抗力", "published": True}, format="json"
        )
        self.assertEqual(response.status_code, 403)
        investigation.refresh_from_db()
        self.assertNotEqual(investigation.status, "closed")
        self.assertFalse(self.ent.has_perm("accidents.change_reportstep"))
        self.assertTrue(self.beijing.has_perm("accidents.change_investigation"))


@FAST
class LookupsStayInScopeTest(TestCase):
    beijing: ClassVar[User]
    shanghai_enterprise: ClassVar[Enterprise]

    @classmethod
    def setUpTestData(cls) -> None:
        _beijing_objects, shanghai = sample_enterprises()
        cls.shanghai_enterprise = shanghai[0]
        cls.beijing = provincial_inspector("bj", "110000")

    def test_a_regulator_cannot_file_against_an_enterprise_outside_the_scope(self) -> None:
        data = {
            "enterprise": self.shanghai_enterprise.uscc,
            "region": "110105",
            "occurred_at": "2026-11-29T08:00:00+08:00",
            "place": "车间",
            "accident_type": "fire",
            "course": "起火。",
            "reporter": "张三",
            "reporter_phone": "13800000000",
            "sector": "hazchem",
        }
        response = api_for(self.beijing).post(reverse("api:accidentreport-list"), data, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertNotIn(self.shanghai_enterprise.name, response.content.decode())
        self.assertEqual(AccidentReport.objects.count(), 0)


@FAST
class ChainFieldsTest(TestCase):
    users: ClassVar[dict[str, User]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.users = hebei_users()

    def test_place_time_and_type_are_frozen_once_received(self) -> None:
        report = new_report("130121", deaths=3)
        step = ReportStep.objects.get(report=report, level="county")
        confirm_receipt(step, user=self.users["county"])
        url = reverse("api:accidentreport-detail", args=[report.pk])
        response = api_for(self.users["province"]).patch(url, {"region": "130102"}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("已有部门确认接收", response.json()["region"][0])

    def test_correcting_the_place_before_receipt_rebuilds_the_chain(self) -> None:
        report = new_report("130121", deaths=3)
        url = reverse("api:accidentreport-detail", args=[report.pk])
        response = api_for(self.users["province"]).patch(url, {"region": "130102"}, format="json")
        self.assertEqual(response.status_code, 200, response.content)
        jurisdictions = set(
            ReportStep.objects.filter(report=report).values_list("jurisdiction_id", flat=True)
        )
        self.assertIn("130102", jurisdictions)
        self.assertNotIn("130121", jurisdictions)


class ClientAddressTest(TestCase):
    def request(self, remote: str, real_ip: str | None = None) -> Any:
        from django.test import RequestFactory

        request = RequestFactory().get("/", REMOTE_ADDR=remote)
        if real_ip:
            request.META["HTTP_X_REAL_IP"] = real_ip
        return request

    def test_x_real_ip_is_ignored_from_clients(self) -> None:
        self.assertEqual(client_ip(self.request("192.0.2.8", "10.1.0.1")), "192.0.2.8")

    @override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.9.0.0/16"])
    def test_x_real_ip_is_read_from_the_nodes_proxy(self) -> None:
        self.assertEqual(client_ip(self.request("10.9.1.1", "192.0.2.8")), "192.0.2.8")
        self.assertEqual(client_ip(self.request("192.0.2.9", "10.1.0.1")), "192.0.2.9")

    @FAST
    def test_a_token_address_list_cannot_be_dodged_with_a_header(self) -> None:
        user = provincial_inspector("bj", "110000")
        _token, key = APIToken.issue(user, allowed_ips="10.1.0.0/16")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        response = client.get(
            reverse("api:enterprise-list"), REMOTE_ADDR="192.0.2.8", HTTP_X_REAL_IP="10.1.0.1"
        )
        self.assertEqual(response.status_code, 403)


@FAST
class SecondFactorGuessesCountTest(TestCase):
    def test_wrong_codes_after_a_correct_password_lock_the_account(self) -> None:
        user = provincial_inspector("bj", "110000")
        TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
        for round_ in range(3):
            self.client.post(
                reverse("login"), {"username": "bj", "password": PASSWORD}, REMOTE_ADDR=f"192.0.2.{round_}"
            )
            for _ in range(2):
                self.client.post(
                    reverse("security:otp_verify"), {"code": "000000"}, REMOTE_ADDR=f"192.0.2.{round_}"
                )
        response = self.client.post(
            reverse("login"), {"username": "bj", "password": PASSWORD}, REMOTE_ADDR="192.0.2.99"
        )
        self.assertContains(response, "已被锁定")
