"""Risk grading (安全风险分级): the LEC method (D = L × E × C) and the 5×5 risk matrix (R = L × S),
mapped to the four national colours by a configured band table.

Pure: nothing here reads the database. The methods, factor tables and cut-offs are not national
rules (domain/hidden-dangers-order16.md part C): provinces and sectors differ, so a
``MethodConfig`` carries them, and each band says whether it includes its lower and upper ends.
The defaults below are the common practice the domain document gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import product
from typing import Any

from django.utils.translation import gettext as _

LEC = "lec"
MATRIX = "matrix"
METHODS = (LEC, MATRIX)

# The four national levels, most severe first (C1: fixed nationally).
LEVELS = ("red", "orange", "yellow", "blue")

# The factors of each method, in the order they multiply.
FACTORS: dict[str, tuple[str, ...]] = {LEC: ("l", "e", "c"), MATRIX: ("l", "s")}


class GradingError(ValueError):
    """Inputs or a configuration that cannot be graded; ``errors`` maps a field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


@dataclass(frozen=True)
class Band:
    """One level's score range. ``lower``/``upper`` of None mean unbounded on that side."""

    level: str
    lower: Decimal | None
    upper: Decimal | None
    lower_inclusive: bool = True
    upper_inclusive: bool = True

    def contains(self, score: Decimal) -> bool:
        if self.lower is not None and (
            score < self.lower or (score == self.lower and not self.lower_inclusive)
        ):
            return False
        return not (
            self.upper is not None
            and (score > self.upper or (score == self.upper and not self.upper_inclusive))
        )

    def describe(self) -> str:
        """``160 < D ≤ 320`` style text (the score letter is left to the caller: ``x``)."""
        parts = []
        if self.lower is not None:
            parts.append(f"{format_number(self.lower)} {'≤' if self.lower_inclusive else '<'} ")
        parts.append("x")
        if self.upper is not None:
            parts.append(f" {'≤' if self.upper_inclusive else '<'} {format_number(self.upper)}")
        return "".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "lower": None if self.lower is None else str(self.lower),
            "upper": None if self.upper is None else str(self.upper),
            "lower_inclusive": self.lower_inclusive,
            "upper_inclusive": self.upper_inclusive,
        }


@dataclass(frozen=True)
class Factor:
    """A factor's table: the allowed scores with their meaning, highest first."""

    code: str
    name: str
    rows: tuple[tuple[Decimal, str], ...]

    @property
    def values(self) -> tuple[Decimal, ...]:
        return tuple(value for value, _label in self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "rows": [[str(v), label] for v, label in self.rows]}


@dataclass(frozen=True)
class MethodConfig:
    method: str
    factors: tuple[Factor, ...]
    bands: tuple[Band, ...]

    def factor(self, code: str) -> Factor:
        return next(f for f in self.factors if f.code == code)

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "factors": [f.as_dict() for f in self.factors],
            "bands": [b.as_dict() for b in self.bands],
        }


@dataclass(frozen=True)
class Assessment:
    score: Decimal
    level: str
    inputs: Mapping[str, Decimal] = field(default_factory=dict)


def format_number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def score_of(method: str, inputs: Mapping[str, Decimal]) -> Decimal:
    """D = L × E × C, or R = L × S."""
    result = Decimal(1)
    for code in FACTORS[method]:
        result *= inputs[code]
    return result


def level_of(score: Decimal, bands: Iterable[Band]) -> str:
    """The level whose band holds ``score``; the first match when bands overlap (validated away)."""
    for band in bands:
        if band.contains(score):
            return band.level
    raise GradingError(
        {"score": [_("分值 %(score)s 不在任何风险等级区间内，请检查分级配置。") % {"score": score}]}
    )


def assess(config: MethodConfig, raw: Mapping[str, Any]) -> Assessment:
    """Check the inputs against the factor tables and grade them."""
    errors: dict[str, list[str]] = {}
    inputs: dict[str, Decimal] = {}
    for factor in config.factors:
        value = _decimal(raw.get(factor.code))
        if value is None:
            errors[factor.code] = [_("请填写 %(name)s 的取值。") % {"name": factor.name}]
        elif value not in factor.values:
            allowed = "、".join(format_number(v) for v in factor.values)
            errors[factor.code] = [
                _("%(name)s 的取值 %(value)s 不在分值表中，应为：%(allowed)s。")
                % {"name": factor.name, "value": format_number(value), "allowed": allowed}
            ]
        else:
            inputs[factor.code] = value
    if errors:
        raise GradingError(errors)
    score = score_of(config.method, inputs)
    return Assessment(score=score, level=level_of(score, config.bands), inputs=inputs)


