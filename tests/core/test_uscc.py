"""GB 32100 rules, with the worked examples of domain/uscc-gb32100.md."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from anjian.core.uscc import (
    CHARS,
    make_uscc,
    normalize_uscc,
    org_code_check_char,
    uscc_check_char,
    uscc_warnings,
    validate_uscc,
)

VALID = ["91110108551385082Q", "91310000132260250X", "91350100M000100Y43", "1134082855783407XL"]


@pytest.mark.parametrize("code", VALID)
def test_domain_examples_are_valid(code: str) -> None:
    validate_uscc(code)


@pytest.mark.parametrize(("code", "expected"), [("91110108551385082A", "Q"), ("91350200M000000510", "D")])
def test_wrong_check_character_names_the_expected_one(code: str, expected: str) -> None:
    with pytest.raises(ValidationError) as e:
        validate_uscc(code)
    assert e.value.messages == [f"统一社会信用代码校验位错误：应为 {expected}。"]


def test_override_accepts_a_wrong_check_character_but_never_a_format_error() -> None:
    validate_uscc("91110108551385082A", allow_check_override=True)
    with pytest.raises(ValidationError, match="18 位"):
        validate_uscc("9111010855138508", allow_check_override=True)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9111010855138508", "统一社会信用代码应为 18 位，实际为 16 位。"),
        ("91110108551385082QQ", "统一社会信用代码应为 18 位，实际为 19 位。"),
        ("9111010855138508OQ", "统一社会信用代码含非法字符：O（不使用 I、O、S、V、Z）。"),
        ("91110108551385-82Q", "统一社会信用代码含非法字符：-（不使用 I、O、S、V、Z）。"),
        ("", "统一社会信用代码应为 18 位，实际为 0 位。"),
    ],
)
def test_format_errors(code: str, message: str) -> None:
    with pytest.raises(ValidationError) as e:
        validate_uscc(code)
    assert e.value.messages == [message]


def test_normalisation_trims_upper_cases_and_folds_full_width_but_keeps_letter_o() -> None:
    assert normalize_uscc(" ９１１１０１０８５５１３８５０８２ｑ ") == "91110108551385082Q"
    assert normalize_uscc("9111010855138508oq") == "9111010855138508OQ"


def test_organisation_code_examples() -> None:
    assert org_code_check_char("55138508") == "2"
    assert org_code_check_char("13226025") == "0"
    assert org_code_check_char("M000100Y") == "4"


def test_embedded_organisation_code_mismatch_is_only_a_warning() -> None:
    assert uscc_warnings("91110108551385082Q") == []
    code = make_uscc("91110108551385083")  # organisation check 3 instead of 2, USCC check fixed up
    validate_uscc(code)
    assert uscc_warnings(code) == ["内嵌组织机构代码校验位不符（应为 2），请核对。"]


first17 = st.text(alphabet=CHARS, min_size=17, max_size=17)


@given(first17)
def test_make_uscc_is_always_valid(prefix: str) -> None:
    validate_uscc(make_uscc(prefix))


@given(first17, st.integers(min_value=0, max_value=17), st.sampled_from(CHARS))
def test_any_single_character_change_is_detected(prefix: str, position: int, replacement: str) -> None:
    code = make_uscc(prefix)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        with pytest.raises(ValidationError):
            validate_uscc(changed)


@given(first17)
def test_check_char_is_in_the_alphabet(prefix: str) -> None:
    assert uscc_check_char(prefix) in CHARS
