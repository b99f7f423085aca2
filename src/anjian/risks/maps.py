"""The regulators' four-colour map: enterprises coloured by the highest level of their risk points,
computed by SQL aggregation over the caller's scoped risk points (four queries whatever the size)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet

from anjian.enterprises.models import Enterprise
from anjian.risks.choices import LEVEL_HEX, LEVEL_RANK, RANK_LEVEL, RiskLevel
from anjian.risks.models import RiskPoint


@dataclass
class RiskMap:
    enterprises_by_top: dict[str, int]  # enterprises whose highest level is red, orange, …
    points_by_level: dict[str, int]
    rows: list[dict[str, Any]]  # the enterprises shown, highest level first
    total: int  # enterprises matching the filter (rows may be fewer: ``limit``)


def enterprises_by_top_level(points: QuerySet[RiskPoint]) -> dict[str, int]:
    """How many enterprises have each level as their highest: the per-enterprise maximum, counted
    by value (``SELECT top, COUNT(*) FROM (… GROUP BY enterprise_id) GROUP BY top``)."""
    inner = points.order_by().values("enterprise_id").annotate(top=Max("level_rank"))
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sub.top, COUNT(*) FROM ({sql}) sub GROUP BY sub.top", params)
        counted = dict(cursor.fetchall())
    return {level: counted.get(rank, 0) for level, rank in LEVEL_RANK.items()}


def points_by_level(points: QuerySet[RiskPoint]) -> dict[str, int]:
    counted = dict(points.order_by().values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    return {level: counted.get(level, 0) for level in RiskLevel.values}


def risk_map(points: QuerySet[RiskPoint], *, level: str = "", limit: int) -> RiskMap:
    """The enterprises to list (at most ``limit``, highest level first, then by name) with their
    counts, and the totals. Enterprise details are read for the listed ones only."""
    # One row per enterprise: its highest level rank, its number of points and of each colour.
    grouped = (
        points.order_by()
        .values("enterprise_id")
        .annotate(
            top=Max("level_rank"),
            total=Count("pk"),
            red=Count("pk", filter=Q(level_rank=LEVEL_RANK["red"])),
            orange=Count("pk", filter=Q(level_rank=LEVEL_RANK["orange"])),
            yellow=Count("pk", filter=Q(level_rank=LEVEL_RANK["yellow"])),
            blue=Count("pk", filter=Q(level_rank=LEVEL_RANK["blue"])),
        )
    )
    by_top = enterprises_by_top_level(points)
    if level in LEVEL_RANK:
        grouped = grouped.filter(top=LEVEL_RANK[level])
        total = by_top[level]
    else:
        total = sum(by_top.values())
    picked: dict[int, dict[str, Any]] = {
        row["enterprise_id"]: dict(row) for row in grouped.order_by("-top", "enterprise_id")[:limit]
    }
    details = Enterprise.objects.filter(pk__in=picked).values(
        "pk",
        "name",
        "sector",
        "region__name",
        "longitude",
        "latitude",
        "region__longitude",
        "region__latitude",
    )
    rows: list[dict[str, Any]] = []
    for detail in details:
        row = picked[detail["pk"]]
        row |= {f"enterprise__{key}": value for key, value in detail.items() if key != "pk"}
        row["level"] = RANK_LEVEL[row["top"]]
        row["color"] = LEVEL_HEX[row["level"]]
        rows.append(row)
    rows.sort(key=lambda row: (-row["top"], row["enterprise__name"], row["enterprise_id"]))
    return RiskMap(enterprises_by_top=by_top, points_by_level=points_by_level(points), rows=rows, total=total)
