"""Rules of the enterprise basic database beyond the generated tests: licence validity refused
the same way on every write path, expiry reminder buckets, an enterprise filing only for itself,
personal identifiers masked and encrypted, and the profile tabs on the enterprise's page."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, ClassVar

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from rest_framework.test import APIClient

from anjian.accounts.models import OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.audit.events import EventType
from anjian.audit.models import AuditEvent
from anjian.core.testing import make_org, make_user, provincial_inspector
from anjian.enterprises.models import (
    Enterprise,
    ExpiryStatus,
    Licence,
    SafetyPerson,
    expiry_status,
)
from anjian.enterprises.services import save_profile_record
from tests.enterprises.test_profile import ENTERPRISE_COLUMN, id_number
from tests.enterprises.test_views import sample_enterprises

VALIDITY_MESSAGE = "有效期至（2025-01-01）应晚于有效期起（2025-06-01）。"


def licence_data(enterprise: Enterprise, **fields: str) -> dict[str, str]:
    return {
        "enterprise": enterprise.uscc,
        "kind": "safety_production",
        "number": "JW-RULE-0001",
        "issuer": "北京市应急管理局",
        "valid_from": "2025-06-01",
        "valid_to": "2025-01-01",
    } | fields


def csv_upload(rows: list[dict[str, str]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("licences.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


class LicenceValidityTest(TestCase):
    """Valid-to before valid-from: the same message from the form, the API and the import."""

    beijing: ClassVar[list[Enterprise]]
    user: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, _shanghai = sample_enterprises()
        cls.user = provincial_inspector("licence_inspector", "110000")

    def test_form_refuses(self) -> None:
        self.client.force_login(self.user)
        response = self.client.post("/licences/add/", licence_data(self.beijing[0]))
        self.assertContains(response, VALIDITY_MESSAGE, status_code=400)
        self.assertEqual(response.context["form"].errors["valid_to"], [VALIDITY_MESSAGE])
        same_day = licence_data(self.beijing[0], valid_to="2025-06-01")
        self.assertEqual(self.client.post("/licences/add/", same_day).status_code, 400)
        self.assertFalse(Licence.objects.exists())

    def test_api_refuses(self) -> None:
        api = APIClient()
        api.force_authenticate(self.user)
        response = api.post("/api/v1/licences/", licence_data(self.beijing[0]), format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"valid_to": [VALIDITY_MESSAGE]})
        self.assertFalse(Licence.objects.exists())

    def test_import_refuses(self) -> None:
        self.client.force_login(self.user)
        good = {
            ENTERPRISE_COLUMN: self.beijing[0].uscc,
            "证照类型": "安全生产许可证",
            "证照编号": "JW-IMP-0100",
            "发证机关": "北京市应急管理局",
            "有效期起": "2025-01-01",
            "有效期至": "2028-01-01",
        }
        bad = good | {"证照编号": "JW-IMP-0101", "有效期起": "2025-06-01", "有效期至": "2025-01-01"}
        response = self.client.post("/licences/import/", {"file": csv_upload([good, bad])})
        report = response.context["report"]
        self.assertEqual([row.number for row in report.bad], [3])
        self.assertEqual(report.bad[0].errors, [f"有效期至：{VALIDITY_MESSAGE}"])
        response = self.client.post("/licences/import/", {"token": response.context["token"]})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Licence.objects.exists())

    def test_duplicate_number_of_the_same_kind_is_refused(self) -> None:
        self.client.force_login(self.user)
        data = licence_data(self.beijing[0], valid_to="2028-01-01")
        self.assertEqual(self.client.post("/licences/add/", data).status_code, 302)
        response = self.client.post("/licences/add/", data | {"enterprise": self.beijing[1].uscc})
        self.assertContains(response, "该类型证照编号已登记。", status_code=400)
        self.assertEqual(Licence.objects.count(), 1)


@time_machine.travel(date(2026, 6, 1), tick=False)
class ExpiryBucketTest(TestCase):
    """Reminders start 90, 30 and 7 days before a licence ends."""

    @classmethod
    def setUpTestData(cls) -> None:
        beijing, _shanghai = sample_enterprises()
        ends = {
            "EXPIRED": date(2026, 5, 31),
            "TODAY": date(2026, 6, 1),
            "D7": date(2026, 6, 8),
            "D8": date(2026, 6, 9),
            "D30": date(2026, 7, 1),
            "D90": date(2026, 8, 30),
            "D91": date(2026, 8, 31),
        }
        for number, valid_to in ends.items():
            save_profile_record(
                Licence(
                    enterprise=beijing[0],
                    kind="safety_production",
                    number=number,
                    issuer="北京市应急管理局",
                    valid_from=date(2023, 1, 1),
                    valid_to=valid_to,
                ),
                user=None,
            )

    def status(self, number: str) -> ExpiryStatus:
        return Licence.objects.get(number=number).expiry_status

    def test_buckets(self) -> None:
        expected = {
            "EXPIRED": ExpiryStatus.EXPIRED,
            "TODAY": ExpiryStatus.WITHIN_7,
            "D7": ExpiryStatus.WITHIN_7,
            "D8": ExpiryStatus.WITHIN_30,
            "D30": ExpiryStatus.WITHIN_30,
            "D90": ExpiryStatus.WITHIN_90,
            "D91": ExpiryStatus.VALID,
        }
        self.assertEqual({number: self.status(number) for number in expected}, expected)

    def test_expiring_within(self) -> None:
        def numbers(days: int) -> set[str]:
            return set(Licence.objects.expiring_within(days).values_list("number", flat=True))

        self.assertEqual(numbers(7), {"TODAY", "D7"})
        self.assertEqual(numbers(30), {"TODAY", "D7", "D8", "D30"})
        self.assertEqual(numbers(90), {"TODAY", "D7", "D8", "D30", "D90"})
        self.assertEqual(set(Licence.objects.expired().values_list("number", flat=True)), {"EXPIRED"})

    def test_time_moves_a_licence_between_buckets(self) -> None:
        self.assertEqual(expiry_status(date(2026, 9, 1)), ExpiryStatus.VALID)
        with time_machine.travel(date(2026, 8, 30), tick=False):
            self.assertEqual(expiry_status(date(2026, 9, 1)), ExpiryStatus.WITHIN_7)
            self.assertEqual(self.status("D90"), ExpiryStatus.WITHIN_7)
        with time_machine.travel(date(2026, 9, 2), tick=False):
            self.assertEqual(expiry_status(date(2026, 9, 1)), ExpiryStatus.EXPIRED)

    def test_list_filter_and_badge(self) -> None:
        inspector = provincial_inspector("expiry_inspector", "110000")
        self.client.force_login(inspector)
        response = self.client.get("/licences/", {"expires_within": "30"})
        self.assertEqual(response.context["table"].paginator.count, 4)
        self.assertContains(response, '<span class="badge bg-orange-lt">7 天内到期</span>', html=True)
        self.assertContains(response, '<span class="badge bg-yellow-lt">30 天内到期</span>', html=True)
        detail = self.client.get(f"/licences/{Licence.objects.get(number='EXPIRED').pk}/")
        self.assertContains(detail, '<span class="badge bg-red-lt">已过期</span>', html=True)


class EnterpriseSelfServiceTest(TestCase):
    """An enterprise user files licences for its own enterprise and for no other."""

    beijing: ClassVar[list[Enterprise]]
    ent: ClassVar[User]
    foreign: ClassVar[Licence]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, _shanghai = sample_enterprises()
        own = cls.beijing[0]
        org = make_org(own.name, own.region_id, level="", org_type=OrgType.ENTERPRISE, enterprise=own)
        cls.ent = make_user("licence_ent", org, RoleCode.ENTERPRISE_ADMIN)
        cls.foreign = save_profile_record(
            Licence(
                enterprise=cls.beijing[1],
                kind="safety_production",
                number="JW-OTHER-0001",
                issuer="海淀区应急管理局",
                valid_from=date(2024, 1, 1),
                valid_to=date(2027, 1, 1),
            ),
            user=None,
        )

    def test_adds_its_own_licence_with_the_enterprise_filled_in(self) -> None:
        self.client.force_login(self.ent)
        page = self.client.get("/licences/add/")
        self.assertContains(page, f'value="{self.beijing[0].uscc}"')
        data = licence_data(self.beijing[0], valid_to="2028-01-01")
        response = self.client.post("/licences/add/", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Licence.objects.get(number="JW-RULE-0001").enterprise, self.beijing[0])

    def test_cannot_add_for_another_enterprise(self) -> None:
        self.client.force_login(self.ent)
        data = licence_data(self.beijing[1], number="JW-RULE-0002", valid_to="2028-01-01")
        response = self.client.post("/licences/add/", data)
        self.assertContains(response, "不在您的管辖范围内", status_code=400)
        api = APIClient()
        api.force_authenticate(self.ent)
        api_response = api.post("/api/v1/licences/", data, format="json")
        self.assertEqual(api_response.status_code, 400)
        self.assertIn("enterprise", api_response.json())
        self.assertFalse(Licence.objects.filter(number="JW-RULE-0002").exists())

    def test_cannot_reach_another_enterprises_licence_and_the_attempt_is_audited(self) -> None:
        self.client.force_login(self.ent)
        url = f"/licences/{self.foreign.pk}/"
        self.assertEqual(self.client.get(url).status_code, 404)
        data = licence_data(self.beijing[0], number="JW-OTHER-0001", valid_to="2028-01-01")
        self.assertEqual(self.client.post(f"{url}edit/", data).status_code, 404)
        self.assertEqual(self.client.post(f"{url}delete/").status_code, 404)
        api = APIClient()
        api.force_authenticate(self.ent)
        self.assertEqual(api.patch(f"/api/v1/licences/{self.foreign.pk}/", {"issuer": "x"}).status_code, 404)
        self.foreign.refresh_from_db()
        self.assertEqual((self.foreign.version, self.foreign.enterprise_id), (1, self.beijing[1].pk))
        denied = AuditEvent.objects.filter(
            event_type=EventType.ACCESS_DENIED, username="licence_ent", object_id=str(self.foreign.pk)
        )
        self.assertEqual(denied.count(), 4)

    def test_cannot_move_its_licence_to_another_enterprise(self) -> None:
        own = save_profile_record(
            Licence(
                enterprise=self.beijing[0],
                kind="hazchem_use",
                number="JW-OWN-0001",
                issuer="房山区应急管理局",
                valid_from=date(2024, 1, 1),
                valid_to=date(2027, 1, 1),
            ),
            user=None,
        )
        api = APIClient()
        api.force_authenticate(self.ent)
        response = api.patch(
            f"/api/v1/licences/{own.pk}/", {"enterprise": self.beijing[1].uscc}, format="json"
        )
        self.assertEqual(response.status_code, 400)
        own.refresh_from_db()
        self.assertEqual(own.enterprise_id, self.beijing[0].pk)


class PersonalIdentifierTest(TestCase):
    """ID numbers are encrypted at rest and masked for roles without the personal permission."""

    person: ClassVar[SafetyPerson]
    number: ClassVar[str]

    @classmethod
    def setUpTestData(cls) -> None:
        beijing, _shanghai = sample_enterprises()
        cls.number = id_number("11010819800202234")
        cls.person = save_profile_record(
            SafetyPerson(enterprise=beijing[0], name="李卫东", role="safety_manager", id_number=cls.number),
            user=None,
        )

    def test_stored_encrypted(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number FROM enterprises_safetyperson WHERE id = %s", [self.person.pk])
            (stored,) = cursor.fetchone()
        self.assertNotIn(self.number, stored)
        self.assertRegex(stored, r"^(sm4gcm|aesgcm):")
        self.assertEqual(SafetyPerson.objects.get(pk=self.person.pk).id_number, self.number)

    def test_masked_for_a_leader(self) -> None:
        leader = make_user(
            "profile_leader", provincial_inspector("p_insp", "110000").organization, RoleCode.LEADER
        )
        masked = self.number[:6] + "*" * 8 + self.number[-4:]
        self.client.force_login(leader)
        for url in ("/safety-persons/", f"/safety-persons/{self.person.pk}/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertNotContains(response, self.number)
                self.assertContains(response, masked)
        export = self.client.get("/safety-persons/export/", {"export": "csv"})
        self.assertNotIn(self.number, export.content.decode("utf-8-sig"))
        api = APIClient()
        api.force_authenticate(leader)
        self.assertEqual(api.get(f"/api/v1/safety-persons/{self.person.pk}/").json()["id_number"], masked)

    def test_shown_to_an_inspector(self) -> None:
        self.client.force_login(provincial_inspector("p_insp2", "110000"))
        self.assertContains(self.client.get(f"/safety-persons/{self.person.pk}/"), self.number)

    def test_wrong_check_digit_is_refused(self) -> None:
        self.client.force_login(provincial_inspector("p_insp3", "110000"))
        bad = self.number[:17] + ("0" if self.number[17] != "0" else "1")
        data = {
            "enterprise": self.person.enterprise.uscc,
            "name": "错号",
            "role": "principal",
            "id_number": bad,
        }
        response = self.client.post("/safety-persons/add/", data)
        self.assertContains(response, f"身份证号码校验位错误：应为 {self.number[17]}。", status_code=400)


class EnterpriseProfilePageTest(TestCase):
    """The enterprise's page shows its profile records as tabs, within the viewer's scope."""

    beijing: ClassVar[list[Enterprise]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, _shanghai = sample_enterprises()
        for enterprise, number in ((cls.beijing[0], "JW-TAB-0001"), (cls.beijing[1], "JW-TAB-0002")):
            save_profile_record(
                Licence(
                    enterprise=enterprise,
                    kind="safety_production",
                    number=number,
                    issuer="北京市应急管理局",
                    valid_from=date(2024, 1, 1),
                    valid_to=date(2030, 1, 1),
                ),
                user=None,
            )

    def page(self, user: Any) -> Any:
        self.client.force_login(user)
        return self.client.get(f"/enterprises/{self.beijing[0].pk}/")

    def test_tabs_list_the_enterprises_records_with_links(self) -> None:
        response = self.page(provincial_inspector("tab_inspector", "110000"))
        self.assertContains(response, 'id="enterprise-profile"')
        for anchor in (
            "licence",
            "standardisationgrade",
            "safetyperson",
            "trainingrecord",
            "occupationalhealth",
            "emergencyplan",
            "emergencyresource",
            "emergencydrill",
        ):
            self.assertContains(response, f'id="tab-{anchor}"')
        self.assertContains(response, "JW-TAB-0001")
        self.assertNotContains(response, "JW-TAB-0002")
        licence = Licence.objects.get(number="JW-TAB-0001")
        self.assertContains(response, f'href="/licences/{licence.pk}/"')
        self.assertContains(response, f'href="/licences/add/?enterprise={self.beijing[0].pk}"')
        self.assertNotContains(response, "style=")
        self.assertNotContains(response, "<script>")

    def test_add_link_prefills_the_enterprise(self) -> None:
        self.client.force_login(provincial_inspector("tab_inspector2", "110000"))
        response = self.client.get("/licences/add/", {"enterprise": self.beijing[1].pk})
        self.assertContains(response, f'value="{self.beijing[1].uscc}"')

    def test_a_reader_sees_no_add_links(self) -> None:
        org = provincial_inspector("tab_inspector3", "110000").organization
        response = self.page(make_user("tab_leader", org, RoleCode.LEADER))
        self.assertContains(response, "JW-TAB-0001")
        self.assertNotContains(response, "/licences/add/")
