"""Hand-made hidden dangers with known statistics (see test_stats.py for the expected figures).

The rows are written directly (the life cycle belongs to the dangers app): these tests check the
aggregation, not the transitions.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anjian.core.testing import make_org
from anjian.dangers.models import HiddenDanger, SupervisionListing
from anjian.enterprises.models import Enterprise
from tests.enterprises.test_views import sample_enterprises

D = datetime.date


def danger(
    enterprise: Enterprise,
    found: datetime.date,
    deadline: datetime.date,
    *,
    level: str = "general",
    status: str = "reported",
    funds: str = "0",
    place: str = "",
) -> HiddenDanger:
    closed_at = (
        timezone.make_aware(datetime.datetime.combine(deadline, datetime.time(10)))
        if status == "closed"
        else None
    )
    return HiddenDanger.objects.create(
        enterprise=enterprise,
        place=place or f"{enterprise.name}装置区",
        description="测试隐患",
        level=level,
        source="self_check",
        found_by="张三",
        found_at=found,
        deadline=deadline,
        responsible_person="李四",
        funds=Decimal(funds),
        status=status,
        closed_at=closed_at,
        source_node="000000",
        version=1,
    )


def listing(
    item: HiddenDanger, listed: datetime.date, delisted: datetime.date | None = None, **fields: Any
) -> SupervisionListing:
    authority = make_org("北京市应急管理局（督办测试）", "110000")
    created: SupervisionListing = SupervisionListing.objects.create(
        danger=item,
        authority=authority,
        document_no=f"督办〔2026〕{item.pk}号",
        listed_at=listed,
        deadline=listed + datetime.timedelta(days=90),
        requirements="限期整改",
        status="delisted" if delisted else "listed",
        delisted_at=(
            timezone.make_aware(datetime.datetime.combine(delisted, datetime.time(15))) if delisted else None
        ),
        source_node="000000",
        version=1,
        **fields,
    )
    return created


def sample_dangers() -> tuple[list[Enterprise], list[Enterprise], dict[str, HiddenDanger]]:
    """Beijing: e0 = 110111 hazchem, e1 = 110108 industry_trade, e2 = 110109 noncoal_mine;
    Shanghai: s0 = 310115 hazchem, s1 = 310113 industry_trade."""
    beijing, shanghai = sample_enterprises()
    e0, e1, e2 = beijing
    s0, s1 = shanghai[0], shanghai[1]
    rows = {
        "B1": danger(e0, D(2026, 1, 10), D(2026, 2, 10), status="closed", funds="1.50"),
        "B2": danger(e0, D(2026, 1, 20), D(2026, 3, 1), status="rectifying"),
        "B3": danger(e0, D(2026, 3, 5), D(2026, 12, 31), level="major", status="rectifying", funds="20"),
        "B4": danger(e1, D(2026, 2, 14), D(2026, 4, 1), level="major", status="closed", funds="10.25"),
        "B5": danger(e1, D(2026, 5, 1), D(2026, 6, 29), status="awaiting_verification"),
        "B6": danger(e2, D(2025, 12, 20), D(2026, 1, 10)),
        "S1": danger(s0, D(2026, 4, 2), D(2026, 7, 30), status="closed", funds="3"),
        "S2": danger(s1, D(2026, 4, 3), D(2026, 5, 1), level="major"),
    }
    listing(rows["B3"], D(2026, 3, 10))
    listing(rows["B4"], D(2026, 2, 20), D(2026, 5, 10))
    listing(rows["S2"], D(2026, 4, 10))
    return beijing, shanghai, rows
