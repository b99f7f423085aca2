"""Unified Social Credit Code (统一社会信用代码), GB 32100-2015 (domain/uscc-gb32100.md).

One validator, used by the model (and so by forms, the API and imports alike).
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def normalize_uscc(value: str) -> str:
    """Trim, turn full-width characters into half-width, upper-case. Never maps O to 0."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def uscc_check_char(first17: str) -> str:
    total = sum(CHARS.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARS[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character of the 8-character organisation code body."""
    total = sum(ORG_CHARS.index(c) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_format_error(code: str) -> str | None:
    """A message when the code is not 18 characters of the allowed set (never overridable)."""
    if len(code) != 18:
        return _("统一社会信用代码应为 18 位，实际为 %(n)d 位。") % {"n": len(code)}
    bad = sorted({c for c in code if c not in CHARS})
    if bad:
        return _("统一社会信用代码含非法字符：%(chars)s（不使用 I、O、S、V、Z）。") % {
            "chars": "、".join(bad)
        }
    return None


def uscc_check_error(code: str) -> str | None:
    """A message naming the expected check character when the 18th character is wrong."""
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：应为 %(expected)s。") % {"expected": expected}
    return None


def uscc_warnings(code: str) -> list[str]:
    """Non-blocking findings: a wrong embedded organisation-code check character."""
    body, check = code[8:16], code[16]
    if all(c in ORG_CHARS for c in body) and org_code_check_char(body) != check:
        return [_("内嵌组织机构代码校验位不符（应为 %(c)s），请核对。") % {"c": org_code_check_char(body)}]
    return []


def validate_uscc(value: str, *, allow_check_override: bool = False) -> None:
    code = normalize_uscc(value)
    if error := uscc_format_error(code):
        raise ValidationError(error, code="uscc_format")
    if not allow_check_override and (error := uscc_check_error(code)):
        raise ValidationError(error, code="uscc_check")


def make_uscc(first17: str) -> str:
    """The full code for 17 leading characters (used by demo data and tests)."""
    return first17 + uscc_check_char(first17)
