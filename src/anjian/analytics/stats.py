"""The regulator's enterprise dashboard: every count is one SQL aggregation within the user's
scope (``visible_to``), never a loop over rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from anjian.enterprises.models import Enterprise, Licence, StandardGrade, StandardisationGrade
from anjian.enterprises.stats import enterprise_counts
from anjian.hazards.models import HazardGrade, HazardUnit
from anjian.industries.choices import Sector
from anjian.obligations.models import ReportingDuty
from anjian.obligations.periods import Period, current_period, previous_period
from anjian.obligations.status import SubmissionStatus, enterprise_status, status_counts
from anjian.regions.models import Region

LICENCE_DAYS = 90


def standardisation_by_sector(user: Any, today: date) -> dict[str, Any]:
    """Enterprises holding a valid grade, by sector and grade (an enterprise counts once per grade)."""
    valid = StandardisationGrade.objects.visible_to(user).filter(valid_until__gte=today)
    cells = {
        (sector, grade): n
        for sector, grade, n in valid.values_list("enterprise__sector", "grade")
        .annotate(n=Count("enterprise", distinct=True))
        .order_by()
    }
    by_grade = dict(valid.values_list("grade").annotate(n=Count("enterprise", distinct=True)).order_by())
    rows = [
        {
            "code": code,
            "name": str(label),
            "grades": [cells.get((code, g), 0) for g, _ in StandardGrade.choices],
        }
        for code, label in Sector.choices
    ]
    return {
        "grades": [
            {"code": g, "name": str(label), "value": by_grade.get(g, 0)} for g, label in StandardGrade.choices
        ],
        "rows": [row for row in rows if any(row["grades"])],
    }


def expiring_licences(user: Any) -> dict[str, Any]:
    expiring = Licence.objects.visible_to(user).expiring_within(LICENCE_DAYS)
    return {
        "count": expiring.count(),
        "items": list(expiring.select_related("enterprise").order_by("valid_to")[:20]),
    }


def major_hazards(user: Any) -> dict[str, Any]:
    """Major hazard units by grade, and grade-1/2 units by province (for the map)."""
    major = HazardUnit.objects.visible_to(user).filter(is_major=True)
    by_grade = dict(major.values_list("grade").annotate(n=Count("id")).order_by())
    severe = major.filter(grade__in=[HazardGrade.ONE, HazardGrade.TWO])
    by_prefix = dict(
        severe.annotate(p=Substr("enterprise__region_id", 1, 2))
        .values_list("p")
        .annotate(n=Count("id"))
        .order_by()
    )
    provinces = {r.code[:2]: r.name for r in Region.objects.provinces()}
    return {
        "total": sum(by_grade.values()),
        "by_grade": [
            {"code": g, "name": str(label), "value": by_grade.get(g, 0)} for g, label in HazardGrade.choices
        ],
        "by_province": sorted(
            (
                {"code": f"{prefix}0000", "name": provinces.get(prefix, prefix), "value": n}
                for prefix, n in by_prefix.items()
            ),
            key=lambda item: -int(item["value"]),
        ),
    }


def last_closed_period(duty: ReportingDuty, today: date) -> Period:
    """The latest period whose deadline has passed (a rolling duty: its current window)."""
    period = current_period(duty.rule, today)
    return period if duty.rule.rolling else previous_period(duty.rule, period)


def late_submitters(user: Any, today: date) -> list[dict[str, Any]]:
    enterprises = Enterprise.objects.visible_to(user)
    rows = []
    for duty in ReportingDuty.objects.filter(active=True):
        period = last_closed_period(duty, today)
        counts = status_counts(enterprise_status(duty, period, enterprises, today))
        rows.append(
            {
                "duty": duty,
                "period": period,
                "late": counts[SubmissionStatus.LATE],
                "never": counts[SubmissionStatus.NEVER],
                "submitted": counts[SubmissionStatus.SUBMITTED],
            }
        )
    return rows


def enterprise_dashboard(user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    counts = enterprise_counts(user)
    counts["by_sector"] = [row for row in counts["by_sector"] if row["value"]] or counts["by_sector"]
    return {
        "counts": counts,
        "standardisation": standardisation_by_sector(user, today),
        "licences": expiring_licences(user),
        "hazards": major_hazards(user),
        "late": late_submitters(user, today),
    }
