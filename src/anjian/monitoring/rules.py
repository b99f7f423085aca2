"""Alarm rules, evaluated in memory on each batch of readings (no database access here).

A point's settings are compiled once into ``PointRules``; ``PointState`` keeps what the rules
need between readings (last value and time, which alarm conditions are active and their peak).
``evaluate`` turns one reading into transitions: an alarm condition starts (``open``) or ends
(``recover``). Levels use hysteresis: a high alarm starts at ``v >= high`` and ends only when
``v < high - hysteresis``; the coal methane triple starts at the alarm / power-off
concentration and ends below the restore concentration.

Quality codes of a reading (``q``): 0 normal, 2 calibrating (标校: stored, never an over-limit
event), anything else a fault reported by the sensor or its substation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

QUALITY_GOOD = 0
QUALITY_CALIBRATING = 2

METHANE_BASIS = "煤矿安全规程（2022）/AQ 1029-2019"


class MethanePlacement(models.TextChoices):
    RETURN_CORNER = "return_corner", _("采煤工作面回风隅角")
    LONGWALL_FACE = "longwall_face", _("采煤工作面")
    LONGWALL_FACE_OUTBURST = "longwall_face_outburst", _("采煤工作面（突出矿井）")
    LONGWALL_RETURN = "longwall_return", _("采煤工作面回风巷")
    LONGWALL_RETURN_MIDDLE = "longwall_return_middle", _("采煤工作面回风巷中部（长度大于1000m）")
    LONGWALL_INTAKE = "longwall_intake", _("采煤工作面进风巷（突出矿井）")
    SERIES_LONGWALL_INTAKE = "series_longwall_intake", _("被串采煤工作面进风巷")
    SHEARER = "shearer", _("采煤机")
    HEADING_FACE = "heading_face", _("掘进工作面")
    HEADING_RETURN = "heading_return", _("掘进工作面回风流")
    HEADING_MIDDLE = "heading_middle", _("突出矿井长度大于1000m的掘进巷道中部")
    HEADING_MACHINE = "heading_machine", _("掘进机、连采机、锚杆钻车、梭车")
    SERIES_HEADING_FAN = "series_heading_fan", _("被串掘进工作面局部通风机前")
    SERIES_HEADING_FAN_2 = "series_heading_fan_2", _("被串掘进工作面局部通风机前（第二级断电）")
    TWIN_HEADING_RETURN = "twin_heading_return", _("双巷掘进混合回风流")
    DISTRICT_RETURN = "district_return", _("采区回风巷")
    MAIN_RETURN = "main_return", _("一翼回风巷、总回风巷")
    TROLLEY_LOADING = "trolley_loading", _("架线电机车运输巷道内的装煤点")
    TROLLEY_DOWNWIND = "trolley_downwind", _("高瓦斯矿井进风架线电机车巷道瓦斯涌出巷道的下风流")
    COAL_BUNKER = "coal_bunker", _("井下煤仓")
    BELT_GALLERY = "belt_gallery", _("地面封闭带式输送机走廊")
    BATTERY_LOCO = "battery_loco", _("防爆蓄电池机车")
    DIESEL_VEHICLE = "diesel_vehicle", _("防爆柴油机车、无轨胶轮车")
    DRAINAGE_PUMP_HOUSE = "drainage_pump_house", _("地面瓦斯抽采泵房")
    TEMP_PUMP_STATION = "temp_pump_station", _("井下临时抽采泵站下风侧栅栏外")


# (alarm ≥, power-off ≥, restore <) in % CH4, from the sensor table of the Coal Mine Safety
# Regulations as carried into AQ 1029 (domain/coal-mine-monitoring.md section 1). None: alarm only.
METHANE_LIMITS: dict[str, tuple[float, float | None, float | None]] = {
    MethanePlacement.RETURN_CORNER: (1.0, 1.5, 1.0),
    MethanePlacement.LONGWALL_FACE: (1.0, 1.5, 1.0),
    MethanePlacement.LONGWALL_FACE_OUTBURST: (1.0, 1.5, 1.0),
    MethanePlacement.LONGWALL_RETURN: (1.0, 1.0, 1.0),
    MethanePlacement.LONGWALL_RETURN_MIDDLE: (1.0, 1.0, 1.0),
    MethanePlacement.LONGWALL_INTAKE: (0.5, 0.5, 0.5),
    MethanePlacement.SERIES_LONGWALL_INTAKE: (0.5, 0.5, 0.5),
    MethanePlacement.SHEARER: (1.0, 1.5, 1.0),
    MethanePlacement.HEADING_FACE: (1.0, 1.5, 1.0),
    MethanePlacement.HEADING_RETURN: (1.0, 1.0, 1.0),
    MethanePlacement.HEADING_MIDDLE: (1.0, 1.0, 1.0),
    MethanePlacement.HEADING_MACHINE: (1.0, 1.5, 1.0),
    # The same sensor in front of the auxiliary fan cuts the heading at 0.5 % and, as a second
    # step, the heading including the fan at 1.5 % (the second step's power-off value).
    MethanePlacement.SERIES_HEADING_FAN: (0.5, 0.5, 0.5),
    MethanePlacement.SERIES_HEADING_FAN_2: (0.5, 1.5, 0.5),
    MethanePlacement.TWIN_HEADING_RETURN: (1.0, 1.0, 1.0),
    MethanePlacement.DISTRICT_RETURN: (1.0, 1.0, 1.0),
    MethanePlacement.MAIN_RETURN: (0.70, None, None),
    MethanePlacement.TROLLEY_LOADING: (0.5, 0.5, 0.5),
    MethanePlacement.TROLLEY_DOWNWIND: (0.5, 0.5, 0.5),
    MethanePlacement.COAL_BUNKER: (1.5, 1.5, 1.5),
    MethanePlacement.BELT_GALLERY: (1.5, 1.5, 1.5),
    MethanePlacement.BATTERY_LOCO: (0.5, 0.7, 0.5),
    MethanePlacement.DIESEL_VEHICLE: (0.5, 0.7, 0.5),
    MethanePlacement.DRAINAGE_PUMP_HOUSE: (0.5, None, None),
    MethanePlacement.TEMP_PUMP_STATION: (1.0, 1.0, 1.0),
}

# Alarm kinds (values of models.AlarmKind; kept as strings so this module needs no models).
HIGH, HIGH_HIGH, LOW, LOW_LOW = "high", "high_high", "low", "low_low"
METHANE_ALARM, METHANE_POWER_OFF = "methane_alarm", "methane_power_off"
RATE, OFFLINE, FAULT = "rate", "offline", "fault"


@dataclass(frozen=True, slots=True)
class Level:
    kind: str
    enter: float
    leave: float
    upward: bool  # True: alarm at or above ``enter``; False: at or below


@dataclass(frozen=True, slots=True)
class PointRules:
    point_id: int
    enterprise_id: int
    cycle_s: int
    levels: tuple[Level, ...]
    range_low: float | None = None
    range_high: float | None = None
    rate_limit: float | None = None
    # Values strictly inside (quiet_low, quiet_high) start no level alarm: the fast path.
    quiet_low: float = -math.inf
    quiet_high: float = math.inf

    @classmethod
    def compile(cls, point: Any) -> PointRules:
        """The rules of a ``MonitoringPoint`` (or anything with its attributes)."""
        hyst = float(point.hysteresis or 0)
        levels: list[Level] = []
        for kind, upward in ((HIGH, True), (HIGH_HIGH, True), (LOW, False), (LOW_LOW, False)):
            value = getattr(point, kind)
            if value is not None:
                leave = value - hyst if upward else value + hyst
                levels.append(Level(kind, float(value), float(leave), upward))
        if point.alarm_at is not None:
            restore = point.restore_at if point.restore_at is not None else point.alarm_at - hyst
            levels.append(Level(METHANE_ALARM, float(point.alarm_at), float(restore), True))
            if point.power_off_at is not None:
                levels.append(Level(METHANE_POWER_OFF, float(point.power_off_at), float(restore), True))
        ups = [lv.enter for lv in levels if lv.upward]
        downs = [lv.enter for lv in levels if not lv.upward]
        quiet_high = min(ups) if ups else math.inf
        quiet_low = max(downs) if downs else -math.inf
        if point.range_high is not None:
            quiet_high = min(quiet_high, float(point.range_high) + 1e-9)
        if point.range_low is not None:
            quiet_low = max(quiet_low, float(point.range_low) - 1e-9)
        return cls(
            point_id=point.pk,
            enterprise_id=point.enterprise_id,
            cycle_s=point.cycle_s,
            levels=tuple(levels),
            range_low=point.range_low,
            range_high=point.range_high,
            rate_limit=point.rate_limit,
            quiet_low=quiet_low,
            quiet_high=quiet_high,
        )


@dataclass(slots=True)
class PointState:
    last_t: int = -1
    last_v: float = math.nan
    # Since when a point that has never reported counts as silent (ms; its creation), or -1.
    since: int = -1
    # Active alarm conditions: kind → peak value so far (the worst value for low alarms).
    active: dict[str, float] = field(default_factory=dict)
    # Recent timestamps (ms) for duplicate detection, in arrival order (a dict used as an ordered
    # set), trimmed from the oldest end to a time window and a count (see pipeline.py).
    seen: dict[int, None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Transition:
    point_id: int
    kind: str
    opened: bool  # True: the condition started; False: it ended (recovered)
    t: int
    value: float
    threshold: float | None
    peak: float


def _worse(upward: bool, a: float, b: float) -> float:
    return max(a, b) if upward else min(a, b)


def evaluate(rules: PointRules, state: PointState, t: int, v: float, q: int, out: list[Transition]) -> None:
    """Apply one reading to ``state``; append the transitions it causes to ``out``."""
    active = state.active
    prev_t, prev_v = state.last_t, state.last_v
    if t >= prev_t:
        state.last_t, state.last_v = t, v
    if OFFLINE in active:
        out.append(Transition(rules.point_id, OFFLINE, False, t, v, None, active.pop(OFFLINE)))
    if t < prev_t:
        return  # a late (out-of-order) reading is stored but never moves an alarm condition
    if q == QUALITY_CALIBRATING:
        return  # calibration values never count as over-limit events (AQ 1029)
    if (
        not active
        and q == QUALITY_GOOD
        and rules.rate_limit is None
        and rules.quiet_low < v < rules.quiet_high
    ):
        return
    faulty = q != QUALITY_GOOD or (
        (rules.range_low is not None and v < rules.range_low)
        or (rules.range_high is not None and v > rules.range_high)
    )
    if faulty:
        if FAULT not in active:
            active[FAULT] = v
            out.append(Transition(rules.point_id, FAULT, True, t, v, None, v))
        return  # a faulty value says nothing about the gas or the tank
    if FAULT in active:
        out.append(Transition(rules.point_id, FAULT, False, t, v, None, active.pop(FAULT)))
    for level in rules.levels:
        kind = level.kind
        if kind in active:
            active[kind] = _worse(level.upward, active[kind], v)
            if (v < level.leave) if level.upward else (v > level.leave):
                out.append(Transition(rules.point_id, kind, False, t, v, level.enter, active.pop(kind)))
        elif (v >= level.enter) if level.upward else (v <= level.enter):
            active[kind] = v
            out.append(Transition(rules.point_id, kind, True, t, v, level.enter, v))
    if rules.rate_limit is not None and t > prev_t >= 0 and not math.isnan(prev_v):
        # Readings closer together than one cycle (a burst) count as one cycle apart: sensor noise
        # over a fraction of a second is not a rate of change.
        rate = abs(v - prev_v) * 60000.0 / max(t - prev_t, rules.cycle_s * 1000)
        if rate > rules.rate_limit:
            if RATE not in active:
                active[RATE] = rate
                out.append(Transition(rules.point_id, RATE, True, t, v, rules.rate_limit, rate))
            else:
                active[RATE] = max(active[RATE], rate)
        elif RATE in active:
            out.append(Transition(rules.point_id, RATE, False, t, v, rules.rate_limit, active.pop(RATE)))


def check_offline(rules: PointRules, state: PointState, now_ms: int, cycles: int) -> Transition | None:
    """An offline transition when the point has been silent for ``cycles`` reporting cycles (a
    point that has never reported: since ``state.since``, its creation)."""
    last_t = state.last_t if state.last_t >= 0 else state.since
    if OFFLINE in state.active or last_t < 0:
        return None
    silent_ms = now_ms - last_t
    if silent_ms < rules.cycle_s * 1000 * cycles:
        return None
    state.active[OFFLINE] = silent_ms / 1000.0
    return Transition(rules.point_id, OFFLINE, True, now_ms, state.last_v, float(rules.cycle_s * cycles), 0.0)
