"""``anjian bench danger-stats``: the regional statistics page for a national user over a year of
generated hidden dangers, beside the plain ``COUNT … GROUP BY`` of the same rows.

Setup (not measured): a few enterprises in every county of the 32 provincial units, then the
hidden dangers generated inside the database by one ``INSERT … SELECT`` over a number series
(``generate_series`` on PostgreSQL, a recursive CTE on SQLite), every one found in the current
year so the default page (this year) aggregates all of them, and supervision listings for half
of the major ones. The values are arithmetic on the series number, so the run is reproducible.

Measured: the full page (``GET /danger-statistics/`` through the Django test client, as a signed-in
national inspector) and the baseline ``SELECT substr(region_id, 1, 2), count(*) … GROUP BY 1``,
medians of interleaved runs; also the independent SQL of every figure, which must equal what the
page shows.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.accounts.models import AgencyLevel
from anjian.accounts.roles import RoleCode
from anjian.core.bench import BenchError, Figures, benchmark
from anjian.core.testing import make_org, make_user
from anjian.core.uscc import CHARS, make_uscc, org_code_check_char
from anjian.dangers.models import HiddenDanger, SupervisionListing
from anjian.dangerstats.stats import danger_statistics, year_period
from anjian.enterprises.models import Enterprise
from anjian.industries.choices import Sector
from anjian.regions.forms import leaf_regions

ENTERPRISES_PER_COUNTY = 3
REPEATS = 7
PROVINCES = 32


def _ms(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def _uscc(index: int, county: str) -> str:
    """A valid code, distinct for every index: the organisation-code body is the index in base 31."""
    body = ""
    for _ in range(8):
        index, digit = divmod(index, len(CHARS))
        body = CHARS[digit] + body
    return make_uscc(f"91{county}{body}{org_code_check_char(body)}")


def _insert_enterprises(per_county: int) -> int:
    counties = list(leaf_regions().order_by("code").values_list("code", "name"))
    provinces = {code[:2] for code, _name in counties}
    if len(provinces) < PROVINCES:
        raise BenchError(f"danger-stats: counties in {len(provinces)} provincial units, expected {PROVINCES}")
    sectors = list(Sector.values)
    batch = [
        Enterprise(
            uscc=_uscc(index, code),
            name=f"{name}基准测试企业{index}",
            region_id=code,
            sector=sectors[index % len(sectors)],
            status="operating",
            source_node=settings.NODE_CODE,
            version=1,
        )
        for index, (code, name) in enumerate(counties * per_county)
    ]
    Enterprise.objects.bulk_create(batch, batch_size=2000)
    return len(batch)


def _default_sql(field: models.Field[Any, Any]) -> tuple[str, list[Any]]:
    """A column the generator does not set: NULL, or the field's default as a parameter (so a
    field added later by the dangers app does not break the benchmark)."""
    if field.null:
        return "NULL", []
    default = field.get_default()
    if default is None:
        raise BenchError(f"danger-stats: no value for {field.model.__name__}.{field.name}")
    return "%s", [field.get_db_prep_save(default, connection)]


def _insert_select(
    model: type[models.Model], expressions: dict[str, str], params: dict[str, list[Any]], source: str
) -> str:
    """``INSERT INTO table (every column) SELECT … FROM source`` and its parameters."""
    qn = connection.ops.quote_name
    columns, values, args = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(qn(str(field.column)))
        if field.name in expressions:
            values.append(expressions[field.name])
            args += params.get(field.name, [])
        else:
            sql, default = _default_sql(field)
            values.append(sql)
            args += default
    statement = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) SELECT {', '.join(values)} {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, args)
    return statement


def _series(rows: int) -> str:
    if connection.vendor == "postgresql":
        return f"FROM generate_series(0, {rows - 1}) AS g(n)"
    return (
        f"FROM (WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < {rows - 1})"
        " SELECT n FROM s) AS g"
    )


def _insert_dangers(
    rows: int, first_enterprise: int, enterprises: int, year_start: datetime.date, days: int
) -> None:
    """Hidden dangers ``n = 0 … rows-1``: enterprise ``n mod E``; found on day ``(n·37) mod days`` of
    the year; deadline 1–60 days later; every 50th major; 70 % closed, the rest reported /
    rectifying / awaiting verification; funds (n mod 100) / 10 万元."""
    postgres = connection.vendor == "postgresql"
    now = timezone.now()
    found = (
        f"(%s::date + ((g.n * 37) %% {days})::int)"
        if postgres
        else f"date(%s, '+' || ((g.n * 37) %% {days}) || ' days')"
    )
    deadline = (
        f"(%s::date + ((g.n * 37) %% {days} + 1 + g.n %% 60)::int)"
        if postgres
        else f"date(%s, '+' || ((g.n * 37) %% {days} + 1 + g.n %% 60) || ' days')"
    )
    status = (
        "CASE WHEN g.n %% 10 < 7 THEN 'closed' WHEN g.n %% 10 = 7 THEN 'reported'"
        " WHEN g.n %% 10 = 8 THEN 'rectifying' ELSE 'awaiting_verification' END"
    )
    uid = "gen_random_uuid()" if postgres else "lower(hex(randomblob(16)))"
    source = (
        f"{_series(rows)} JOIN {connection.ops.quote_name(Enterprise._meta.db_table)} e"
        f" ON e.id = {first_enterprise} + g.n %% {enterprises}"
    )
    ts = [_datetime(now)]
    first_day = _date(year_start)
    _insert_select(
        HiddenDanger,
        {
            "uid": uid,
            "source_node": "%s",
            "version": "1",
            "created_at": "%s",
            "updated_at": "%s",
            "enterprise": "e.id",
            "region": "e.region_id",
            "sector": "e.sector",
            "place": "'生产装置区'",
            "description": "'基准测试生成的隐患'",
            "level": "CASE WHEN g.n %% 50 = 0 THEN 'major' ELSE 'general' END",
            "source": "'self_check'",
            "found_by": "'张三'",
            "found_at": found,
            "deadline": deadline,
            "responsible_person": "'李四'",
            "funds": "(g.n %% 100) / 10.0",
            "status": status,
            "closed_at": "CASE WHEN g.n %% 10 < 7 THEN %s ELSE NULL END",
        },
        {
            "source_node": [settings.NODE_CODE],
            "created_at": ts,
            "updated_at": ts,
            "found_at": [first_day],
            "deadline": [first_day],
            "closed_at": ts,
        },
        source,
    )


def _insert_listings(authority_id: int) -> None:
    """Half of the major hidden dangers listed on the day they were found; every other one of
    those delisted now."""
    ts = [_datetime(timezone.now())]
    postgres = connection.vendor == "postgresql"
    uid = "gen_random_uuid()" if postgres else "lower(hex(randomblob(16)))"
    table = connection.ops.quote_name(HiddenDanger._meta.db_table)
    _insert_select(
        SupervisionListing,
        {
            "uid": uid,
            "source_node": "%s",
            "version": "1",
            "created_at": "%s",
            "updated_at": "%s",
            "danger": "d.id",
            "authority": str(int(authority_id)),
            "document_no": "'督办〔基准〕'",
            "listed_at": "d.found_at",
            "deadline": "d.deadline",
            "requirements": "'限期整改'",
            "status": "CASE WHEN d.id %% 200 = 1 THEN 'delisted' ELSE 'listed' END",
            "delisted_at": "CASE WHEN d.id %% 200 = 1 THEN %s ELSE NULL END",
        },
        {"source_node": [settings.NODE_CODE], "created_at": ts, "updated_at": ts, "delisted_at": ts},
        f"FROM {table} d WHERE d.level = 'major' AND d.id %% 100 = 1",
    )


def _date(value: datetime.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _datetime(value: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _independent(
    start: datetime.date, end: datetime.date, today: datetime.date
) -> dict[str, tuple[Any, ...]]:
    """Every figure per province by hand-written SQL, for the correctness check."""
    qn = connection.ops.quote_name
    dangers, listings = qn(HiddenDanger._meta.db_table), qn(SupervisionListing._meta.db_table)
    tz = timezone.get_current_timezone()
    start_dt = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    end_dt = datetime.datetime.combine(end, datetime.time.min, tzinfo=tz)
    result: dict[str, tuple[Any, ...]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT substr(region_id, 1, 2), count(*),"
            " sum(CASE WHEN status = 'closed' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN status <> 'closed' AND deadline < %s THEN 1 ELSE 0 END),"
            " sum(CASE WHEN level = 'major' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN level = 'major' AND status = 'closed' THEN 1 ELSE 0 END),"
            f" sum(funds) FROM {dangers} WHERE found_at >= %s AND found_at < %s GROUP BY 1",
            [_date(today), _date(start), _date(end)],
        )
        for key, *figures in cursor.fetchall():
            result[key] = (*(int(f) for f in figures[:5]), Decimal(str(figures[5])).quantize(Decimal("0.01")))
        cursor.execute(
            "SELECT substr(d.region_id, 1, 2),"
            " sum(CASE WHEN l.listed_at >= %s AND l.listed_at < %s THEN 1 ELSE 0 END),"
            " sum(CASE WHEN l.delisted_at >= %s AND l.delisted_at < %s THEN 1 ELSE 0 END)"
            f" FROM {listings} l JOIN {dangers} d ON d.id = l.danger_id GROUP BY 1",
            [_date(start), _date(end), _datetime(start_dt), _datetime(end_dt)],
        )
        for key, listed, delisted in cursor.fetchall():
            result[key] = (*result.get(key, (0, 0, 0, 0, 0, Decimal("0.00")))[:6], int(listed), int(delisted))
    return {key: (*figures, 0, 0)[:8] for key, figures in result.items()}


@benchmark(
    "danger-stats",
    default_rows=1_000_000,
    description="regional hidden danger statistics page of a national user vs plain COUNT/GROUP BY",
)
def bench_danger_stats(rows: int) -> Figures:
    today = timezone.localdate()
    year_start = datetime.date(today.year, 1, 1)
    days = (today - year_start).days + 1  # found between 1 January and today
    start = time.perf_counter()
    with transaction.atomic():
        enterprises = _insert_enterprises(ENTERPRISES_PER_COUNTY)
        ids = Enterprise.objects.aggregate(low=models.Min("id"), high=models.Max("id"))
        if ids["high"] - ids["low"] + 1 != enterprises:
            raise BenchError("danger-stats: enterprise ids are not contiguous in the throwaway database")
        _insert_dangers(rows, ids["low"], enterprises, year_start, days)
        ministry = make_org("应急管理部（基准测试）", None, level=AgencyLevel.NATIONAL)
        _insert_listings(ministry.pk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    setup_s = time.perf_counter() - start
    if HiddenDanger.objects.count() != rows:
        raise BenchError("danger-stats: the generator did not write every row")
    user = make_user("bench_national", ministry, RoleCode.INSPECTOR)

    # Correctness: what the page computes equals the independent SQL, province by province.
    period = year_period(today.year)
    stats = danger_statistics(user, period, today=today)
    ours = {
        row.key: (
            row.found,
            row.rectified,
            row.overdue,
            row.major_found,
            row.major_rectified,
            Decimal(row.funds).quantize(Decimal("0.01")),
            row.listed,
            row.delisted,
        )
        for row in stats.by_region
    }
    expected = _independent(period.start, period.end, today)
    if ours != expected:
        wrong = sorted(k for k in {*ours, *expected} if ours.get(k) != expected.get(k))[:3]
        mismatch = [(k, ours.get(k), expected.get(k)) for k in wrong]
        raise BenchError(f"danger-stats: page and SQL disagree (province, page, SQL): {mismatch}")
    if stats.total.found != rows or (rows >= 10_000 and len(stats.by_region) != PROVINCES):
        raise BenchError(f"danger-stats: {stats.total.found} rows in {len(stats.by_region)} provinces")

    table = connection.ops.quote_name(HiddenDanger._meta.db_table)
    baseline_sql = f"SELECT substr(region_id, 1, 2), count(*) FROM {table} GROUP BY 1"

    def baseline() -> None:
        with connection.cursor() as cursor:
            cursor.execute(baseline_sql)
            cursor.fetchall()

    def full_sql() -> None:
        _independent(period.start, period.end, today)

    client = Client()
    client.force_login(user)
    url = reverse("dangerstats:statistics")
    response = client.get(url)
    if response.status_code != 200:
        raise BenchError(f"danger-stats: GET {url} answered {response.status_code}")
    if f'id="stat-found">{rows}<'.encode() not in response.content:
        raise BenchError("danger-stats: the page does not show the total")
    view_ms, baseline_ms, full_ms = [], [], []
    order = [0, 1, 2]
    rng = random.Random(6)
    for _ in range(REPEATS):  # interleaved, so drift in the machine hits every side alike
        rng.shuffle(order)
        for side in order:
            if side == 0:
                view_ms.append(_ms(lambda: client.get(url)))
            elif side == 1:
                baseline_ms.append(_ms(baseline))
            else:
                full_ms.append(_ms(full_sql))
    view, base = statistics.median(view_ms), statistics.median(baseline_ms)
    return {
        "setup_s": round(setup_s, 1),
        "enterprises": enterprises,
        "provinces": len(stats.by_region),
        "listings": SupervisionListing.objects.count(),
        "repeats": REPEATS,
        "baseline_median_ms": round(base, 3),
        "baseline_all_figures_sql_median_ms": round(statistics.median(full_ms), 3),
        "view_median_ms": round(view, 3),
        "view_max_ms": round(max(view_ms), 3),
        "ratio": round(view / base, 2),
    }
