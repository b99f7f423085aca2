"""Reporting periods and deadlines, as pure functions of a duty's rule and a date.

A periodic duty (quarterly, annual) is due ``due_months_after`` months after its period ends, on
``due_day`` (the month's last day when shorter): quarterly hidden-danger statistics for Q3 2026
are due 2026-10-15. A rolling duty (every N years) is due N years after the last filing.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta


class PeriodKind:
    QUARTERLY = "quarterly"
    ANNUAL = "annual"
    EVERY_N_YEARS = "every_n_years"


@dataclass(frozen=True)
class DueRule:
    kind: str
    every_years: int = 1
    due_months_after: int = 1
    due_day: int = 15

    @property
    def rolling(self) -> bool:
        return self.kind == PeriodKind.EVERY_N_YEARS


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date
    deadline: date


def add_months(day: date, months: int, *, on_day: int | None = None) -> date:
    """``day`` moved by ``months``, on ``on_day`` (or the same day), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(on_day or day.day, last))


def _periodic(rule: DueRule, start: date) -> Period:
    months = 3 if rule.kind == PeriodKind.QUARTERLY else 12
    end = add_months(start, months, on_day=1) - timedelta(days=1)
    deadline = add_months(end, rule.due_months_after, on_day=rule.due_day)
    if rule.kind == PeriodKind.QUARTERLY:
        label = f"{start.year}Q{(start.month - 1) // 3 + 1}"
    else:
        label = str(start.year)
    return Period(label, start, end, deadline)


def period_containing(rule: DueRule, day: date) -> Period:
    if rule.kind == PeriodKind.QUARTERLY:
        return _periodic(rule, date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
    return _periodic(rule, date(day.year, 1, 1))


def previous_period(rule: DueRule, period: Period) -> Period:
    return period_containing(rule, period.start - timedelta(days=1))


def rolling_period(rule: DueRule, day: date, last_filed: date | None) -> Period:
    """The window of a rolling duty: due ``every_years`` after the last filing (now if never)."""
    start = add_months(day, -12 * rule.every_years)
    deadline = add_months(last_filed, 12 * rule.every_years) if last_filed else day
    return Period(str(day.year), start, day, deadline)


def current_period(rule: DueRule, day: date, last_filed: date | None = None) -> Period:
    """The period an enterprise reports for on ``day``: the earliest whose deadline is still ahead
    (on 2026-10-01 that is Q3, due 10-15; from 10-16 on, Q4)."""
    if rule.rolling:
        return rolling_period(rule, day, last_filed)
    period = period_containing(rule, day)
    while (earlier := previous_period(rule, period)).deadline >= day:
        period = earlier
    return period


def recent_periods(rule: DueRule, day: date, count: int = 8) -> list[Period]:
    """The current period and the ones before it, newest first."""
    if rule.rolling:
        return [rolling_period(rule, day, None)]
    periods = [current_period(rule, day)]
    while len(periods) < count:
        periods.append(previous_period(rule, periods[-1]))
    return periods


_LABEL = {PeriodKind.QUARTERLY: re.compile(r"^(\d{4})Q([1-4])$"), PeriodKind.ANNUAL: re.compile(r"^(\d{4})$")}


def period_from_label(rule: DueRule, label: str) -> Period | None:
    """The periodic duty's period named ``2026Q3`` (quarterly) or ``2026`` (annual); None if malformed."""
    pattern = _LABEL.get(rule.kind, _LABEL[PeriodKind.ANNUAL])
    match = pattern.match(label.strip().upper())
    if match is None:
        return None
    year = int(match.group(1))
    if not 1990 <= year <= 2200:
        return None
    if rule.kind == PeriodKind.QUARTERLY:
        return _periodic(rule, date(year, (int(match.group(2)) - 1) * 3 + 1, 1))
    if rule.rolling:
        return Period(str(year), date(year, 1, 1), date(year, 12, 31), date(year, 12, 31))
    return _periodic(rule, date(year, 1, 1))
