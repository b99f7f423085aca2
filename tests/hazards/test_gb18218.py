"""GB 18218-2018 identification and grading: the worked examples of the domain note, every
boundary (S = 1, the α bands, the grade bands), bad input, the packaged tables, monotonicity
(hypothesis) and the pure ``POST /api/v1/hazards/assess/`` endpoint."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import pytest
from django.test import TestCase
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from anjian.accounts.models import User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_user, provincial_inspector
from anjian.hazards.gb18218 import (
    AssessmentError,
    SubstanceInput,
    assess,
    cas_check_digit,
    normalize_cas,
    tables,
    validate_cas,
)

SO2, CL2, NH3, METHANOL, GASOLINE, BENZENE, TOLUENE, PHOSGENE = (
    "7446-09-5", "7782-50-5", "7664-41-7", "67-56-1", "86290-81-5", "71-43-2", "108-88-3", "75-44-5",
)  # fmt: skip


def item(cas: str = "", quantity: Any = "1", **fields: Any) -> SubstanceInput:
    return SubstanceInput(quantity_t=quantity, cas=cas, **fields)


def errors_of(substances: list[SubstanceInput], people: int = 0) -> dict[int | None, dict[str, list[str]]]:
    with pytest.raises(AssessmentError) as info:
        assess(substances, people)
    return info.value.errors


# --- the worked examples (domain note section 6) ---------------------------------------------


def test_example_1_sulphur_dioxide() -> None:
    result = assess([item(SO2, 200)], 60)
    assert (result.s, result.alpha, result.r, result.is_major, result.grade) == (
        Decimal(10),
        Decimal("1.5"),
        Decimal(30),
        True,
        3,
    )


def test_example_2_chlorine_and_ammonia() -> None:
    result = assess([item(CL2, 20), item(NH3, 50)], 120)
    assert result.s == 9
    assert [i.substance.beta for i in result.items] == [4, 2]
    assert (result.alpha, result.r, result.grade) == (Decimal(2), Decimal(52), 2)


@pytest.mark.parametrize("people", [0, 20, 120])
def test_example_3_methanol_is_not_major(people: int) -> None:
    result = assess([item(METHANOL, 400)], people)
    assert (result.s, result.is_major, result.r, result.grade) == (Decimal("0.8"), False, None, None)


@pytest.mark.parametrize(("category", "r"), [("W5.3", Decimal(1)), ("W5.1", Decimal("1.5"))])
def test_example_4_gasoline_either_class_is_grade_4(category: str, r: Decimal) -> None:
    result = assess([item(GASOLINE, 200, category=category)], 20)
    assert (result.s, result.is_major, result.r, result.grade) == (Decimal(1), True, r, 4)


def test_example_4_gasoline_needs_its_class_only_to_be_graded() -> None:
    assert assess([item(GASOLINE, 100)], 20).s == Decimal("0.5")
    errors = errors_of([item(GASOLINE, 200)], 20)
    assert "危险性类别" in errors[0]["category"][0]


def test_example_5_benzene_and_toluene_in_one_diked_group() -> None:
    result = assess([item(BENZENE, 30), item(TOLUENE, 300)], 0)
    assert (result.s, result.alpha, result.is_major, result.grade) == (
        Decimal("1.2"),
        Decimal("0.5"),
        True,
        4,
    )
    assert result.r == Decimal("0.6")  # both default class W5.3, β 1
    split = [assess([item(BENZENE, 30)], 0), assess([item(TOLUENE, 300)], 0)]
    assert not any(r.is_major for r in split)  # the same stock in two diked groups


def test_issue_example_chlorine_and_flammable_liquid_class() -> None:
    result = assess([item(CL2, 20), SubstanceInput(quantity_t=10, category="W5.2")], 120)
    assert (result.s, result.r, result.grade) == (Decimal("4.2"), Decimal("32.4"), 3)
    assert result.items[1].substance.critical_quantity_t == 50
    assert result.edition == "GB 18218-2018"


# --- boundaries -----------------------------------------------------------------------------


def test_s_exactly_one_is_major_and_just_below_is_not() -> None:
    assert assess([item(NH3, 10)], 0).is_major
    below = assess([item(NH3, "9.9999")], 0)
    assert (below.is_major, below.s, below.grade) == (False, Decimal("0.9999"), None)


def test_thirds_add_up_to_exactly_one() -> None:
    # 0.1/0.3 three times: exact arithmetic, where a rounded decimal sum would fall short of 1.
    result = assess([item(PHOSGENE, "0.1")] * 3, 0)
    assert result.s_exact == 1
    assert result.is_major


@pytest.mark.parametrize(
    ("people", "alpha"),
    [(0, "0.5"), (1, "1.0"), (29, "1.0"), (30, "1.2"), (49, "1.2"), (50, "1.5"), (99, "1.5"),
     (100, "2.0"), (1_000_000, "2.0")],
)  # fmt: skip
def test_alpha_bands(people: int, alpha: str) -> None:
    assert assess([item(NH3, 10)], people).alpha == Decimal(alpha)


@pytest.mark.parametrize(
    ("ammonia_t", "r", "grade"),
    # α = 1 (1–29 people), β = 2, Q = 10: R = q / 5
    [("500", "100", 1), ("499.9999", "99.9999", 2), ("250", "50", 2), ("249.9999", "49.9999", 3),
     ("50", "10", 3), ("49.9999", "9.9999", 4), ("10", "2", 4)],
)  # fmt: skip
def test_grade_band_boundaries(ammonia_t: str, r: str, grade: int) -> None:
    result = assess([item(NH3, ammonia_t)], 10)
    assert (result.r, result.grade) == (Decimal(r), grade)


def test_figures_are_rounded_down_to_four_places() -> None:
    result = assess([item(CL2, 1)], 0)  # q/Q = 0.2
    assert result.items[0].q_over_q == Decimal("0.2000")
    third = assess([item(PHOSGENE, "0.2")], 0)  # 0.2/0.3 = 0.6666…
    assert third.s == Decimal("0.6666")


# --- identification of substances -----------------------------------------------------------


def test_cas_normalisation_and_check_digit() -> None:
    assert normalize_cas("７７８２－５０－５") == CL2
    assert normalize_cas(" 7782505 ") == CL2
    assert cas_check_digit("778250") == 5
    assert validate_cas("7732185") == "7732-18-5"
    with pytest.raises(ValueError, match="校验位错误：应为 5"):
        validate_cas("7782-50-6")
    with pytest.raises(ValueError, match="格式错误"):
        validate_cas("abc")


def test_wrong_check_digit_is_reported_in_chinese() -> None:
    assert errors_of([item("7782-50-6", 1)]) == {0: {"cas": ["CAS 号 7782-50-6 校验位错误：应为 5。"]}}


def test_cas_not_in_table_1_needs_a_class() -> None:
    errors = errors_of([item("7732-18-5", 1)])  # water
    assert "7732-18-5" in errors[0]["cas"][0]
    result = assess([item("7732-18-5", 100, category="W5.3", name="某溶剂")], 0)
    assert (result.items[0].substance.source, result.items[0].substance.critical_quantity_t) == (
        "table2",
        Decimal(1000),
    )


def test_unknown_class_code_is_named() -> None:
    errors = errors_of([SubstanceInput(quantity_t=1, category="W99")])
    assert "W99" in errors[0]["category"][0]


def test_several_classes_take_the_lowest_critical_quantity() -> None:
    result = assess([SubstanceInput(quantity_t=5, category="w5.3、J1")], 0)
    substance = result.items[0].substance
    assert (substance.category, substance.critical_quantity_t, substance.beta) == (
        "J1",
        Decimal(5),
        Decimal(4),
    )
    assert result.is_major


def test_table_1_wins_over_table_2() -> None:
    # Methanol is flammable liquid W5.3 (Q 1000) but Table 1 names it with Q 500.
    substance = assess([item(METHANOL, 100, category="W5.3")], 0).items[0].substance
    assert (substance.source, substance.critical_quantity_t, substance.beta_source) == (
        "table1",
        Decimal(500),
        "table4",
    )


def test_table_3_beta_wins_for_named_toxic_gases() -> None:
    substance = assess([item(CL2, 1, category="W4")], 0).items[0].substance
    assert (substance.beta, substance.beta_source) == (Decimal(4), "table3")


def test_shared_cas_needs_the_table_1_row() -> None:
    errors = errors_of([item("9004-70-0", 1)])
    assert "37" in errors[0]["table1_row"][0]
    assert assess([item("9004-70-0", 1, table1_row=39)], 0).items[0].substance.critical_quantity_t == 10
    errors = errors_of([item(CL2, 1, table1_row=39)])
    assert "cas" in errors[0]


def test_rows_without_cas_by_row_number() -> None:
    coal_gas = assess([SubstanceInput(quantity_t=20, table1_row=13)], 0)
    assert (coal_gas.is_major, coal_gas.items[0].substance.beta) == (True, Decimal(2))
    assert "第 999 项" in errors_of([SubstanceInput(quantity_t=1, table1_row=999)])[0]["table1_row"][0]


@pytest.mark.parametrize(
    ("quantity", "message"),
    [(0, "应大于 0"), (-5, "应大于 0"), ("abc", "应为数字"), ("NaN", "应为数字"), (True, "请填写"),
     ("", "请填写"), ("10000000.0001", "超出合理范围"), (1e12, "超出合理范围"), ("1.00001", "4 位小数")],
)  # fmt: skip
def test_bad_quantities_are_refused(quantity: Any, message: str) -> None:
    assert message in errors_of([item(NH3, quantity)])[0]["quantity_t"][0]


@pytest.mark.parametrize(("people", "message"), [(-1, "负数"), (2_000_000, "合理范围"), ("12", "整数")])
def test_bad_exposed_people_is_refused(people: Any, message: str) -> None:
    assert message in errors_of([item(NH3, 1)], people)[None]["exposed_people"][0]


def test_every_bad_item_is_reported_at_once() -> None:
    errors = errors_of([item(NH3, 1), item("7782-50-6", 1), item(CL2, -1)])
    assert set(errors) == {1, 2}


def test_packaged_tables() -> None:
    t = tables()
    assert (t.edition, len(t.named), len(t.classes)) == ("GB 18218-2018", 85, 24)
    left_for_assessor = sorted(n.row for n in t.named.values() if n.beta is None and not n.class_code)
    assert left_for_assessor == [5, 8, 14, 15, 16, 22, 24, 26, 66]
    for named in t.named.values():
        assert not named.class_code or named.class_code in t.classes
        for cas in named.cas:
            assert validate_cas(cas) == cas
    assert (t.classes["W3"].critical_quantity_t, t.classes["W4"].critical_quantity_t) == (
        Decimal(150),
        Decimal(50),
    )


# --- monotonicity (hypothesis) ---------------------------------------------------------------

_GRADABLE = [
    {"cas": "", "table1_row": n.row} for n in tables().named.values() if n.beta is not None or n.class_code
] + [{"category": code} for code in tables().classes]

substances = st.builds(
    lambda ref, q: SubstanceInput(quantity_t=q, **ref),
    st.sampled_from(_GRADABLE),
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(100000), places=4),
)
people = st.integers(min_value=0, max_value=1_000_000)


def _r(result: Any) -> Fraction:
    return Fraction(-1) if result.r_exact is None else result.r_exact


@settings(max_examples=150, deadline=None)
@given(st.lists(substances, max_size=6), substances, people)
def test_adding_a_substance_never_lowers_s_or_r(
    unit: list[SubstanceInput], extra: SubstanceInput, n: int
) -> None:
    before, after = assess(unit, n), assess([*unit, extra], n)
    assert after.s_exact > before.s_exact
    assert _r(after) >= _r(before)
    assert (after.grade or 5) <= (before.grade or 5)


@settings(max_examples=150, deadline=None)
@given(st.lists(substances, min_size=1, max_size=6), people, people)
def test_more_exposed_people_never_lowers_r(unit: list[SubstanceInput], a: int, b: int) -> None:
    fewer, more = assess(unit, min(a, b)), assess(unit, max(a, b))
    assert fewer.s_exact == more.s_exact
    assert _r(more) >= _r(fewer)
    assert (more.grade or 5) <= (fewer.grade or 5)


# --- the endpoint ---------------------------------------------------------------------------


class AssessEndpointTest(TestCase):
    url = "/api/v1/hazards/assess/"
    user: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("hazard_inspector", "110000")

    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.user)

    def post(self, body: dict[str, Any]) -> Any:
        return self.api.post(self.url, body, format="json")

    def test_issue_example(self) -> None:
        response = self.post(
            {
                "substances": [{"cas": CL2, "quantity_t": 20}, {"category": "W5.2", "quantity_t": 10}],
                "exposed_people": 120,
            }
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["s"], body["r"], body["is_major"], body["grade"]), (4.2, 32.4, True, 3))
        self.assertEqual((body["alpha"], body["edition"]), (2.0, "GB 18218-2018"))
        chlorine, liquid = body["items"]
        self.assertEqual((chlorine["critical_quantity_t"], chlorine["beta"], chlorine["q_over_q"]), (5, 4, 4))
        self.assertEqual((chlorine["beta_source"], chlorine["q_source"]), ("table3", "table1"))
        self.assertEqual((liquid["critical_quantity_t"], liquid["beta"], liquid["q_over_q"]), (50, 1, 0.2))

    def test_not_major_has_no_r_or_grade(self) -> None:
        body = self.post({"substances": [{"cas": METHANOL, "quantity_t": 400}], "exposed_people": 0}).json()
        self.assertEqual((body["s"], body["r"], body["is_major"], body["grade"]), (0.8, None, False, None))

    def test_unknown_cas_and_category_are_named(self) -> None:
        response = self.post(
            {
                "substances": [
                    {"cas": CL2, "quantity_t": 1},
                    {"cas": "7732-18-5", "quantity_t": 1},
                    {"category": "X9", "quantity_t": 1},
                ],
                "exposed_people": 0,
            }
        )
        self.assertEqual(response.status_code, 400)
        items = response.json()["substances"]
        self.assertNotIn("0", items)
        self.assertIn("7732-18-5", items["1"]["cas"][0])
        self.assertIn("X9", items["2"]["category"][0])

    def test_bad_input_is_400_with_a_message(self) -> None:
        for body, field, text in [
            ({"substances": [{"cas": "7782-50-6", "quantity_t": 1}], "exposed_people": 0}, "cas", "应为 5"),
            ({"substances": [{"cas": CL2, "quantity_t": -1}], "exposed_people": 0}, "quantity_t", "大于 0"),
            (
                {"substances": [{"cas": CL2, "quantity_t": 1e9}], "exposed_people": 0},
                "quantity_t",
                "合理范围",
            ),
        ]:
            with self.subTest(field=field):
                response = self.post(body)
                self.assertEqual(response.status_code, 400)
                self.assertIn(text, response.json()["substances"]["0"][field][0])
        response = self.post({"substances": [{"cas": CL2, "quantity_t": 1}], "exposed_people": -3})
        self.assertEqual(response.status_code, 400)
        self.assertIn("负数", response.json()["exposed_people"][0])
        self.assertEqual(self.post({"substances": [], "exposed_people": 0}).status_code, 400)

    def test_needs_login_and_a_business_role(self) -> None:
        body = {"substances": [{"cas": CL2, "quantity_t": 1}], "exposed_people": 0}
        self.assertIn(APIClient().post(self.url, body, format="json").status_code, (401, 403))
        auditor = APIClient()
        auditor.force_authenticate(make_user("hazard_auditor", None, RoleCode.AUDITOR))
        self.assertEqual(auditor.post(self.url, body, format="json").status_code, 403)
