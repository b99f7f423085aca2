"""Regression tests: inputs that used to answer 500 (a truncated JPEG site plan, NaN in a grading
configuration) and an out-of-scope enterprise code answering differently from an unknown one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from rest_framework.test import APIClient

from anjian.accounts.models import OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_org, make_user, provincial_inspector
from anjian.risks import grading
from anjian.risks.models import RiskMethodConfig, RiskPoint, SitePlan
from tests.enterprises.test_views import uscc_for
from tests.risks.test_views import ConfigurationTest, sample_points

POINT = {
    "name": "液氨储罐区",
    "location": "罐区",
    "kind": "place",
    "hazard_factor": "22",
    "accident_types": ["fire"],
    "method": "lec",
    "likelihood": "3",
    "exposure": "6",
    "severity": "40",
    "measures_engineering": "有毒气体检测报警",
    "responsible_level": "company",
    "responsible_person": "张伟",
}


class InputHardeningTest(TestCase):
    beijing: ClassVar[list[RiskPoint]]
    ent: ClassVar[User]
    regulator: ClassVar[User]
    shanghai: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, _shanghai = sample_points()
        own = cls.beijing[0].enterprise
        org = make_org(own.name, own.region_id, level="", org_type=OrgType.ENTERPRISE, enterprise=own)
        cls.ent = make_user("risk_ent", org, RoleCode.ENTERPRISE_SAFETY_OFFICER)
        cls.regulator = provincial_inspector("config_beijing", "110000")
        cls.shanghai = provincial_inspector("risk_shanghai", "310000")

    def test_truncated_jpeg_site_plan_is_a_clear_error(self) -> None:
        self.client.force_login(self.ent)
        upload = SimpleUploadedFile("plan.jpg", b"\xff\xd8\xff\xc0\x00\x11\x08", content_type="image/jpeg")
        response = self.client.post(
            f"/risk-points/plan/{self.beijing[0].enterprise_id}/", {"title": "总平面图", "image": upload}
        )
        self.assertContains(response, "无法读取图片尺寸", status_code=400)
        self.assertFalse(SitePlan.objects.exists())

    def test_non_finite_factor_values_and_bounds_are_refused(self) -> None:
        national = RiskMethodConfig.objects.get(method="lec", province=None, sector="")
        before = RiskMethodConfig.objects.count()
        self.client.force_login(self.regulator)
        url = f"/risk-points/configs/{national.pk}/revise/"
        data = ConfigurationTest.revise_data(self, factor_l="NaN 非数\n6 相当可能\n3 可能")  # type: ignore[arg-type]
        self.assertContains(self.client.post(url, data), "不能是 NaN 或无穷大", status_code=400)
        data = ConfigurationTest.revise_data(self, factor_e="Infinity 永远\n6 每天")  # type: ignore[arg-type]
        self.assertContains(self.client.post(url, data), "不能是 NaN 或无穷大", status_code=400)
        data = ConfigurationTest.revise_data(self, red_lower="NaN")  # type: ignore[arg-type]
        self.assertEqual(self.client.post(url, data).status_code, 400)
        self.assertEqual(RiskMethodConfig.objects.count(), before)

    def test_check_config_refuses_nan(self) -> None:
        factors = tuple(
            grading.Factor(f.code, f.name, ((Decimal("NaN"), "非数"), *f.rows[1:])) if f.code == "l" else f
            for f in grading.LEC_FACTORS
        )
        with self.assertRaises(grading.GradingError) as caught:
            grading.check_config(grading.MethodConfig("lec", factors, grading.LEC_BANDS))
        self.assertIn("不能是 NaN 或无穷大", str(caught.exception.errors))
        bands = (grading.Band("red", Decimal("NaN"), None), *grading.LEC_BANDS[1:])
        with self.assertRaises(grading.GradingError):
            grading.check_config(grading.MethodConfig("lec", grading.LEC_FACTORS, bands))

    def test_out_of_scope_enterprise_answers_like_an_unknown_one(self) -> None:
        api = APIClient()
        api.force_authenticate(self.shanghai)
        known = self.beijing[0].enterprise.uscc
        unknown = uscc_for("110000", "99999999")
        answers: list[Any] = []
        for code in (known, unknown):
            response = api.post("/api/v1/risk-points/", POINT | {"enterprise": code}, format="json")
            self.assertEqual(response.status_code, 400)
            answers.append(response.json()["enterprise"][0].replace(code, "CODE"))
        self.assertEqual(answers[0], answers[1])
        self.assertIn("您的管辖范围内没有", answers[0])
