"""``anjian bench risk-map``: the regulators' four-colour map for a national inspector over generated
risk points, beside the bare ``SELECT enterprise_id, max(level_rank), count(*) … GROUP BY``.

Setup (not measured): one enterprise per eight risk points, spread over the counties of every
province, and the risk points graded with the national LEC configuration, written with
``bulk_create`` (the inputs cycle through the four colours with fixed weights, so the run is
reproducible). Measured: the map's aggregation (``maps.risk_map``: the listed enterprises, counts of
enterprises by highest level and of points by level) and the full page (``GET /risk-points/map/``
through the Django test client), medians of interleaved runs; the counts must equal the raw SQL's.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from anjian.accounts.models import AgencyLevel
from anjian.accounts.roles import RoleCode
from anjian.core.bench import BenchError, Figures, benchmark
from anjian.core.testing import make_org, make_user
from anjian.core.uscc import CHARS, make_uscc, org_code_check_char
from anjian.enterprises.models import Enterprise
from anjian.industries.choices import Sector
from anjian.regions.forms import leaf_regions
from anjian.risks import grading, maps
from anjian.risks.choices import LEVEL_RANK
from anjian.risks.models import RiskMethodConfig, RiskPoint

POINTS_PER_ENTERPRISE = 8
REPEATS = 7
VIEW_REPEATS = 5
# (L, E, C) giving red, orange, yellow, blue with the default bands, and how often each occurs.
INPUTS = [("6", "6", "15"), ("3", "6", "15"), ("3", "6", "7"), ("1", "3", "7")]
WEIGHTS = [1, 2, 3, 4]


def _ms(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def _uscc(index: int, county: str) -> str:
    body = ""
    for _ in range(8):
        index, digit = divmod(index, len(CHARS))
        body = CHARS[digit] + body
    return make_uscc(f"91{county}{body}{org_code_check_char(body)}")


def _setup(rows: int) -> None:
    counties = list(leaf_regions().order_by("code").values_list("code", flat=True))
    sectors = list(Sector.values)
    enterprises = max(1, rows // POINTS_PER_ENTERPRISE)
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=_uscc(i, counties[i % len(counties)]),
                name=f"风险基准测试企业{i}",
                region_id=counties[i % len(counties)],
                sector=sectors[i % len(sectors)],
                status="operating",
                source_node=settings.NODE_CODE,
                version=1,
            )
            for i in range(enterprises)
        ],
        batch_size=2000,
    )
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    config = RiskMethodConfig.objects.get(method="lec", province=None, sector="", is_current=True)
    graded = [grading.assess(config.as_config(), dict(zip("lec", i, strict=True))) for i in INPUTS]
    cycle = [index for index, weight in enumerate(WEIGHTS) for _ in range(weight)]
    batch: list[RiskPoint] = []
    for n in range(rows):
        kind = cycle[(n * 7 + n // len(ids)) % len(cycle)]
        l_, e, c = (Decimal(v) for v in INPUTS[kind])
        batch.append(
            RiskPoint(
                enterprise_id=ids[n % len(ids)],
                name=f"风险点{n}",
                kind="place",
                hazard_factor="21",
                accident_types="fire",
                method="lec",
                likelihood=l_,
                exposure=e,
                severity=c,
                score=graded[kind].score,
                level=graded[kind].level,
                level_rank=LEVEL_RANK[graded[kind].level],
                config=config,
                measures_engineering="基准测试",
                responsible_level="team",
                responsible_person="基准",
                source_node=settings.NODE_CODE,
                version=1,
            )
        )
        if len(batch) == 5000:
            RiskPoint.objects.bulk_create(batch)
            batch = []
    RiskPoint.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


BASELINE_SQL = "SELECT enterprise_id, MAX(level_rank), COUNT(*) FROM risks_riskpoint GROUP BY enterprise_id"


@benchmark(
    "risk-map",
    default_rows=100_000,
    description="regulators' four-colour map (enterprises by highest risk level) vs raw GROUP BY",
)
def bench_risk_map(rows: int) -> Figures:
    start = time.perf_counter()
    with transaction.atomic():
        _setup(rows)
    setup_s = time.perf_counter() - start
    org = make_org("应急管理部（风险基准测试）", None, level=AgencyLevel.NATIONAL)
    user = make_user("bench_risk_national", org, RoleCode.INSPECTOR)
    limit = settings.RISK_MAP_MAX_ENTERPRISES

    def ours() -> maps.RiskMap:
        return maps.risk_map(RiskPoint.objects.visible_to(user), limit=limit)

    def baseline() -> list[tuple[int, int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL)
            return list(cursor.fetchall())

    result, raw = ours(), baseline()
    by_top = {level: sum(1 for _e, top, _n in raw if top == rank) for level, rank in LEVEL_RANK.items()}
    if result.enterprises_by_top != by_top or result.total != len(raw):
        raise BenchError(f"risk-map: counts differ: ours {result.enterprises_by_top}, raw SQL {by_top}")
    ours_ms: list[float] = []
    baseline_ms: list[float] = []
    for _ in range(REPEATS):  # interleaved, so drift in the machine hits both sides alike
        baseline_ms.append(_ms(baseline))
        ours_ms.append(_ms(ours))

    client = Client()
    client.force_login(user)
    url = reverse("risks:map")
    if (status := client.get(url).status_code) != 200:
        raise BenchError(f"risk-map: GET {url} answered {status}")
    view_ms = [_ms(lambda: client.get(url)) for _ in range(VIEW_REPEATS)]
    return {
        "setup_s": round(setup_s, 1),
        "enterprises": len(raw),
        "listed": len(result.rows),
        "red_enterprises": by_top["red"],
        "repeats": REPEATS,
        "baseline_median_ms": round(statistics.median(baseline_ms), 3),
        "ours_median_ms": round(statistics.median(ours_ms), 3),
        "ratio": round(statistics.median(ours_ms) / statistics.median(baseline_ms), 2),
        "view_repeats": VIEW_REPEATS,
        "view_median_ms": round(statistics.median(view_ms), 3),
    }
