"""Accident statistics by region, sector, type, grade and month with year-on-year change, computed
by SQL aggregation within the user's scope."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, F, IntegerField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accidents.choices import AccidentGrade, AccidentType
from anjian.accidents.models import AccidentReport
from anjian.core.scope import scope_for
from anjian.industries.choices import Sector
from anjian.regions.models import Region, RegionLevel


@dataclass(frozen=True)
class Row:
    key: str
    name: str
    accidents: int
    deaths: int
    last_accidents: int
    last_deaths: int

    @property
    def accidents_change(self) -> float | None:
        return _change(self.accidents, self.last_accidents)

    @property
    def deaths_change(self) -> float | None:
        return _change(self.deaths, self.last_deaths)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "accidents": self.accidents,
            "deaths": self.deaths,
            "last_accidents": self.last_accidents,
            "last_deaths": self.last_deaths,
            "accidents_change": self.accidents_change,
            "deaths_change": self.deaths_change,
        }


def _change(now: int, before: int) -> float | None:
    """Year-on-year change in percent; None when last year had none (no base to compare with)."""
    return None if before == 0 else round((now - before) * 100 / before, 1)


def _period(year: int, now: datetime) -> tuple[datetime, datetime, datetime, datetime]:
    """This year's period and the same period of last year (同期): the whole year, or up to now."""
    tz = timezone.get_current_timezone()
    start, last_start = datetime(year, 1, 1, tzinfo=tz), datetime(year - 1, 1, 1, tzinfo=tz)
    local_now = timezone.localtime(now)
    if local_now.year != year:
        return start, datetime(year + 1, 1, 1, tzinfo=tz), last_start, start
    day = 28 if (local_now.month, local_now.day) == (2, 29) else local_now.day
    return start, local_now, last_start, local_now.replace(year=year - 1, day=day)


def _deaths_expression() -> Any:
    if getattr(settings, "ACCIDENT_MISSING_AS_DEATHS", True):
        return Coalesce(Sum(F("deaths") + F("missing")), Value(0), output_field=IntegerField())
    return Coalesce(Sum("deaths"), Value(0), output_field=IntegerField())


def _grouped(queryset: QuerySet[AccidentReport], key: Any) -> dict[Any, tuple[int, int]]:
    rows = queryset.annotate(k=key).values("k").annotate(n=Count("id"), d=_deaths_expression()).order_by()
    return {row["k"]: (row["n"], row["d"]) for row in rows}


def _rows(
    this: QuerySet[AccidentReport], last: QuerySet[AccidentReport], key: Any, names: dict[Any, str]
) -> list[Row]:
    now_groups, last_groups = _grouped(this, key), _grouped(last, key)
    keys = list(names) + [k for k in {*now_groups, *last_groups} if k not in names]
    rows = []
    for k in keys:
        n, d = now_groups.get(k, (0, 0))
        ln, ld = last_groups.get(k, (0, 0))
        if n or ln or k in names:
            rows.append(Row(str(k), names.get(k, str(k) if k else _("未分类")), n, d, ln, ld))
    return rows


def _region_key(user: Any) -> tuple[int, dict[str, str]]:
    """Group by the level just below the user's scope: provinces, cities, or counties."""
    scope = scope_for(user)
    prefixes = scope.regions or ()
    length = 2 if scope.regions is None else min(6, max(len(p) for p in prefixes) + 2)
    if (
        length == 4
        and not Region.objects.filter(level=RegionLevel.CITY, code__startswith=prefixes[0]).exists()
    ):
        length = 6  # a municipality: its districts hang directly under it
    regions = Region.objects.all()
    if prefixes:
        regions = regions.filter(code__startswith=prefixes[0])
    names = {r.code[:length]: r.name for r in regions if r.code.endswith("0" * (6 - length))}
    return length, names


def accident_statistics(user: Any, year: int, *, now: datetime | None = None) -> dict[str, Any]:
    start, end, last_start, last_end = _period(year, now or timezone.now())
    visible = AccidentReport.objects.visible_to(user)
    this = visible.filter(occurred_at__gte=start, occurred_at__lt=end)
    last = visible.filter(occurred_at__gte=last_start, occurred_at__lt=last_end)
    length, region_names = _region_key(user)
    used_regions = set(this.annotate(k=Substr("region_id", 1, length)).values_list("k", flat=True)) | set(
        last.annotate(k=Substr("region_id", 1, length)).values_list("k", flat=True)
    )
    total = _rows(this, last, Value("all"), {"all": _("合计")})
    return {
        "year": year,
        "period": (start, end),
        "last_period": (last_start, last_end),
        "total": total[0],
        "by_region": _rows(
            this,
            last,
            Substr("region_id", 1, length),
            {k: v for k, v in region_names.items() if k in used_regions},
        ),
        "by_sector": _rows(this, last, F("sector"), {v: str(label) for v, label in Sector.choices}),
        "by_type": [
            r
            for r in _rows(
                this, last, F("accident_type"), {v: str(label) for v, label in AccidentType.choices}
            )
            if r.accidents or r.last_accidents
        ],
        "by_grade": _rows(this, last, F("grade"), {v: str(label) for v, label in AccidentGrade.choices}),
        "by_month": _rows(
            this, last, ExtractMonth("occurred_at"), {m: _("%(m)d月") % {"m": m} for m in range(1, 13)}
        ),
    }


DIMENSIONS = (
    ("by_region", gettext_lazy("按地区")),
    ("by_sector", gettext_lazy("按行业")),
    ("by_type", gettext_lazy("按事故类别")),
    ("by_grade", gettext_lazy("按事故等级")),
    ("by_month", gettext_lazy("按月份")),
)


def statistics_workbook(stats: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    header = [
        _("分组"),
        _("事故起数"),
        _("死亡人数"),
        _("上年同期起数"),
        _("上年同期死亡人数"),
        _("起数同比（%）"),
        _("死亡同比（%）"),
    ]
    for key, title in DIMENSIONS:
        sheet = workbook.create_sheet(str(title))
        sheet.append(header)
        for row in [*stats[key], stats["total"]]:
            sheet.append(
                [row.name, row.accidents, row.deaths, row.last_accidents, row.last_deaths,
                 row.accidents_change, row.deaths_change]
            )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
