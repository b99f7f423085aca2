"""The reporting chain (Decree 493 Arts. 9–11) as pure functions: which levels a report must
pass for its region and grade, and when each level must have it.

The levels come from the region tree: a county's chain is county → city → province → national,
but a municipality's district (110105) and a province-direct county (419001) hang directly
under the province, and a prefecture-level city without counties (441900) starts at the city.
There is never a step for a level that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from anjian.accidents.choices import ReportLevel, level_rank
from anjian.accidents.grading import REPORT_UP_TO

_REGION_LEVELS = {"county": ReportLevel.COUNTY, "city": ReportLevel.CITY, "province": ReportLevel.PROVINCE}


@dataclass(frozen=True)
class ChainLevel:
    level: str
    region_code: str | None  # None for the national level


def chain_for_ancestry(ancestry: Sequence[tuple[str, str]]) -> list[ChainLevel]:
    """Every level above an accident, from ``(code, region level)`` pairs of the accident's region
    and its ancestors, lowest first; the national level closes the chain."""
    levels = [ChainLevel(_REGION_LEVELS[level], code) for code, level in ancestry]
    return [*levels, ChainLevel(ReportLevel.NATIONAL, None)]


def required_chain(available: Sequence[ChainLevel], grade: str) -> list[ChainLevel]:
    """The levels the report must reach for ``grade``: up to the level Art. 10 names, or the next
    existing level above it when that level does not exist (a municipality is also a city)."""
    target = level_rank(REPORT_UP_TO[grade])
    required: list[ChainLevel] = []
    for item in available:
        required.append(item)
        if level_rank(item.level) >= target:
            break
    return required


@dataclass(frozen=True)
class TimeLimits:
    first: timedelta  # the unit to the first (county-level) department: 1 hour (Art. 9)
    next: timedelta  # each further level: 2 hours (Art. 11)

    @classmethod
    def configured(cls) -> TimeLimits:
        return cls(
            first=timedelta(minutes=settings.ACCIDENT_FIRST_REPORT_MINUTES),
            next=timedelta(minutes=settings.ACCIDENT_ESCALATION_MINUTES),
        )


@dataclass(frozen=True)
class StepTimes:
    """What the due time of a step depends on."""

    triggered_at: datetime  # when the step became required (filing, or a supplement raising the grade)
    received_at: datetime | None  # when that level actually received it (not by a skip-level report)


def due_times(occurred_at: datetime, steps: Sequence[StepTimes], limits: TimeLimits) -> list[datetime]:
    """The due time of each step, lowest level first.

    The first level is due ``first`` after the accident. A further level is due ``next`` after the
    last level below it actually received the report (or after it became required, when a
    supplement raised the grade later), plus ``next`` for each level in between; with no receipt
    below it yet, it is due on the worst-case timeline from the accident (T+1 h, T+3 h, T+5 h…).
    """
    first_due = occurred_at + limits.first
    dues: list[datetime] = []
    last_received: tuple[int, datetime] | None = None
    for index, step in enumerate(steps):
        if index == 0:
            due = first_due
        elif last_received is None:
            due = max(first_due, step.triggered_at) + limits.next * index
        else:
            below, received = last_received
            due = max(received, step.triggered_at) + limits.next * (index - below)
        dues.append(due)
        if step.received_at is not None:
            last_received = (index, step.received_at)
    return dues
