"""Hidden danger statistics by region, sector and month, computed by SQL aggregation within the
caller's data scope.

One grouped query over the hidden dangers found in the period (region prefix × sector × month,
a few thousand groups at most) and one over the supervision listings; the tables by region, by
sector, by month and the total are sums of those groups, never a loop over hidden danger rows.

Figures of a period (the hidden dangers *found* in it, as the Order 16 statistical tables count):
found; rectified (closed by now); rectification rate; overdue (not closed and past the deadline
today); major found and major rectified; rectification funds; and the supervision listings
listed and delisted within the period.
"""

from __future__ import annotations

import calendar
import datetime
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.scope import scope_for
from anjian.dangers.models import DangerLevel, DangerStatus, HiddenDanger, SupervisionListing
from anjian.industries.choices import Sector
from anjian.regions.models import Region, RegionLevel

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """``start`` inclusive, ``end`` exclusive (dates in Asia/Shanghai)."""

    start: datetime.date
    end: datetime.date
    label: str

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)


def year_period(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1), _("%(y)d年") % {"y": year})


def quarter_period(year: int, quarter: int) -> Period:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return Period(start, end, _("%(y)d年第%(q)d季度") % {"y": year, "q": quarter})


def month_period(year: int, month: int) -> Period:
    days = calendar.monthrange(year, month)[1]
    start = datetime.date(year, month, 1)
    return Period(start, start + datetime.timedelta(days=days), _("%(y)d年%(m)d月") % {"y": year, "m": month})


def custom_period(first: datetime.date, last: datetime.date) -> Period:
    label = _("%(s)s 至 %(e)s") % {"s": first.isoformat(), "e": last.isoformat()}
    return Period(first, last + datetime.timedelta(days=1), label)


@dataclass
class Row:
    key: str
    name: str
    found: int = 0
    rectified: int = 0
    overdue: int = 0
    major_found: int = 0
    major_rectified: int = 0
    funds: Decimal = Decimal("0.00")
    listed: int = 0
    delisted: int = 0
    # A region code to drill down into (the region rows of a user above county level).
    drill: str = ""

    @property
    def rate(self) -> float | None:
        """Rectification rate in percent; None when nothing was found."""
        return None if self.found == 0 else round(self.rectified * 100 / self.found, 1)

    @property
    def major_rate(self) -> float | None:
        return None if self.major_found == 0 else round(self.major_rectified * 100 / self.major_found, 1)

    def add(self, group: dict[str, Any]) -> None:
        for name in ("found", "rectified", "overdue", "major_found", "major_rectified", "listed", "delisted"):
            setattr(self, name, getattr(self, name) + (group.get(name) or 0))
        # SQLite sums decimals as floating point: back to the field's 2 places.
        self.funds = (self.funds + (group.get("funds") or Decimal("0"))).quantize(CENT)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "found": self.found,
            "rectified": self.rectified,
            "rate": self.rate,
            "overdue": self.overdue,
            "major_found": self.major_found,
            "major_rectified": self.major_rectified,
            "funds": str(self.funds),
            "listed": self.listed,
            "delisted": self.delisted,
        }


@dataclass
class DangerStatistics:
    period: Period
    today: datetime.date
    region: Region | None
    group_length: int
    total: Row
    by_region: list[Row] = field(default_factory=list)
    by_sector: list[Row] = field(default_factory=list)
    by_month: list[Row] = field(default_factory=list)


def group_length(user: Any, region: Region | None) -> int:
    """Group by the level just below the user's scope (or the chosen region): a national user
    sees provinces, a provincial user prefectures (districts for a municipality), a prefecture
    user counties; a county stays one row."""
    if region is not None:
        prefixes: tuple[str, ...] | None = (region.prefix,)
    else:
        prefixes = scope_for(user).regions
    if not prefixes:
        return 2
    prefix = max(prefixes, key=len)
    length = min(6, len(prefix) + 2)
    if length == 4 and not Region.objects.filter(level=RegionLevel.CITY, code__startswith=prefix).exists():
        length = 6  # a municipality: its districts hang directly under it
    return length


