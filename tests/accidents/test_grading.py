"""Decree 493 Art. 3 grading: every boundary of the domain note, the combined rule, the band table
as data, monotonicity, and the pure grading endpoint."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

import pytest
from django.test import SimpleTestCase, TestCase, override_settings
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from anjian.accidents.choices import grade_rank
from anjian.accidents.grading import DEFAULT_GRADE_BANDS, bands_from_setting, grade_accident
from anjian.accounts.models import User
from anjian.core.testing import provincial_inspector

YI = 100_000_000  # 1亿元
WAN = 10_000  # 1万元


def grade(deaths: int = 0, serious: int = 0, loss: int | Decimal | None = 0, missing: int = 0) -> str:
    return grade_accident(
        deaths=deaths,
        serious_injuries=serious,
        direct_loss_yuan=loss,
        missing=missing,
        missing_as_deaths=True,
    ).grade


@pytest.mark.parametrize(
    ("deaths", "expected"),
    [(0, "general"), (2, "general"), (3, "larger"), (9, "larger"), (10, "major"), (29, "major"),
     (30, "extraordinary"), (31, "extraordinary")],
)  # fmt: skip
def test_deaths_boundaries(deaths: int, expected: str) -> None:
    assert grade(deaths=deaths) == expected


@pytest.mark.parametrize(
    ("serious", "expected"),
    [(9, "general"), (10, "larger"), (49, "larger"), (50, "major"), (99, "major"), (100, "extraordinary")],
)
def test_serious_injury_boundaries(serious: int, expected: str) -> None:
    assert grade(serious=serious) == expected


@pytest.mark.parametrize(
    ("loss", "expected"),
    [
        (1000 * WAN - 1, "general"),
        (1000 * WAN, "larger"),
        (5000 * WAN - 1, "larger"),
        (5000 * WAN, "major"),
        (YI - 1, "major"),
        (YI, "extraordinary"),
        (Decimal("9999999.99"), "general"),
    ],
)
def test_direct_loss_boundaries(loss: int | Decimal, expected: str) -> None:
    assert grade(loss=loss) == expected


def test_combined_rule_highest_criterion_wins() -> None:
    result = grade_accident(deaths=2, serious_injuries=60, direct_loss_yuan=1_000_000, missing_as_deaths=True)
    assert result.grade == "major"
    assert result.decided_by == ("serious_injuries",)
    assert result.by_criterion == {
        "deaths": "general",
        "serious_injuries": "major",
        "direct_loss_yuan": "general",
    }
    assert result.report_up_to == "national"


def test_several_criteria_can_decide_together() -> None:
    result = grade_accident(deaths=3, serious_injuries=10, direct_loss_yuan=0, missing_as_deaths=True)
    assert result.grade == "larger"
    assert result.decided_by == ("deaths", "serious_injuries")


def test_missing_persons_count_with_deaths_by_default_and_configurably() -> None:
    assert grade(deaths=2, missing=1) == "larger"
    assert grade_accident(deaths=2, missing=1, serious_injuries=0, direct_loss_yuan=0).grade == "larger"
    with override_settings(ACCIDENT_MISSING_AS_DEATHS=False):
        assert grade_accident(deaths=2, missing=1, serious_injuries=0, direct_loss_yuan=0).grade == "general"


def test_unknown_loss_is_a_lower_bound_not_a_zero() -> None:
    unknown = grade_accident(deaths=1, serious_injuries=0, direct_loss_yuan=None)
    assert unknown.grade == "general"
    assert unknown.provisional
    assert "direct_loss_yuan" not in unknown.decided_by
    assert "下限" in unknown.explanation()
    known = grade_accident(deaths=1, serious_injuries=0, direct_loss_yuan=0)
    assert not known.provisional
    assert "direct_loss_yuan" in known.decided_by


def test_report_up_to_by_grade() -> None:
    assert grade_accident(deaths=0, serious_injuries=0, direct_loss_yuan=0).report_up_to == "city"
    assert grade_accident(deaths=3, serious_injuries=0, direct_loss_yuan=0).report_up_to == "province"
    assert grade_accident(deaths=30, serious_injuries=0, direct_loss_yuan=0).report_up_to == "national"


def test_negative_input_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        grade_accident(deaths=-1, serious_injuries=0, direct_loss_yuan=0)
    with pytest.raises(ValueError, match="negative"):
        grade_accident(deaths=0, serious_injuries=0, direct_loss_yuan=-1)


def test_band_table_is_data_and_configurable() -> None:
    rows = [
        {"grade": "larger", "deaths": 2, "serious_injuries": 10, "direct_loss_yuan": 10_000_000},
        {"grade": "major", "deaths": 10, "serious_injuries": 50, "direct_loss_yuan": 50_000_000},
        {"grade": "extraordinary", "deaths": 30, "serious_injuries": 100, "direct_loss_yuan": YI},
    ]
    with override_settings(ACCIDENT_GRADE_BANDS=rows):
        assert grade_accident(deaths=2, serious_injuries=0, direct_loss_yuan=0).grade == "larger"
    assert grade(deaths=2) == "general"
    with pytest.raises(ValueError, match="once each"):
        bands_from_setting(rows[:2])
    with pytest.raises(ValueError, match="rise"):
        bands_from_setting([{**rows[0], "deaths": 20}, rows[1], rows[2]])


counts = st.integers(min_value=0, max_value=500)
losses = st.one_of(st.none(), st.decimals(min_value=0, max_value=10 * YI, places=2, allow_nan=False))


@given(
    deaths=counts, serious=counts, loss=losses, missing=counts, extra=st.integers(min_value=0, max_value=200)
)
def test_more_of_any_count_never_lowers_the_grade(
    deaths: int, serious: int, loss: Decimal | None, missing: int, extra: int
) -> None:
    base = grade_rank(grade(deaths, serious, loss, missing))
    assert grade_rank(grade(deaths + extra, serious, loss, missing)) >= base
    assert grade_rank(grade(deaths, serious + extra, loss, missing)) >= base
    assert grade_rank(grade(deaths, serious, loss, missing + extra)) >= base
    more_loss = (loss or Decimal(0)) + extra * WAN
    assert grade_rank(grade(deaths, serious, more_loss, missing)) >= base


@given(deaths=counts, serious=counts, loss=losses)
def test_grade_is_the_highest_single_criterion(deaths: int, serious: int, loss: Decimal | None) -> None:
    combined = grade_rank(grade(deaths, serious, loss))
    single = max(
        grade_rank(grade(deaths=deaths)), grade_rank(grade(serious=serious)), grade_rank(grade(loss=loss))
    )
    assert combined == single


class DefaultTableTest(SimpleTestCase):
    def test_default_table_matches_article_3(self) -> None:
        self.assertEqual(
            [(b.grade, b.deaths, b.serious_injuries, b.direct_loss_yuan) for b in DEFAULT_GRADE_BANDS],
            [("extraordinary", 30, 100, YI), ("major", 10, 50, 5000 * WAN), ("larger", 3, 10, 1000 * WAN)],
        )


class GradeEndpointTest(TestCase):
    user: ClassVar[User]
    url = "/api/v1/accidents/grade/"

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("grade_user", "130000")

    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.user)

    def test_combined_example(self) -> None:
        response = self.api.post(
            self.url, {"deaths": 2, "serious_injuries": 60, "direct_loss_yuan": 1000000}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["grade"], "major")
        self.assertEqual(body["decided_by"], ["serious_injuries"])
        self.assertEqual(body["report_up_to"], "national")

    def test_boundaries_through_the_endpoint(self) -> None:
        cases: list[tuple[dict[str, object], str, str]] = [
            ({"deaths": 2}, "general", "city"),
            ({"deaths": 3}, "larger", "province"),
            ({"serious_injuries": 100}, "extraordinary", "national"),
            ({"direct_loss_yuan": 99999999.99}, "major", "national"),
            ({"direct_loss_yuan": "10000000"}, "larger", "province"),
        ]
        for data, expected, up_to in cases:
            with self.subTest(data=data):
                body: dict[str, object] = {"deaths": 0, "serious_injuries": 0, "direct_loss_yuan": 0}
                body.update(data)
                response = self.api.post(self.url, body, format="json")
                self.assertEqual(response.status_code, 200, response.content)
                self.assertEqual(
                    (response.json()["grade"], response.json()["report_up_to"]), (expected, up_to)
                )

    def test_unknown_loss(self) -> None:
        response = self.api.post(
            self.url, {"deaths": 0, "serious_injuries": 0, "direct_loss_yuan": None}, format="json"
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.json()["provisional"])

    def test_bad_input_is_400_with_field_keys_and_chinese_messages(self) -> None:
        response = self.api.post(
            self.url, {"deaths": -1, "serious_injuries": "many", "direct_loss_yuan": "abc"}, format="json"
        )
        self.assertEqual(response.status_code, 400)
        body = response.json()
        self.assertEqual(set(body), {"deaths", "serious_injuries", "direct_loss_yuan"})
        self.assertEqual(body["deaths"], ["人数不能为负数。"])
        self.assertEqual(body["serious_injuries"], ["人数应为整数。"])
        self.assertEqual(body["direct_loss_yuan"], ["直接经济损失应为数字（元）。"])
        response = self.api.post(self.url, {}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()), {"deaths", "serious_injuries", "direct_loss_yuan"})
        negative = self.api.post(
            self.url, {"deaths": 0, "serious_injuries": 0, "direct_loss_yuan": -5}, format="json"
        )
        self.assertEqual(negative.json(), {"direct_loss_yuan": ["直接经济损失不能为负数。"]})

    def test_needs_authentication(self) -> None:
        self.assertEqual(APIClient().post(self.url, {}, format="json").status_code, 401)
