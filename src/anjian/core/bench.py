"""Benchmarks, each beside its raw baseline (STYLE.md item 14): ``anjian bench NAME [--rows N]``.

A benchmark is a function of a row count: it sets up its data in the current database (not
measured), measures our code path and the bare database doing the same work, and returns its
figures. ``anjian bench`` runs each one in a child process whose database exists only for that run
(``throwaway_database``), never in the user's data, and prints the figures as one JSON line.
Each line has ``baseline_*`` and ``ours_*`` figures and ``ratio`` = ours / baseline of the headline
figure: for a time, how many times slower we are; for a rate, the share of the bare rate we reach.

Add one with ``@benchmark("exchange", default_rows=..., description=...)``, here or in an app's own
``bench.py`` module (found by ``discover()``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules
from psycopg import sql

from anjian.accounts.roles import RoleCode
from anjian.core import importer
from anjian.core.scope import region_prefix
from anjian.core.testing import make_org, make_user, provincial_inspector
from anjian.core.uscc import CHARS, make_uscc, org_code_check_char
from anjian.demo import BRANDS, GIVEN, KIND, SURNAMES
from anjian.enterprises.models import Enterprise
from anjian.enterprises.specs import enterprise_spec
from anjian.industries.choices import Sector
from anjian.industries.models import Industry
from anjian.regions.forms import leaf_regions
from anjian.regions.models import Region

Figures = dict[str, float | int | str]
BenchFn = Callable[[int], Figures]

# Set by the parent for its child: the database name the child may fill and measure.
THROWAWAY_ENV = "ANJIAN_BENCH_THROWAWAY"
# A PostgreSQL server URL; the benchmarks then run in a database created there and dropped after.
SERVER_ENV = "ANJIAN_BENCH_DATABASE_URL"


class BenchError(Exception):
    """A benchmark could not run or its two sides disagreed; the message says which."""


@dataclass(frozen=True)
class Benchmark:
    name: str
    run: BenchFn
    default_rows: int
    description: str


_benchmarks: dict[str, Benchmark] = {}


def benchmark(name: str, *, default_rows: int, description: str) -> Callable[[BenchFn], BenchFn]:
    """Register ``run(rows) -> figures`` as ``anjian bench NAME``."""

    def register(run: BenchFn) -> BenchFn:
        if name in _benchmarks or name == "all":
            raise ValueError(f"benchmark {name!r} is registered twice or reserved")
        _benchmarks[name] = Benchmark(name, run, default_rows, description)
        return run

    return register


def discover() -> dict[str, Benchmark]:
    """Every registered benchmark, in registration order (apps register in their ``bench`` module)."""
    autodiscover_modules("bench")
    return dict(_benchmarks)


def run_here(name: str, rows: int | None = None) -> Figures:
    """Run one benchmark in the current database (the child process, or a test's database)."""
    bench = discover()[name]
    count = rows or bench.default_rows
    figures = bench.run(count)
    return {"bench": name, "rows": count, "database": connection.vendor, **figures}


def is_throwaway() -> bool:
    """Whether the current database is the one the parent created for this run."""
    expected = os.environ.get(THROWAWAY_ENV, "")
    return bool(expected) and expected == str(connection.settings_dict["NAME"])


# --- The throwaway database and the child process -------------------------------------------


@contextmanager
def throwaway_database(server_url: str | None) -> Iterator[dict[str, str]]:
    """The environment of a child process whose database and var directory live only in this block:
    a SQLite file in a temporary directory, or a new database on the PostgreSQL server of
    ``server_url``, dropped at the end."""
    with tempfile.TemporaryDirectory(prefix="anjian-bench-") as var_dir:
        env = {
            "ANJIAN_VAR_DIR": var_dir,
            "ANJIAN_MEDIA_ROOT": str(Path(var_dir) / "media"),
            "ANJIAN_DEBUG": "0",  # DEBUG keeps every query in memory and slows the measurement
            "ANJIAN_ALLOWED_HOSTS": "testserver",
            # The page view is measured for a signed-in inspector, not the second-factor prompt.
            "ANJIAN_REQUIRE_2FA": "false",
        }
        if not server_url:
            path = str(Path(var_dir) / "bench.sqlite3")
            yield env | {"ANJIAN_DATABASE_URL": f"sqlite:///{path}", THROWAWAY_ENV: path}
            return
        with _postgres_database(server_url) as (url, name):
            yield env | {"ANJIAN_DATABASE_URL": url, THROWAWAY_ENV: name}


@contextmanager
def _postgres_database(server_url: str) -> Iterator[tuple[str, str]]:
    parts = urlsplit(server_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise BenchError(f"{SERVER_ENV} must be a postgres:// URL, not {parts.scheme}://")
    # The database named in the URL need not exist: CREATE and DROP run in the maintenance database.
    name = f"{(parts.path.strip('/') or 'anjian_bench')[:40]}_{secrets.token_hex(4)}"
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as e:
        raise BenchError(f"cannot create a database on {SERVER_ENV}: {e}".strip()) from e
    try:
        yield urlunsplit(parts._replace(path=f"/{name}")), name
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def run_isolated(name: str, rows: int | None, server_url: str | None) -> Figures:
    """Run one benchmark in a child process on a throwaway database; the figures it printed."""
    command = [sys.executable, "-m", "anjian.cli", "bench", name, "--in-throwaway"]
    if rows is not None:
        command += ["--rows", str(rows)]
    with throwaway_database(server_url) as env:
        # The child's stderr (tracebacks, warnings) goes straight to ours.
        child = subprocess.run(
            command, env=os.environ | env, stdout=subprocess.PIPE, encoding="utf-8", check=False
        )
    lines = child.stdout.strip().splitlines()
    if child.returncode != 0 or not lines:
        raise BenchError(f"benchmark {name} failed (exit status {child.returncode})")
    figures: Figures = json.loads(lines[-1])
    return figures


# --- Measuring ------------------------------------------------------------------------------


def _ms(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def _median(samples: list[float]) -> float:
    return round(statistics.median(samples), 3)


def _p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20, method="inclusive")[-1], 3)


def _analyze() -> None:
    """Fresh planner statistics, as a database in service has after autovacuum / ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Generated enterprises ------------------------------------------------------------------


@dataclass(frozen=True)
class _County:
    code: str
    name: str
    longitude: Decimal | None
    latitude: Decimal | None


def _counties(prefix: str = "") -> list[_County]:
    regions = leaf_regions().filter(code__startswith=prefix).order_by("code")
    return [_County(r.code, r.name, r.longitude, r.latitude) for r in regions]


def _uscc(index: int, county: str) -> str:
    """A valid code, distinct for every index: the organisation-code body is the index in base 31."""
    body = ""
    for _ in range(8):
        index, digit = divmod(index, len(CHARS))
        body = CHARS[digit] + body
    return make_uscc(f"91{county}{body}{org_code_check_char(body)}")


def _coordinate(rng: random.Random, value: Decimal | None) -> str:
    return "" if value is None else f"{float(value) + rng.uniform(-0.02, 0.02):.6f}"


def generated_rows(
    count: int, counties: list[_County], *, seed: int, start: int = 0
) -> Iterator[dict[str, str]]:
    """Enterprise rows as an import file holds them (form field → text), spread over ``counties``
    and the five sectors; names are distinct, so the list order is fully determined."""
    rng = random.Random(seed)
    sectors = list(Sector.values)
    for index in range(count):
        county = rng.choice(counties)
        sector = sectors[index % len(sectors)]
        suffix, industry = rng.choice(KIND[sector])
        brand = rng.choice(BRANDS)
        yield {
            "uscc": _uscc(index, county.code),
            "name": f"{county.name}{brand}{suffix}（{index}）",
            "region": county.code,
            "sector": sector,
            "industry": industry,
            "address": f"{county.name}{brand}路{rng.randint(1, 300)}号",
            "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "contact_phone": f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
            "longitude": _coordinate(rng, county.longitude),
            "latitude": _coordinate(rng, county.latitude),
            "status": "operating",
        }


def _enterprise(row: dict[str, str]) -> Enterprise:
    """The model instance for a generated row, as a bare insert would write it (no validation)."""
    return Enterprise(
        uscc=row["uscc"],
        name=row["name"],
        region_id=row["region"],
        sector=row["sector"],
        industry_id=row["industry"] or None,
        address=row["address"],
        legal_representative=row["legal_representative"],
        contact_phone=row["contact_phone"],
        longitude=Decimal(row["longitude"]) if row["longitude"] else None,
        latitude=Decimal(row["latitude"]) if row["latitude"] else None,
        status=row["status"],
        source_node=settings.NODE_CODE,
        version=1,
    )


def _bulk_insert(rows: Iterator[dict[str, str]], chunk: int = 5000) -> None:
    batch: list[Enterprise] = []
    with transaction.atomic():
        for row in rows:
            batch.append(_enterprise(row))
            if len(batch) == chunk:
                Enterprise.objects.bulk_create(batch, batch_size=1000)
                batch = []
        Enterprise.objects.bulk_create(batch, batch_size=1000)


# --- scope: the enterprise list page of a provincial inspector ----------------------------

PAGE_SIZE = 25
QUERY_REPEATS = 50
VIEW_REPEATS = 20


def _raw_page_sql() -> tuple[str, str]:
    """The list page's COUNT and first page as a person would write them: the same columns and
    joins the ORM selects, the region subtree as ``region_id LIKE '11%'``."""
    qn = connection.ops.quote_name

    def columns(alias: str, model: Any) -> str:
        return ", ".join(f"{alias}.{qn(f.column)}" for f in model._meta.concrete_fields)

    enterprise, region, industry = (qn(m._meta.db_table) for m in (Enterprise, Region, Industry))
    where = "e.region_id LIKE %s AND e.sector = %s"
    count = f"SELECT COUNT(*) FROM {enterprise} e WHERE {where}"
    page = (
        f"SELECT {columns('e', Enterprise)}, {columns('r', Region)}, {columns('p', Region)},"
        f" {columns('i', Industry)}"
        f" FROM {enterprise} e"
        f" INNER JOIN {region} r ON r.code = e.region_id"
        f" LEFT OUTER JOIN {region} p ON p.code = r.parent_id"
        f" LEFT OUTER JOIN {industry} i ON i.code = e.industry_id"
        f" WHERE {where} ORDER BY e.region_id, e.name LIMIT {PAGE_SIZE}"
    )
    return count, page


@benchmark(
    "scope",
    default_rows=100_000,
    description="enterprise list of a Beijing inspector: visible_to() query and page vs raw SQL",
)
def bench_scope(rows: int) -> Figures:
    province, sector = "110000", "hazchem"
    prefix = region_prefix(province, "province")
    start = time.perf_counter()
    _bulk_insert(generated_rows(rows, _counties(), seed=20261129))
    _analyze()
    setup_s = time.perf_counter() - start
    user = provincial_inspector("bench_beijing", province)

    def ours() -> tuple[int, list[int]]:
        # As the list view runs it: scope, filter, the model's ordering, COUNT, first page.
        queryset = (
            Enterprise.objects.visible_to(user)
            .filter(sector=sector)
            .select_related(*enterprise_spec.select_related)
        )
        return queryset.count(), [e.pk for e in queryset[:PAGE_SIZE]]

    count_sql, page_sql = _raw_page_sql()

    def baseline() -> tuple[int, list[int]]:
        with connection.cursor() as cursor:
            cursor.execute(count_sql, [f"{prefix}%", sector])
            total = cursor.fetchone()
            cursor.execute(page_sql, [f"{prefix}%", sector])
            page = [row[0] for row in cursor.fetchall()]
        return (total[0] if total else 0), page

    matched, page = ours()
    if (matched, page) != baseline():
        raise BenchError("scope: the ORM page and the raw SQL page differ")
    ours_ms: list[float] = []
    baseline_ms: list[float] = []
    for _ in range(QUERY_REPEATS):  # interleaved, so drift in the machine hits both sides alike
        baseline_ms.append(_ms(baseline))
        ours_ms.append(_ms(ours))

    client = Client()
    client.force_login(user)
    url = f"{reverse(enterprise_spec.url_name('list'))}?sector={sector}"
    if (status := client.get(url).status_code) != 200:
        raise BenchError(f"scope: GET {url} answered {status}")
    view_ms = [_ms(lambda: client.get(url)) for _ in range(VIEW_REPEATS)]

    return {
        "setup_s": round(setup_s, 1),
        "matched": matched,
        "page": len(page),
        "repeats": QUERY_REPEATS,
        "baseline_median_ms": _median(baseline_ms),
        "baseline_p95_ms": _p95(baseline_ms),
        "ours_median_ms": _median(ours_ms),
        "ours_p95_ms": _p95(ours_ms),
        "ratio": round(statistics.median(ours_ms) / statistics.median(baseline_ms), 2),
        "view_repeats": VIEW_REPEATS,
        "view_median_ms": _median(view_ms),
        "view_p95_ms": _p95(view_ms),
    }


# --- import: a spreadsheet through the importer vs a bare bulk insert ----------------------


def _column_labels() -> dict[str, str]:
    """Form field → column title of the import template (the form's labels)."""
    form = enterprise_spec.form(user=None)
    return {name: str(form_field.label) for name, form_field in form.fields.items()}


def _csv_file(rows: list[dict[str, str]]) -> SimpleUploadedFile:
    """An import file as a user fills the template: the column titles, then one line per row."""
    labels = _column_labels()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([labels[name] for name in rows[0]])
    writer.writerows(row.values() for row in rows)
    return SimpleUploadedFile("bench.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def _read_csv_rows(upload: SimpleUploadedFile) -> Iterator[dict[str, str]]:
    upload.seek(0)
    reader = csv.reader(io.StringIO(upload.read().decode("utf-8-sig")))
    by_label = {label: name for name, label in _column_labels().items()}
    names = [by_label[label] for label in next(reader)]
    for values in reader:
        yield dict(zip(names, values, strict=True))


@benchmark(
    "import",
    default_rows=2_000,
    description="enterprise spreadsheet through read_table/validate/apply vs bulk_create of the rows",
)
def bench_import(rows: int) -> Figures:
    if rows > settings.IMPORT_MAX_ROWS:
        raise BenchError(f"import: at most {settings.IMPORT_MAX_ROWS} rows (ANJIAN_IMPORT_MAX_ROWS)")
    org = make_org("北京市应急管理局（基准测试）", "110000")
    user = make_user("bench_data_officer", org, RoleCode.DATA_OFFICER)
    upload = _csv_file(list(generated_rows(rows, _counties("11"), seed=4754)))

    start = time.perf_counter()
    _bulk_insert(_read_csv_rows(upload))
    baseline_s = time.perf_counter() - start
    if Enterprise.objects.count() != rows:
        raise BenchError("import: the bulk insert did not write every row")
    Enterprise.objects.all().delete()  # the same rows again, through our path

    # The import view: upload → read → validate (preview) → stash; confirm → validate → apply.
    start = time.perf_counter()
    upload.seek(0)
    header, body = importer.read_table(upload)
    read_s = time.perf_counter() - start
    report = importer.validate(enterprise_spec, user, header, body)
    token = importer.stash(user, header, body)
    preview_s = time.perf_counter() - start
    header, body = importer.unstash(user, token)
    report = importer.validate(enterprise_spec, user, header, body)
    written = importer.apply(enterprise_spec, user, report, only_valid=False)
    importer.discard(token)
    ours_s = time.perf_counter() - start
    if written != rows or report.bad:
        raise BenchError(f"import: {written} of {rows} rows written, first errors {report.bad[:1]}")

    baseline_rate, ours_rate = rows / baseline_s, rows / ours_s
    return {
        "baseline_s": round(baseline_s, 3),
        "baseline_rows_per_s": round(baseline_rate, 1),
        "ours_s": round(ours_s, 3),
        "ours_read_s": round(read_s, 3),
        "ours_preview_s": round(preview_s, 3),
        "ours_confirm_s": round(ours_s - preview_s, 3),
        "ours_rows_per_s": round(ours_rate, 1),
        "ratio": round(ours_rate / baseline_rate, 4),
    }
