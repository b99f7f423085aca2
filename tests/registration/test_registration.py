"""Enterprise self-registration: the public application, and review by the local regulator."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from anjian.accounts.models import AgencyLevel, Organization, OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.audit.events import EventResult, EventType
from anjian.audit.models import AuditEvent
from anjian.core.testing import make_org, make_user
from anjian.core.uscc import make_uscc, uscc_check_char
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import save_enterprise
from anjian.regions.models import Region
from anjian.registration import services
from anjian.registration.models import EnterpriseRegistration, RegistrationStatus

JINGXING = "130121"
USCC = make_uscc("91130121MA0K7X3Q0")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def licence(name: str = "licence.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uscc": USCC,
        "name": "井陉县化工储运有限公司",
        "region": JINGXING,
        "sector": "hazchem",
        "contact_name": "王经理",
        "contact_phone": "0311-82012345",
        "username": "jxhg_admin",
        "licence": licence(),
    }
    data.update(overrides)
    return data


def make_registration(**overrides: Any) -> EnterpriseRegistration:
    data = form_data(**overrides)
    registration = EnterpriseRegistration(
        uscc=data["uscc"],
        name=data["name"],
        region=Region.objects.get(code=data["region"]),
        sector=data["sector"],
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
        username=data["username"],
        licence=data["licence"],
    )
    return services.submit_registration(registration)


class RegistrationFormTest(TestCase):
    url = reverse("registration:register")

    def post(self, **overrides: Any) -> Any:
        return self.client.post(self.url, form_data(**overrides))

    def errors(self, response: Any) -> dict[str, list[str]]:
        self.assertEqual(response.status_code, 400)
        self.assertFalse(EnterpriseRegistration.objects.exists())
        errors: dict[str, list[str]] = response.context["form"].errors
        return errors

    def test_page_is_public_and_linked_from_the_login_page(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertContains(self.client.get(reverse("login")), self.url)

    def test_valid_application_gets_a_tracking_number(self) -> None:
        response = self.post()
        registration = EnterpriseRegistration.objects.get()
        self.assertEqual(registration.status, RegistrationStatus.PENDING)
        self.assertRedirects(
            response, f"{reverse('registration:status')}?number={registration.tracking_number}"
        )
        page = self.client.get(response["Location"])
        self.assertContains(page, registration.tracking_number)
        self.assertContains(page, "待审核")
        self.assertTrue(AuditEvent.objects.filter(event_type=EventType.REGISTRATION_SUBMIT).exists())

    def test_wrong_check_character_names_the_expected_one(self) -> None:
        wrong = USCC[:17] + ("0" if USCC[17] != "0" else "1")
        errors = self.errors(self.post(uscc=wrong))
        expected = uscc_check_char(USCC[:17])
        self.assertIn(f"统一社会信用代码校验位错误：应为 {expected}。", errors["uscc"])

    def test_duplicate_of_a_registered_enterprise_names_its_region(self) -> None:
        save_enterprise(
            Enterprise(uscc=USCC, name="已登记企业", region_id=JINGXING, sector="hazchem"), user=None
        )
        errors = self.errors(self.post())
        region = Region.objects.get(code=JINGXING).full_name()
        self.assertIn(f"该统一社会信用代码已登记（登记地：{region}）。", errors["uscc"])

    def test_second_pending_application_for_the_same_code_is_refused(self) -> None:
        make_registration()
        response = self.post(username="another_admin")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(EnterpriseRegistration.objects.count(), 1)
        self.assertIn("待审核", response.context["form"].errors["uscc"][0])

    def test_fake_pdf_is_refused(self) -> None:
        errors = self.errors(self.post(licence=licence("licence.pdf", b"MZ\x90\x00 not a pdf at all")))
        self.assertIn("文件内容与扩展名 .pdf 不符", errors["licence"][0])

    def test_unsupported_type_is_refused(self) -> None:
        errors = self.errors(self.post(licence=licence("licence.exe", b"MZ\x90\x00")))
        self.assertIn("不支持的文件类型 .exe", errors["licence"][0])

    def test_unknown_region_is_refused(self) -> None:
        errors = self.errors(self.post(region="139999"))
        self.assertIn("未知的行政区划代码：139999", errors["region"])

    def test_taken_username_is_refused(self) -> None:
        make_user("jxhg_admin", None)
        errors = self.errors(self.post())
        self.assertIn("jxhg_admin", errors["username"][0])

    def test_status_of_an_unknown_number(self) -> None:
        response = self.client.get(reverse("registration:status"), {"number": "ZCNOTHING"})
        self.assertContains(response, "未找到")


class ReviewTest(TestCase):
    county: ClassVar[User]
    city: ClassVar[User]
    leader: ClassVar[User]
    outsider: ClassVar[User]
    coal: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        county = make_org("井陉县应急管理局", JINGXING, level=AgencyLevel.COUNTY)
        city = make_org("石家庄市应急管理局", "130100", level=AgencyLevel.CITY)
        beijing = make_org("北京市应急管理局", "110000")
        coal = make_org("河北煤监", "130000", org_type=OrgType.COAL_SUPERVISION, sectors=["coal"])
        cls.county = make_user("jx", county, RoleCode.INSPECTOR)
        cls.city = make_user("sjz", city, RoleCode.INSPECTOR)
        cls.leader = make_user("jx_leader", county, RoleCode.LEADER)
        cls.outsider = make_user("bj", beijing, RoleCode.INSPECTOR)
        cls.coal = make_user("hbcoal", coal, RoleCode.INSPECTOR)

    def setUp(self) -> None:
        self.registration = make_registration()

    def url(self, name: str) -> str:
        return reverse(f"registration:{name}", args=[self.registration.pk])

    def login(self, user: User) -> None:
        self.client.force_login(user)

    def test_list_shows_pending_applications_of_the_jurisdiction(self) -> None:
        self.login(self.county)
        response = self.client.get(reverse("registration:review_list"))
        self.assertContains(response, self.registration.tracking_number)
        for params, present in (
            ({"status": "approved"}, False),
            ({"sector": "coal"}, False),
            ({"region": "110000"}, False),
            ({"region": "130100", "sector": "hazchem", "status": "pending"}, True),
        ):
            response = self.client.get(reverse("registration:review_list"), params)
            self.assertEqual(self.registration.tracking_number in response.content.decode(), present, params)

    def test_detail_links_the_licence_within_scope(self) -> None:
        self.login(self.city)
        response = self.client.get(self.url("review_detail"))
        download = response.context["licence_url"]
        self.assertEqual(self.client.get(download).status_code, 200)
        self.login(self.outsider)
        self.assertEqual(self.client.get(download).status_code, 404)

    def test_approval_creates_enterprise_organisation_and_account(self) -> None:
        self.login(self.county)
        response = self.client.post(self.url("approve"))
        self.assertEqual(response.status_code, 200)
        password = response.context["password"]
        self.assertContains(response, password)
        enterprise = Enterprise.objects.get(uscc=USCC)
        self.assertEqual((enterprise.region_id, enterprise.sector), (JINGXING, "hazchem"))
        org = Organization.objects.get(enterprise=enterprise)
        self.assertEqual(org.org_type, OrgType.ENTERPRISE)
        account = User.objects.get(username="jxhg_admin")
        self.assertEqual(account.organization, org)
        self.assertEqual(account.role_codes, {RoleCode.ENTERPRISE_ADMIN})
        self.assertTrue(account.must_change_password)
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, RegistrationStatus.APPROVED)
        self.assertEqual(
            (self.registration.enterprise, self.registration.reviewed_by), (enterprise, self.county)
        )
        events = set(AuditEvent.objects.values_list("event_type", flat=True))
        self.assertTrue({EventType.REGISTRATION_APPROVE, EventType.ACCOUNT_CREATE} <= events)

        # The enterprise logs in with the initial password and is held at the password change page.
        self.client.logout()
        self.assertTrue(self.client.login(username="jxhg_admin", password=password))
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("security:password_change")))

    def test_approval_twice_is_refused(self) -> None:
        services.approve_registration(self.registration, user=self.county)
        with self.assertRaises(ValidationError):
            services.approve_registration(self.registration, user=self.city)

    def test_code_registered_meanwhile_is_refused_with_the_region(self) -> None:
        save_enterprise(
            Enterprise(uscc=USCC, name="抢先登记", region_id="130102", sector="hazchem"), user=None
        )
        self.login(self.county)
        response = self.client.post(self.url("approve"))
        self.assertEqual(response.status_code, 400)
        region = Region.objects.get(code="130102").full_name()
        self.assertContains(response, f"该统一社会信用代码已登记（登记地：{region}）。", status_code=400)
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, RegistrationStatus.PENDING)
        self.assertFalse(User.objects.filter(username="jxhg_admin").exists())
        self.assertFalse(Organization.objects.filter(org_type=OrgType.ENTERPRISE).exists())

    def test_city_regulator_may_approve(self) -> None:
        enterprise, account, _password = services.approve_registration(self.registration, user=self.city)
        self.assertEqual(enterprise.created_by, self.city)
        self.assertEqual(Organization.objects.get(users=account).enterprise, enterprise)

    def test_account_name_taken_meanwhile_writes_nothing(self) -> None:
        make_user("jxhg_admin", None)
        with self.assertRaises(ValidationError) as raised:
            services.approve_registration(self.registration, user=self.county)
        self.assertIn("username", raised.exception.message_dict)
        self.assertFalse(Enterprise.objects.exists())
        self.assertFalse(Organization.objects.filter(org_type=OrgType.ENTERPRISE).exists())
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, RegistrationStatus.PENDING)

    def test_rejection_needs_a_reason(self) -> None:
        self.login(self.county)
        response = self.client.post(self.url("reject"), {"reason": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "驳回申请时必须填写理由。", status_code=400)
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, RegistrationStatus.PENDING)
        with self.assertRaises(ValidationError):
            services.reject_registration(self.registration, "", user=self.county)

    def test_rejection_with_a_reason(self) -> None:
        self.login(self.county)
        response = self.client.post(self.url("reject"), {"reason": "营业执照不清晰"})
        self.assertRedirects(response, self.url("review_detail"))
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, RegistrationStatus.REJECTED)
        self.assertFalse(Enterprise.objects.exists())
        status = self.client.get(
            reverse("registration:status"), {"number": self.registration.tracking_number}
        )
        self.assertContains(status, "营业执照不清晰")

    def test_out_of_scope_regulator_gets_404(self) -> None:
        for user in (self.outsider, self.coal):
            self.login(user)
            self.assertEqual(self.client.get(self.url("review_detail")).status_code, 404)
            self.assertEqual(self.client.post(self.url("approve")).status_code, 404)
        self.assertFalse(Enterprise.objects.exists())
        denied = AuditEvent.objects.filter(event_type=EventType.ACCESS_DENIED, result=EventResult.DENIED)
        self.assertEqual(denied.count(), 4)
        with self.assertRaises(PermissionDenied):
            services.approve_registration(self.registration, user=self.outsider)

    def test_reader_without_the_change_permission_gets_403(self) -> None:
        self.login(self.leader)
        self.assertEqual(self.client.get(self.url("review_detail")).status_code, 200)
        self.assertEqual(self.client.post(self.url("approve")).status_code, 403)
        self.assertFalse(Enterprise.objects.exists())

    def test_enterprise_user_cannot_approve_its_own_application(self) -> None:
        enterprise = save_enterprise(
            Enterprise(
                uscc=make_uscc("91130121MA0K7X4R0"), name="另一企业", region_id=JINGXING, sector="hazchem"
            ),
            user=None,
        )
        org = make_org("另一企业", JINGXING, level="", org_type=OrgType.ENTERPRISE, enterprise=enterprise)
        applicant = make_user("other_admin", org, RoleCode.ENTERPRISE_ADMIN)
        self.login(applicant)
        self.assertEqual(self.client.post(self.url("approve")).status_code, 403)
        self.assertEqual(self.client.post(self.url("reject"), {"reason": "x"}).status_code, 403)
        self.assertEqual(self.client.get(self.url("review_detail")).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("registration:review_list"), {"status": "pending"}).status_code, 200
        )
        self.registration.refresh_from_db()
        self.assertEqual(self.registration.status, RegistrationStatus.PENDING)
        self.assertEqual(
            AuditEvent.objects.filter(event_type=EventType.ACCESS_DENIED, username="other_admin").count(), 3
        )
        with self.assertRaises(PermissionDenied):
            services.approve_registration(self.registration, user=applicant)


class RegistrationAPITest(ReviewTest):
    def test_regulators_read_applications_of_their_jurisdiction_only(self) -> None:
        from rest_framework.test import APIClient

        for user, count in ((self.county, 1), (self.city, 1), (self.outsider, 0), (self.coal, 0)):
            with self.subTest(user=user.username):
                api = APIClient()
                api.force_authenticate(user)
                response = api.get("/api/v1/registrations/")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["count"], count)
        api = APIClient()
        api.force_authenticate(self.outsider)
        self.assertEqual(api.get(f"/api/v1/registrations/{self.registration.pk}/").status_code, 404)
        api.force_authenticate(self.county)
        body = api.get(f"/api/v1/registrations/{self.registration.pk}/").json()
        self.assertEqual((body["uscc"], body["status"]), (self.registration.uscc, "pending"))
        self.assertEqual(api.post("/api/v1/registrations/", {}, format="json").status_code, 405)
