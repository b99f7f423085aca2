"""Risk grading (domain/hidden-dangers-order16.md part C): worked examples, the band boundaries with
their inclusivity, the matrix variants, and properties over every input the tables allow."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anjian.risks import grading
from anjian.risks.grading import LEC, MATRIX, Band, GradingError, MethodConfig

LEC_DEFAULT = grading.DEFAULT_CONFIGS[LEC]
MATRIX_DEFAULT = grading.DEFAULT_CONFIGS[MATRIX]
RANK = {"blue": 1, "yellow": 2, "orange": 3, "red": 4}


def lec(l_: str, e: str, c: str, config: MethodConfig = LEC_DEFAULT) -> grading.Assessment:
    return grading.assess(config, {"l": l_, "e": e, "c": c})


def matrix(l_: int, s: int, variant: str = "A") -> str:
    config = replace(MATRIX_DEFAULT, bands=grading.MATRIX_VARIANTS[variant])
    return grading.assess(config, {"l": l_, "s": s}).level


@pytest.mark.parametrize(
    ("inputs", "score", "level"),
    [
        (("3", "6", "40"), "720", "red"),  # possible, daily, several deaths
        (("6", "6", "15"), "540", "red"),
        (("3", "6", "15"), "270", "orange"),
        (("1", "6", "40"), "240", "orange"),
        (("3", "6", "7"), "126", "yellow"),
        (("1", "6", "15"), "90", "yellow"),
        (("1", "6", "7"), "42", "blue"),
        (("0.5", "3", "3"), "4.5", "blue"),
        (("0.1", "0.5", "1"), "0.05", "blue"),
        (("10", "10", "100"), "10000", "red"),
    ],
)
def test_lec_worked_examples(inputs: tuple[str, str, str], score: str, level: str) -> None:
    result = lec(*inputs)
    assert (result.score, result.level) == (Decimal(score), level)


def test_lec_reachable_boundary_70_is_blue_by_default() -> None:
    # D = 70 is reachable (L 1 × E 10 × C 7); by default each band includes its upper end.
    assert lec("1", "10", "7").level == "blue"
    assert lec("10", "1", "7").level == "blue"


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("320.001", "red"),
        ("320", "orange"),
        ("160.001", "orange"),
        ("160", "yellow"),
        ("70.001", "yellow"),
        ("70", "blue"),
        ("0", "blue"),
    ],
)
def test_lec_default_boundaries(score: str, level: str) -> None:
    assert grading.level_of(Decimal(score), LEC_DEFAULT.bands) == level


def test_boundaries_follow_the_configured_inclusivity() -> None:
    lower_inclusive = (
        Band("red", Decimal(320), None, lower_inclusive=True),
        Band("orange", Decimal(160), Decimal(320), lower_inclusive=True, upper_inclusive=False),
        Band("yellow", Decimal(70), Decimal(160), lower_inclusive=True, upper_inclusive=False),
        Band("blue", None, Decimal(70), upper_inclusive=False),
    )
    assert [grading.level_of(Decimal(s), lower_inclusive) for s in ("320", "160", "70", "69.99")] == [
        "red",
        "orange",
        "yellow",
        "blue",
    ]
    config = replace(LEC_DEFAULT, bands=lower_inclusive)
    grading.check_config(config)
    assert lec("1", "10", "7", config).level == "yellow"


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (
            "A",
            {1: "blue", 3: "blue", 4: "yellow", 8: "yellow", 9: "orange", 16: "orange", 20: "red", 25: "red"},
        ),
        ("B", {3: "blue", 4: "yellow", 9: "yellow", 10: "orange", 16: "orange", 20: "red"}),
        ("C", {8: "blue", 9: "yellow", 12: "yellow", 15: "orange", 16: "orange", 20: "red"}),
    ],
)
def test_matrix_variants(variant: str, expected: dict[int, str]) -> None:
    pairs = {1: (1, 1), 3: (1, 3), 4: (2, 2), 8: (2, 4), 9: (3, 3), 10: (2, 5), 12: (3, 4)}
    pairs |= {15: (3, 5), 16: (4, 4), 20: (4, 5), 25: (5, 5)}
    for product, level in expected.items():
        assert matrix(*pairs[product], variant=variant) == level, (variant, product)


def test_matrix_products_are_the_fourteen_of_the_document() -> None:
    assert [int(s) for s in grading.reachable_scores(MATRIX_DEFAULT)] == [
        1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25
    ]  # fmt: skip


def test_default_and_variant_configs_are_complete() -> None:
    grading.check_config(LEC_DEFAULT)
    for bands in grading.MATRIX_VARIANTS.values():
        grading.check_config(replace(MATRIX_DEFAULT, bands=bands))


def test_matrix_grid_colours_every_cell() -> None:
    grid = grading.matrix_grid(MATRIX_DEFAULT)
    assert len(grid) == 5
    assert all(len(row["cells"]) == 5 for row in grid)
    assert grid[0]["cells"][-1] == {"s": Decimal(5), "score": Decimal(25), "level": "red"}


def test_a_value_outside_the_table_is_refused_with_the_allowed_values() -> None:
    with pytest.raises(GradingError) as error:
        lec("4", "6", "15")
    assert list(error.value.errors) == ["l"]
    assert "0.5" in error.value.errors["l"][0]
    assert "不在分值表中" in error.value.errors["l"][0]
    with pytest.raises(GradingError) as error:
        grading.assess(LEC_DEFAULT, {"l": "3", "e": "", "c": "x"})
    assert set(error.value.errors) == {"e", "c"}


def test_a_gap_or_an_overlap_in_the_bands_is_refused() -> None:
    gap = (
        Band("red", Decimal(320), None, lower_inclusive=False),
        Band("orange", Decimal(160), Decimal(320), lower_inclusive=False),
        Band("yellow", Decimal(80), Decimal(160), lower_inclusive=False),
        Band("blue", None, Decimal(70)),
    )
    with pytest.raises(GradingError) as error:
        grading.check_config(replace(LEC_DEFAULT, bands=gap))
    assert any("不在任何等级区间内" in m for m in error.value.errors["bands"])
    overlap = (
        Band("red", Decimal(20), None),
        Band("orange", Decimal(9), Decimal(20)),
        Band("yellow", Decimal(4), Decimal(8)),
        Band("blue", None, Decimal(3)),
    )
    with pytest.raises(GradingError) as error:
        grading.check_config(replace(MATRIX_DEFAULT, bands=overlap))
    assert any("同时落在" in m for m in error.value.errors["bands"])
    missing = LEC_DEFAULT.bands[:3]
    with pytest.raises(GradingError):
        grading.check_config(replace(LEC_DEFAULT, bands=missing))


def test_stored_form_round_trips() -> None:
    for config in grading.DEFAULT_CONFIGS.values():
        assert grading.from_dict(config.as_dict()) == config
    with pytest.raises(GradingError):
        grading.from_dict({"method": "lec"})


# --- properties ------------------------------------------------------------------------------------

lec_inputs = st.tuples(
    st.sampled_from(LEC_DEFAULT.factor("l").values),
    st.sampled_from(LEC_DEFAULT.factor("e").values),
    st.sampled_from(LEC_DEFAULT.factor("c").values),
)


@given(lec_inputs)
def test_lec_score_is_the_product_and_one_level(inputs: tuple[Decimal, Decimal, Decimal]) -> None:
    l_, e, c = inputs
    result = grading.assess(LEC_DEFAULT, {"l": l_, "e": e, "c": c})
    assert result.score == l_ * e * c
    assert sum(band.contains(result.score) for band in LEC_DEFAULT.bands) == 1


@given(lec_inputs, lec_inputs)
def test_lec_level_never_falls_when_every_factor_rises(
    a: tuple[Decimal, Decimal, Decimal], b: tuple[Decimal, Decimal, Decimal]
) -> None:
    low = tuple(min(x, y) for x, y in zip(a, b, strict=True))
    high = tuple(max(x, y) for x, y in zip(a, b, strict=True))
    level_low = grading.assess(LEC_DEFAULT, dict(zip("lec", low, strict=True))).level
    level_high = grading.assess(LEC_DEFAULT, dict(zip("lec", high, strict=True))).level
    assert RANK[level_low] <= RANK[level_high]


@given(st.integers(1, 5), st.integers(1, 5), st.sampled_from(sorted(grading.MATRIX_VARIANTS)))
def test_matrix_is_symmetric_in_l_and_s(l_: int, s: int, variant: str) -> None:
    assert matrix(l_, s, variant) == matrix(s, l_, variant)


cut = st.decimals(min_value=0, max_value=10000, places=2, allow_nan=False, allow_infinity=False)


@given(
    st.lists(cut, min_size=3, max_size=3, unique=True),
    st.lists(st.booleans(), min_size=3, max_size=3),
    st.decimals(min_value=-1, max_value=20000, places=3, allow_nan=False, allow_infinity=False),
)
def test_contiguous_bands_partition_every_score(
    cuts: list[Decimal], upper_ends: list[bool], score: Decimal
) -> None:
    """Bands sharing their cut-offs, each cut-off in exactly one of its two bands, grade any score
    into exactly one level, and the level rises with the score."""
    low, mid, high = sorted(cuts)
    bands = (
        Band("red", high, None, lower_inclusive=not upper_ends[2]),
        Band("orange", mid, high, lower_inclusive=not upper_ends[1], upper_inclusive=upper_ends[2]),
        Band("yellow", low, mid, lower_inclusive=not upper_ends[0], upper_inclusive=upper_ends[1]),
        Band("blue", None, low, upper_inclusive=upper_ends[0]),
    )
    assert sum(band.contains(score) for band in bands) == 1
    level = grading.level_of(score, bands)
    above = grading.level_of(score + Decimal("0.001"), bands)
    assert RANK[level] <= RANK[above]
    if score == high:
        assert level == ("orange" if upper_ends[2] else "red")