def region_names(keys: Iterable[str], length: int) -> dict[str, str]:
    codes = {key: key.ljust(6, "0") for key in keys}
    names = dict(Region.objects.filter(code__in=codes.values()).values_list("code", "name"))
    return {key: names.get(code, key) for key, code in codes.items()}


def _dangers(user: Any, period: Period, sector: str, region: Region | None) -> QuerySet[HiddenDanger]:
    queryset = HiddenDanger.objects.visible_to(user).filter(
        found_at__gte=period.start, found_at__lt=period.end
    )
    if sector:
        queryset = queryset.filter(sector=sector)
    if region is not None:
        queryset = queryset.filter(region__code__startswith=region.prefix)
    return queryset


# PostgreSQL cannot estimate how many groups the expression keys make (it guesses 100,000 where
# there are at most 32 × 5 × 12), so for a large table it sorts on disk, compiles the query with
# JIT and avoids parallel partial aggregation: within the statistics transaction it gets enough
# work_mem for the hash table (ANJIAN_DANGER_STATS_WORK_MEM), no JIT, and parallel workers without
# the tuple-transfer penalty. The listings are few: an index lookup of each one's hidden danger
# beats scanning every hidden danger, as the planner sees with SSD page costs. Measured by
# ``anjian bench danger-stats``.
GROUP_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL parallel_tuple_cost = 0")
LISTING_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL random_page_cost = 1.1")


@contextmanager
def planner_settings(statements: tuple[str, ...]) -> Iterator[None]:
    """Run the block in a transaction with these PostgreSQL planner settings (elsewhere: as is)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.DANGER_STATS_WORK_MEM])
        for statement in statements:
            cursor.execute(statement)
        yield


def _month_of(field: str) -> Any:
    """The month of a date column: PostgreSQL truncates natively; SQLite stores dates as
    ``YYYY-MM-DD`` text, and its ``TruncMonth`` would call a Python function for every row, so
    the first seven characters are the month there."""
    if connection.vendor == "sqlite":
        return Substr(Cast(field, CharField()), 1, 7)
    return TruncMonth(field)


def _as_month(value: Any) -> datetime.date | None:
    """The first day of a group's month, from either form of ``_month_of``."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date(int(value[:4]), int(value[5:7]), 1)
    return value if isinstance(value, datetime.date) else None


def danger_groups(
    queryset: QuerySet[HiddenDanger], length: int, today: datetime.date
) -> list[dict[str, Any]]:
    """The one aggregation over hidden dangers: figures per (region prefix, sector, month)."""
    closed = Q(status=DangerStatus.CLOSED)
    major = Q(level=DangerLevel.MAJOR)
    rows = (
        queryset.annotate(k=Substr("region_id", 1, length), s=F("sector"), m=_month_of("found_at"))
        .values("k", "s", "m")
        .annotate(
            found=Count("id"),
            rectified=Count("id", filter=closed),
            overdue=Count("id", filter=~closed & Q(deadline__lt=today)),
            major_found=Count("id", filter=major),
            major_rectified=Count("id", filter=major & closed),
            funds=Coalesce(Sum("funds"), Value(Decimal("0")), output_field=DecimalField()),
        )
        .order_by()
    )
    return [dict(row) for row in rows]


def listing_groups(
    user: Any, period: Period, sector: str, region: Region | None, length: int
) -> list[dict[str, Any]]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.end, datetime.time.min, tzinfo=tz)
    listed = Q(listed_at__gte=period.start, listed_at__lt=period.end)
    delisted = Q(delisted_at__gte=start, delisted_at__lt=end)
    queryset = SupervisionListing.objects.visible_to(user).filter(listed | delisted)
    if sector:
        queryset = queryset.filter(danger__sector=sector)
    if region is not None:
        queryset = queryset.filter(danger__region__code__startswith=region.prefix)
    return list(
        queryset.annotate(k=Substr("danger__region_id", 1, length), s=F("danger__sector"))
        .values("k", "s")
        .annotate(listed=Count("id", filter=listed), delisted=Count("id", filter=delisted))
        .order_by()
    )


