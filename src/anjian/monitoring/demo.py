"""Demo monitoring points: tank farms of hazardous-chemical enterprises and methane, CO and wind
sensors of coal mines at the placements of the coal regulations (idempotent: by enterprise and
point code)."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from anjian.demo import ENT_BJ_USCC
from anjian.enterprises.models import Enterprise
from anjian.hazards.models import HazardUnit
from anjian.industries.choices import Sector
from anjian.monitoring.models import MonitoringPoint, PointType
from anjian.monitoring.rules import MethanePlacement
from anjian.monitoring.services import save_point

TANK_FARM: list[dict[str, Any]] = [
    {"code": "T101-L", "name": "1# 储罐液位", "point_type": PointType.LEVEL, "unit": "m", "range_low": 0.0,
     "range_high": 12.0, "low": 0.8, "high": 9.5, "high_high": 10.5, "hysteresis": 0.1, "rate_limit": 0.5},
    {"code": "T101-T", "name": "1# 储罐温度", "point_type": PointType.TEMPERATURE, "unit": "℃",
     "range_low": -40.0, "range_high": 120.0, "high": 40.0, "high_high": 50.0, "hysteresis": 1.0},
    {"code": "T101-P", "name": "1# 储罐压力", "point_type": PointType.PRESSURE, "unit": "MPa",
     "range_low": 0.0, "range_high": 2.5, "high": 1.2, "high_high": 1.6, "hysteresis": 0.02},
    {"code": "T102-L", "name": "2# 储罐液位", "point_type": PointType.LEVEL, "unit": "m", "range_low": 0.0,
     "range_high": 12.0, "low": 0.8, "high": 9.5, "high_high": 10.5, "hysteresis": 0.1},
    {"code": "GD-01", "name": "罐区可燃气体 1#", "point_type": PointType.FLAMMABLE_GAS, "unit": "%LEL",
     "range_low": 0.0, "range_high": 100.0, "high": 25.0, "high_high": 50.0, "hysteresis": 2.0,
     "threshold_basis": "GB 50493-2019"},
    {"code": "GD-02", "name": "罐区有毒气体（氨）", "point_type": PointType.TOXIC_GAS, "unit": "ppm",
     "range_low": 0.0, "range_high": 200.0, "high": 20.0, "high_high": 40.0, "hysteresis": 2.0,
     "threshold_basis": "GB 50493-2019"},
]  # fmt: skip

MINE: list[dict[str, Any]] = [
    {"code": "CH4-101", "name": "1101 采煤工作面甲烷", "placement": MethanePlacement.LONGWALL_FACE},
    {"code": "CH4-102", "name": "1101 回风隅角甲烷", "placement": MethanePlacement.RETURN_CORNER},
    {"code": "CH4-103", "name": "1101 回风巷甲烷", "placement": MethanePlacement.LONGWALL_RETURN},
    {"code": "CH4-201", "name": "2201 掘进工作面甲烷", "placement": MethanePlacement.HEADING_FACE},
    {"code": "CH4-202", "name": "2201 掘进回风流甲烷", "placement": MethanePlacement.HEADING_RETURN},
    {"code": "CH4-301", "name": "一采区回风巷甲烷", "placement": MethanePlacement.DISTRICT_RETURN},
    {"code": "CH4-401", "name": "总回风巷甲烷", "placement": MethanePlacement.MAIN_RETURN},
    {"code": "CO-101", "name": "1101 回风巷一氧化碳", "point_type": PointType.CO, "unit": "ppm",
     "range_low": 0.0, "range_high": 500.0, "high": 24.0, "hysteresis": 2.0, "rate_limit": 10.0,
     "threshold_basis": "煤矿安全规程（2022）"},
    {"code": "WS-101", "name": "1101 回风巷风速", "point_type": PointType.WIND_SPEED, "unit": "m/s",
     "range_low": 0.0, "range_high": 15.0, "low": 0.25, "high": 4.0, "hysteresis": 0.05},
]  # fmt: skip


def _ensure(enterprise: Enterprise, spec: dict[str, Any], unit: HazardUnit | None, cycle_s: int) -> bool:
    if MonitoringPoint.objects.filter(enterprise=enterprise, code=spec["code"]).exists():
        return False
    fields = dict(spec)
    if "placement" in fields:
        fields |= {"point_type": PointType.METHANE, "range_low": 0.0, "range_high": 4.0}
    location = fields["name"].rsplit(" ", 1)[0] if " " in fields["name"] else ""
    save_point(
        MonitoringPoint(
            enterprise=enterprise, hazard_unit=unit, location=location, cycle_s=cycle_s, **fields
        ),
        user=None,
    )
    return True


def load_demo() -> str:
    created = 0
    hazchem = list(Enterprise.objects.filter(sector=Sector.HAZCHEM, uscc=ENT_BJ_USCC))
    hazchem += list(
        Enterprise.objects.filter(sector=Sector.HAZCHEM)
        .filter(reduce(or_, (Q(region__code__startswith=p) for p in ("11", "31", "32", "37"))))
        .exclude(uscc=ENT_BJ_USCC)
        .order_by("uscc")[:8]
    )
    for enterprise in hazchem:
        unit = HazardUnit.objects.filter(enterprise=enterprise).order_by("pk").first()
        for spec in TANK_FARM:
            created += _ensure(enterprise, spec, unit, cycle_s=30)
    mines = Enterprise.objects.filter(sector=Sector.COAL).order_by("uscc")[:6]
    for mine in mines:
        for spec in MINE:
            created += _ensure(mine, spec, None, cycle_s=10)
    total = MonitoringPoint.objects.count()
    return f"monitoring: {created} points created ({total} in all)"
