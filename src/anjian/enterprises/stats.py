"""Counts for the home dashboard, computed by SQL aggregation within the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.db.models.functions import Substr

from anjian.enterprises.models import Enterprise, EnterpriseStatus
from anjian.industries.choices import Sector
from anjian.regions.models import Region


def enterprise_counts(user: Any) -> dict[str, Any]:
    visible = Enterprise.objects.visible_to(user)
    by_sector = dict(visible.values_list("sector").annotate(n=Count("id")).order_by())
    by_province_prefix = dict(
        visible.annotate(p=Substr("region_id", 1, 2)).values_list("p").annotate(n=Count("id")).order_by()
    )
    provinces = {r.code[:2]: r.name for r in Region.objects.provinces()}
    return {
        "total": sum(by_sector.values()),
        "operating": visible.filter(status=EnterpriseStatus.OPERATING).count(),
        "by_sector": [
            {"code": value, "name": str(label), "value": by_sector.get(value, 0)}
            for value, label in Sector.choices
        ],
        "by_province": sorted(
            (
                {"code": f"{prefix}0000", "name": provinces.get(prefix, prefix), "value": n}
                for prefix, n in by_province_prefix.items()
            ),
            key=lambda item: -int(item["value"]),
        ),
    }
