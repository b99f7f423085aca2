"""Decree 493 Art. 3 grading, as pure functions over a band table kept as data.

Each criterion (deaths, serious injuries, direct economic loss) is graded on its own against the
lower bound of each band ("以上" includes the bound), and the highest grade reached by any one
criterion is the accident's grade. The band table can be replaced by the setting
``ACCIDENT_GRADE_BANDS`` (supplementary rules under Art. 3 may change it).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from anjian.accidents.choices import AccidentGrade, Criterion, ReportLevel, grade_rank


@dataclass(frozen=True)
class GradeBand:
    """The lower bounds at which a grade starts, per criterion (inclusive)."""

    grade: str
    deaths: int
    serious_injuries: int
    direct_loss_yuan: Decimal


# Decree 493 Art. 3, highest grade first. 一般事故 is what reaches none of these.
DEFAULT_GRADE_BANDS: tuple[GradeBand, ...] = (
    GradeBand(AccidentGrade.EXTRAORDINARY, 30, 100, Decimal("100000000")),
    GradeBand(AccidentGrade.MAJOR, 10, 50, Decimal("50000000")),
    GradeBand(AccidentGrade.LARGER, 3, 10, Decimal("10000000")),
)

# Decree 493 Art. 10: how high the report must go for each grade.
REPORT_UP_TO: dict[str, str] = {
    AccidentGrade.GENERAL: ReportLevel.CITY,
    AccidentGrade.LARGER: ReportLevel.PROVINCE,
    AccidentGrade.MAJOR: ReportLevel.NATIONAL,
    AccidentGrade.EXTRAORDINARY: ReportLevel.NATIONAL,
}

CRITERIA: tuple[str, ...] = (Criterion.DEATHS, Criterion.SERIOUS_INJURIES, Criterion.DIRECT_LOSS)


def bands_from_setting(rows: Iterable[Mapping[str, Any]]) -> tuple[GradeBand, ...]:
    """A band table from plain data (``[{"grade": "major", "deaths": 10, ...}, ...]``), checked:
    every grade above 一般 once, and bounds rising with the grade."""
    bands = tuple(
        GradeBand(
            grade=AccidentGrade(row["grade"]),
            deaths=int(row["deaths"]),
            serious_injuries=int(row["serious_injuries"]),
            direct_loss_yuan=Decimal(str(row["direct_loss_yuan"])),
        )
        for row in rows
    )
    bands = tuple(sorted(bands, key=lambda b: -grade_rank(b.grade)))
    expected = [g for g in reversed(AccidentGrade.values) if g != AccidentGrade.GENERAL]
    if [b.grade for b in bands] != expected:
        raise ValueError("ACCIDENT_GRADE_BANDS must list larger, major and extraordinary once each")
    for higher, lower in itertools.pairwise(bands):
        if (
            higher.deaths <= lower.deaths
            or higher.serious_injuries <= lower.serious_injuries
            or higher.direct_loss_yuan <= lower.direct_loss_yuan
        ):
            raise ValueError("ACCIDENT_GRADE_BANDS: bounds must rise with the grade")
    return bands


def configured_bands() -> tuple[GradeBand, ...]:
    rows = getattr(settings, "ACCIDENT_GRADE_BANDS", None)
    return bands_from_setting(rows) if rows else DEFAULT_GRADE_BANDS


def missing_count_as_deaths() -> bool:
    return bool(getattr(settings, "ACCIDENT_MISSING_AS_DEATHS", True))


def _value_grade(value: int | Decimal, attr: str, bands: Sequence[GradeBand]) -> str:
    for band in bands:  # highest first
        if value >= getattr(band, attr):
            return band.grade
    return AccidentGrade.GENERAL


@dataclass(frozen=True)
class GradeResult:
    grade: str
    decided_by: tuple[str, ...]
    by_criterion: dict[str, str] = field(default_factory=dict)
    # True while the economic loss is unknown: the grade is a lower bound and can only rise.
    provisional: bool = False

    @property
    def report_up_to(self) -> str:
        return REPORT_UP_TO[self.grade]

    def explanation(self) -> str:
        names = "、".join(str(Criterion(c).label) for c in self.decided_by)
        text = _("%(grade)s，由%(criteria)s决定") % {
            "grade": AccidentGrade(self.grade).label,
            "criteria": names,
        }
        if self.provisional:
            text += _("（直接经济损失未知，等级为下限）")
        return text


def grade_accident(
    *,
    deaths: int,
    serious_injuries: int,
    direct_loss_yuan: Decimal | int | float | None,
    missing: int = 0,
    missing_as_deaths: bool | None = None,
    bands: Sequence[GradeBand] | None = None,
) -> GradeResult:
    """The Decree 493 grade of an accident and the criteria that decided it.

    ``direct_loss_yuan`` of ``None`` means unknown (not zero): the result is then provisional.
    Missing persons count with the deaths unless ``missing_as_deaths`` (default: the setting
    ``ACCIDENT_MISSING_AS_DEATHS``) is false.
    """
    bands = configured_bands() if bands is None else bands
    if missing_as_deaths is None:
        missing_as_deaths = missing_count_as_deaths()
    if min(deaths, serious_injuries, missing) < 0:
        raise ValueError("casualty counts cannot be negative")
    loss = None if direct_loss_yuan is None else Decimal(str(direct_loss_yuan))
    if loss is not None and loss < 0:
        raise ValueError("the direct economic loss cannot be negative")
    by_criterion = {
        Criterion.DEATHS.value: _value_grade(deaths + (missing if missing_as_deaths else 0), "deaths", bands),
        Criterion.SERIOUS_INJURIES.value: _value_grade(serious_injuries, "serious_injuries", bands),
        Criterion.DIRECT_LOSS.value: _value_grade(loss or Decimal(0), "direct_loss_yuan", bands),
    }
    grade = max(by_criterion.values(), key=grade_rank)
    # An unknown loss never decides anything: it was graded as zero, a lower bound.
    decided_by = tuple(
        c for c in CRITERIA if by_criterion[c] == grade and not (c == Criterion.DIRECT_LOSS and loss is None)
    )
    return GradeResult(
        grade=grade, decided_by=decided_by, by_criterion=by_criterion, provisional=loss is None
    )
