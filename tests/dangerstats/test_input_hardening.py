"""Regression tests: a custom statistics period far in the future used to overflow (500); an
out-of-scope enterprise code used to answer differently from an unknown one."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from tests.dangerstats.test_stats import StatisticsTestBase
from tests.enterprises.test_views import uscc_for


class InputHardeningTest(StatisticsTestBase):
    def test_custom_period_years_are_limited(self) -> None:
        self.client.force_login(self.beijing)
        for start, end in (("9999-12-01", "9999-12-31"), ("1900-01-01", "1900-12-31")):
            with self.subTest(start=start):
                page = self.client.get(
                    reverse("dangerstats:statistics"), {"kind": "custom", "start": start, "end": end}
                )
                self.assertContains(page, "日期须在 2000 年至 2100 年之间")
        api = APIClient()
        api.force_authenticate(self.beijing)
        response = api.get(
            reverse("api:danger-statistics"), {"kind": "custom", "start": "9999-12-01", "end": "9999-12-31"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("2000", str(response.json()["start"]))
        response = api.get(
            reverse("api:danger-statistics"), {"kind": "custom", "start": "2026-01-01", "end": "2026-03-31"}
        )
        self.assertEqual(response.status_code, 200)

    def test_out_of_scope_enterprise_answers_like_an_unknown_one(self) -> None:
        api = APIClient()
        api.force_authenticate(self.shanghai)
        known, unknown = self.bj[0].uscc, uscc_for("110000", "99999999")
        answers = []
        for code in (known, unknown):
            response = api.post(
                "/api/v1/danger-statistics/reports/",
                {"enterprise": code, "year": 2025, "period": "q3", "principal": "钱七"},
                format="json",
            )
            self.assertEqual(response.status_code, 400)
            answers.append(response.json()["enterprise"][0].replace(code, "CODE"))
        self.assertEqual(answers[0], answers[1])
        self.assertIn("您的管辖范围内没有", answers[0])