def reachable_scores(config: MethodConfig) -> list[Decimal]:
    """Every score the factor tables can produce (252 for the default LEC, 14 for the matrix)."""
    tables = [config.factor(code).values for code in FACTORS[config.method]]
    return sorted(
        {
            score_of(config.method, dict(zip(FACTORS[config.method], combo, strict=True)))
            for combo in product(*tables)
        }
    )


def _finite(value: Any) -> bool:
    try:
        return Decimal(str(value)).is_finite()
    except (InvalidOperation, ValueError):
        return False


def check_config(config: MethodConfig) -> None:
    """A configuration must grade every reachable score into exactly one of the four levels."""
    errors: dict[str, list[str]] = {}
    if config.method not in METHODS:
        errors["method"] = [_("未知的评价方法：%(method)s。") % {"method": config.method}]
        raise GradingError(errors)
    codes = [f.code for f in config.factors]
    if codes != list(FACTORS[config.method]):
        errors["factors"] = [
            _("评价方法的因素应为：%(codes)s。") % {"codes": "、".join(FACTORS[config.method])}
        ]
    for factor in config.factors:
        if not factor.rows:
            errors.setdefault("factors", []).append(_("因素 %(name)s 没有分值。") % {"name": factor.name})
        elif not all(_finite(v) for v in factor.values):
            errors.setdefault("factors", []).append(
                _("因素 %(name)s 的分值应为有限的数，不能是 NaN 或无穷大。") % {"name": factor.name}
            )
        elif any(v <= 0 for v in factor.values) or len(set(factor.values)) != len(factor.values):
            errors.setdefault("factors", []).append(
                _("因素 %(name)s 的分值应为互不相同的正数。") % {"name": factor.name}
            )
    for band in config.bands:
        if not all(_finite(v) for v in (band.lower, band.upper) if v is not None):
            errors.setdefault("bands", []).append(
                _("%(level)s 区间上下限应为有限的数。") % {"level": level_label(band.level)}
            )
            continue
        if band.level not in LEVELS:
            errors.setdefault("bands", []).append(_("未知的风险等级：%(level)s。") % {"level": band.level})
        if band.lower is not None and band.upper is not None and band.lower > band.upper:
            errors.setdefault("bands", []).append(
                _("%(level)s 区间下限大于上限。") % {"level": level_label(band.level)}
            )
    if sorted(b.level for b in config.bands) != sorted(LEVELS):
        errors.setdefault("bands", []).append(_("红、橙、黄、蓝四个等级各需且仅需一个分值区间。"))
    if errors:
        raise GradingError(errors)
    for score in reachable_scores(config):
        matches = [band.level for band in config.bands if band.contains(score)]
        if len(matches) != 1:
            text = (
                _("分值 %(score)s 不在任何等级区间内。")
                if not matches
                else _("分值 %(score)s 同时落在%(levels)s区间内。")
            ) % {"score": format_number(score), "levels": "、".join(level_label(m) for m in matches)}
            errors.setdefault("bands", []).append(text)
    if errors:
        raise GradingError(errors)


def level_label(level: str) -> str:
    return {
        "red": _("红色（重大风险）"),
        "orange": _("橙色（较大风险）"),
        "yellow": _("黄色（一般风险）"),
        "blue": _("蓝色（低风险）"),
    }.get(level, level)


def from_dict(data: Mapping[str, Any]) -> MethodConfig:
    """A configuration from its stored JSON form (``as_dict``)."""
    try:
        factors = tuple(
            Factor(
                code=f["code"],
                name=f["name"],
                rows=tuple((Decimal(str(value)), str(label)) for value, label in f["rows"]),
            )
            for f in data["factors"]
        )
        bands = tuple(
            Band(
                level=b["level"],
                lower=_decimal(b.get("lower")),
                upper=_decimal(b.get("upper")),
                lower_inclusive=bool(b.get("lower_inclusive", True)),
                upper_inclusive=bool(b.get("upper_inclusive", True)),
            )
            for b in data["bands"]
        )
        return MethodConfig(method=str(data["method"]), factors=factors, bands=bands)
    except (KeyError, TypeError, ValueError, InvalidOperation) as e:
        raise GradingError({"config": [_("分级配置格式错误：%(error)s") % {"error": e}]}) from e