def _months(period: Period) -> list[datetime.date]:
    months, month = [], period.start.replace(day=1)
    while month < period.end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def danger_statistics(
    user: Any,
    period: Period,
    *,
    sector: str = "",
    region: Region | None = None,
    today: datetime.date | None = None,
) -> DangerStatistics:
    """The statistics of ``period`` for ``user`` (optionally one sector, one region subtree)."""
    today = today or timezone.localdate()
    length = group_length(user, region)
    with planner_settings(GROUP_SETTINGS):
        groups = danger_groups(_dangers(user, period, sector, region), length, today)
    with planner_settings(LISTING_SETTINGS):
        listings = listing_groups(user, period, sector, region, length)

    regions: dict[str, Row] = {}
    sectors = {value: Row(value, str(label)) for value, label in Sector.choices}
    months = {
        m: Row(m.strftime("%Y-%m"), _("%(y)d年%(m)d月") % {"y": m.year, "m": m.month})
        for m in _months(period)
    }
    total = Row("total", _("合计"))
    names = region_names({g["k"] for g in groups} | {g["k"] for g in listings}, length)
    can_drill = length < 6
    for group in [*groups, *listings]:
        key = group["k"]
        if key not in regions:
            regions[key] = Row(key, names.get(key, key), drill=key.ljust(6, "0") if can_drill else "")
        regions[key].add(group)
        sectors.setdefault(group["s"], Row(group["s"], group["s"])).add(group)
        month = _as_month(group.get("m"))
        if month is not None:
            months.setdefault(month, Row(month.strftime("%Y-%m"), month.strftime("%Y-%m"))).add(group)
        total.add(group)
    return DangerStatistics(
        period=period,
        today=today,
        region=region,
        group_length=length,
        total=total,
        by_region=[regions[key] for key in sorted(regions)],
        by_sector=list(sectors.values()),
        by_month=[months[m] for m in sorted(months)],
    )


COLUMNS = (
    ("found", gettext_lazy("排查隐患（项）")),
    ("rectified", gettext_lazy("已整改（项）")),
    ("rate", gettext_lazy("整改率（%）")),
    ("overdue", gettext_lazy("逾期未整改（项）")),
    ("major_found", gettext_lazy("重大隐患（项）")),
    ("major_rectified", gettext_lazy("重大隐患已整改（项）")),
    ("funds", gettext_lazy("整改资金（万元）")),
    ("listed", gettext_lazy("挂牌督办（项）")),
    ("delisted", gettext_lazy("摘牌销号（项）")),
)


def row_values(row: Row) -> list[Any]:
    return [row.name, *(getattr(row, name) for name, _label in COLUMNS)]


def protect_text(sheet: Any) -> None:
    """Text stays text: a value starting with ``=`` must not become a live formula (CWE-1236)."""
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def statistics_workbook(stats: DangerStatistics, unit: str) -> bytes:
    """The statistics in the layout of a statistical table: title, unit and period, a two-level
    header, one row per group and a totals row; one sheet per dimension."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    sheets = (
        (_("按地区"), _("地区"), stats.by_region),
        (_("按行业"), _("监管行业"), stats.by_sector),
        (_("按月份"), _("发现月份"), stats.by_month),
    )
    width = len(COLUMNS) + 1
    for title, first_column, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append([_("事故隐患排查治理情况统计表")])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet.append(
            [
                _("填报单位：%(unit)s") % {"unit": unit},
                *([""] * 4),
                _("统计期：%(p)s") % {"p": stats.period.label},
                *([""] * 2),
                _("制表日期：%(d)s") % {"d": stats.today.isoformat()},
            ]
        )
        sheet.append([first_column, _("隐患排查治理"), "", "", "", _("重大隐患"), "", "", _("挂牌督办"), ""])
        sheet.append(["", *(str(label) for _name, label in COLUMNS)])
        sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
        sheet.merge_cells(start_row=3, start_column=2, end_row=3, end_column=5)
        sheet.merge_cells(start_row=3, start_column=6, end_row=3, end_column=8)
        sheet.merge_cells(start_row=3, start_column=9, end_row=3, end_column=10)
        for cells in sheet.iter_rows(min_row=3, max_row=4):
            for cell in cells:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in [*rows, stats.total]:
            values = row_values(row)
            sheet.append(["" if value is None else value for value in values])
        sheet.column_dimensions["A"].width = 24
        protect_text(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
