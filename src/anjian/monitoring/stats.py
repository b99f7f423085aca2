"""Figures for the regulator's overview, computed in SQL over the rollups and alarms of a scope:
online rate per enterprise and region per day (readings received / expected from the points'
cycles), top alarming enterprises, and the alarm state of each enterprise for the map."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F, FloatField, Q, Sum, Value
from django.db.models.functions import Cast
from django.utils import timezone

from anjian.monitoring.models import Alarm, AlarmKind, AlarmStatus, MonitoringPoint, ReadingRollup
from anjian.monitoring.storage import local_zone


@dataclass(frozen=True)
class OnlineRate:
    key: str
    name: str
    points: int
    expected: float
    received: int

    @property
    def rate(self) -> float:
        return round(min(100.0, 100.0 * self.received / self.expected), 2) if self.expected else 0.0

    @property
    def meets_target(self) -> bool:
        return self.rate >= settings.MONITORING_ONLINE_TARGET

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "points": self.points, "rate": self.rate}


def _day_window(day: date, now: datetime) -> tuple[datetime, datetime, float]:
    """The local day as [start, end) and the seconds of it that have passed by ``now``."""
    zone = local_zone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = start + timedelta(days=1)
    seconds = max(0.0, min((now - start).total_seconds(), 86400.0))
    return start, end, seconds


def online_rates(
    user: Any, day: date, now: datetime | None = None
) -> tuple[list[OnlineRate], list[OnlineRate]]:
    """Online rate of the active points in the user's scope for one local day, per enterprise and
    per county (region of the enterprise), lowest first."""
    now = now or timezone.now()
    start, end, seconds = _day_window(day, now)
    points = MonitoringPoint.objects.visible_to(user).filter(active=True, created_at__lt=end)
    per_point = Value(seconds) / Cast(F("cycle_s"), FloatField())
    expected_rows = points.values(
        "enterprise_id", "enterprise__name", "enterprise__region_id", "enterprise__region__name"
    ).annotate(n=Count("id"), expected=Sum(per_point, output_field=FloatField()))
    received_rows = (
        ReadingRollup.objects.filter(point__in=points, hour__gte=start, hour__lt=end)
        .values("point__enterprise_id")
        .annotate(received=Sum("count"))
    )
    received = {row["point__enterprise_id"]: int(row["received"] or 0) for row in received_rows}
    by_enterprise: list[OnlineRate] = []
    regions: dict[str, list[Any]] = {}
    for row in expected_rows.order_by():
        got = received.get(row["enterprise_id"], 0)
        by_enterprise.append(
            OnlineRate(
                str(row["enterprise_id"]), row["enterprise__name"], row["n"], row["expected"] or 0.0, got
            )
        )
        acc = regions.setdefault(row["enterprise__region_id"], [row["enterprise__region__name"], 0, 0.0, 0])
        acc[1] += row["n"]
        acc[2] += row["expected"] or 0.0
        acc[3] += got
    by_region = [OnlineRate(code, name, n, exp, got) for code, (name, n, exp, got) in regions.items()]
    return sorted(by_enterprise, key=lambda r: (r.rate, r.name)), sorted(
        by_region, key=lambda r: (r.rate, r.key)
    )


def top_alarming(user: Any, days: int = 30, limit: int = 10) -> list[dict[str, Any]]:
    since = timezone.now() - timedelta(days=days)
    rows = (
        Alarm.objects.visible_to(user)
        .filter(opened_at__gte=since)
        .exclude(kind=AlarmKind.OFFLINE)
        .values("enterprise_id", "enterprise__name", "enterprise__uscc")
        .annotate(alarms=Count("id"), unhandled=Count("id", filter=Q(status=AlarmStatus.OPEN)))
        .order_by("-alarms", "enterprise__name")[:limit]
    )
    return [
        {
            "id": r["enterprise_id"],
            "uscc": r["enterprise__uscc"],
            "name": r["enterprise__name"],
            "alarms": r["alarms"],
            "unhandled": r["unhandled"],
        }
        for r in rows
    ]


# Map colours: an unacknowledged alarm, alarms being dealt with, only offline sensors, all normal.
STATE_ALARM, STATE_HANDLING, STATE_OFFLINE, STATE_NORMAL = "alarm", "handling", "offline", "normal"


def enterprise_states(user: Any) -> list[dict[str, Any]]:
    """Each enterprise with monitoring points in the scope, its position and its alarm state."""
    rows = (
        MonitoringPoint.objects.visible_to(user)
        .values("enterprise_id", "enterprise__name", "enterprise__longitude", "enterprise__latitude")
        .annotate(points=Count("id", distinct=True))
        .order_by()
    )
    alarms = (
        Alarm.objects.visible_to(user)
        .exclude(status=AlarmStatus.CLOSED)
        .values("enterprise_id")
        .annotate(
            unacknowledged=Count("id", filter=Q(status=AlarmStatus.OPEN) & ~Q(kind=AlarmKind.OFFLINE)),
            handling=Count("id", filter=~Q(status=AlarmStatus.OPEN) & ~Q(kind=AlarmKind.OFFLINE)),
            offline=Count("id", filter=Q(kind=AlarmKind.OFFLINE)),
        )
        .order_by()
    )
    by_enterprise = {row["enterprise_id"]: row for row in alarms}
    result = []
    for row in rows:
        counts = by_enterprise.get(row["enterprise_id"], {})
        if counts.get("unacknowledged"):
            state = STATE_ALARM
        elif counts.get("handling"):
            state = STATE_HANDLING
        elif counts.get("offline"):
            state = STATE_OFFLINE
        else:
            state = STATE_NORMAL
        lon, lat = row["enterprise__longitude"], row["enterprise__latitude"]
        result.append(
            {
                "id": row["enterprise_id"],
                "name": row["enterprise__name"],
                "lon": float(lon) if lon is not None else None,
                "lat": float(lat) if lat is not None else None,
                "points": row["points"],
                "state": state,
                "open": counts.get("unacknowledged", 0) + counts.get("handling", 0),
                "offline": counts.get("offline", 0),
            }
        )
    return result