def _d(text: str) -> Decimal:
    return Decimal(text)


# --- defaults (domain/hidden-dangers-order16.md C2, C3) -------------------------------------------
# Labels stay in Chinese here: they are stored with each configuration version as data.

LEC_FACTORS = (
    Factor(
        "l",
        "L（事故发生的可能性）",
        (
            (_d("10"), "完全可以预料"),
            (_d("6"), "相当可能"),
            (_d("3"), "可能，但不经常"),
            (_d("1"), "可能性小，完全意外"),
            (_d("0.5"), "很不可能，可以设想"),
            (_d("0.2"), "极不可能"),
            (_d("0.1"), "实际不可能"),
        ),
    ),
    Factor(
        "e",
        "E（暴露于危险环境的频繁程度）",
        (
            (_d("10"), "连续暴露"),
            (_d("6"), "每天工作时间内暴露"),
            (_d("3"), "每周一次或偶然暴露"),
            (_d("2"), "每月一次暴露"),
            (_d("1"), "每年几次暴露"),
            (_d("0.5"), "非常罕见地暴露"),
        ),
    ),
    Factor(
        "c",
        "C（发生事故可能造成的后果）",
        (
            (_d("100"), "大灾难，许多人死亡"),
            (_d("40"), "灾难，数人死亡"),
            (_d("15"), "非常严重，一人死亡"),
            (_d("7"), "严重，重伤"),
            (_d("3"), "重大，致残"),
            (_d("1"), "引人注目，需要救护"),
        ),
    ),
)

# > 320 red, 160–320 orange, 70–160 yellow, < 70 blue; each band includes its upper end
# (D = 320 is orange, D = 160 yellow, D = 70 blue): the classic "160 < D ≤ 320" reading.
LEC_BANDS = (
    Band("red", _d("320"), None, lower_inclusive=False),
    Band("orange", _d("160"), _d("320"), lower_inclusive=False, upper_inclusive=True),
    Band("yellow", _d("70"), _d("160"), lower_inclusive=False, upper_inclusive=True),
    Band("blue", None, _d("70"), upper_inclusive=True),
)

MATRIX_FACTORS = (
    Factor(
        "l",
        "L（事故发生的可能性）",
        (
            (_d("5"), "几乎肯定发生"),
            (_d("4"), "很可能发生"),
            (_d("3"), "可能发生"),
            (_d("2"), "不太可能发生"),
            (_d("1"), "极不可能发生"),
        ),
    ),
    Factor(
        "s",
        "S（事故后果的严重程度）",
        (
            (_d("5"), "灾难性：多人死亡或重大财产损失"),
            (_d("4"), "严重：一人死亡或多人重伤"),
            (_d("3"), "较重：重伤或致残"),
            (_d("2"), "一般：轻伤，需要医疗处理"),
            (_d("1"), "轻微：急救处理即可"),
        ),
    ),
)


def _matrix_bands(
    red: tuple[int, int], orange: tuple[int, int], yellow: tuple[int, int], blue: tuple[int, int]
) -> tuple[Band, ...]:
    return tuple(
        Band(level, Decimal(low), Decimal(high))
        for level, (low, high) in (("red", red), ("orange", orange), ("yellow", yellow), ("blue", blue))
    )


# The variants of C3; products between the listed ranges (17–19) cannot occur.
MATRIX_VARIANTS: dict[str, tuple[Band, ...]] = {
    "A": _matrix_bands((20, 25), (9, 16), (4, 8), (1, 3)),
    "B": _matrix_bands((20, 25), (10, 16), (4, 9), (1, 3)),
    "C": _matrix_bands((20, 25), (15, 16), (9, 12), (1, 8)),
}

DEFAULT_CONFIGS: dict[str, MethodConfig] = {
    LEC: MethodConfig(LEC, LEC_FACTORS, LEC_BANDS),
    MATRIX: MethodConfig(MATRIX, MATRIX_FACTORS, MATRIX_VARIANTS["A"]),
}


def matrix_grid(config: MethodConfig) -> list[dict[str, Any]]:
    """The 5×5 matrix as rows (likelihood, highest first) of cells with product and level."""
    rows = []
    for l_value, l_label in config.factor("l").rows:
        cells = []
        for s_value, _s_label in sorted(config.factor("s").rows):
            product_ = l_value * s_value
            cells.append({"s": s_value, "score": product_, "level": level_of(product_, config.bands)})
        rows.append({"l": l_value, "label": l_label, "cells": cells})
    return rows
