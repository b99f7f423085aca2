"""Monitoring test data: a Beijing chemical enterprise and a Hebei coal mine with their points."""

from __future__ import annotations

import json
import time
from typing import Any

from anjian.enterprises.models import Enterprise
from anjian.monitoring.models import MonitoringPoint, PointType
from anjian.monitoring.pipeline import Pipeline
from anjian.monitoring.rules import MethanePlacement
from anjian.monitoring.services import save_point
from tests.enterprises.test_views import enterprise


def mine() -> Enterprise:
    return enterprise("井陉县安泰煤业有限公司", "130121", "coal", "30000001")


def methane_point(owner: Enterprise, code: str = "CH4-101", **fields: Any) -> MonitoringPoint:
    values: dict[str, Any] = {
        "name": "1101 采煤工作面甲烷",
        "point_type": PointType.METHANE,
        "placement": MethanePlacement.LONGWALL_FACE,
        "range_low": 0.0,
        "range_high": 4.0,
        "location": "1101 采煤工作面",
        "cycle_s": 10,
    }
    return save_point(MonitoringPoint(enterprise=owner, code=code, **(values | fields)), user=None)


def level_point(owner: Enterprise, code: str = "T101-L", **fields: Any) -> MonitoringPoint:
    values: dict[str, Any] = {
        "name": "1# 储罐液位",
        "point_type": PointType.LEVEL,
        "unit": "m",
        "range_low": 0.0,
        "range_high": 12.0,
        "low": 0.8,
        "high": 9.5,
        "high_high": 10.5,
        "hysteresis": 0.1,
        "cycle_s": 30,
    }
    return save_point(MonitoringPoint(enterprise=owner, code=code, **(values | fields)), user=None)


def now_ms() -> int:
    return int(time.time() * 1000)


def send(
    pipeline: Pipeline, point: MonitoringPoint, *values: float, t0: int | None = None, step: int = 1000
) -> None:
    """Readings of ``point`` into ``pipeline`` as one MQTT message, then written."""
    start = t0 if t0 is not None else now_ms() - 60_000
    payload = [{"t": start + i * step, "v": v} for i, v in enumerate(values)]
    pipeline.add_topic(f"anjian/v1/{point.enterprise.uscc}/{point.code}", json.dumps(payload).encode())
    pipeline.flush()
