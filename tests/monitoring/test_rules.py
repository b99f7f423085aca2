"""The alarm rules in memory: worked examples from domain/coal-mine-monitoring.md."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from anjian.monitoring import rules as R


def point(**fields: Any) -> Any:
    base: dict[str, Any] = {
        "pk": 1,
        "enterprise_id": 7,
        "cycle_s": 10,
        "hysteresis": 0,
        "range_low": None,
        "range_high": None,
        "rate_limit": None,
        "low_low": None,
        "low": None,
        "high": None,
        "high_high": None,
        "alarm_at": None,
        "power_off_at": None,
        "restore_at": None,
    }
    return SimpleNamespace(**(base | fields))


def run(
    rules: R.PointRules, state: R.PointState, *values: float, q: int = 0, start: int = 0
) -> list[R.Transition]:
    out: list[R.Transition] = []
    for i, v in enumerate(values):
        R.evaluate(rules, state, start + i * 10_000, v, q, out)
    return out


def working_face() -> R.PointRules:
    alarm, power_off, restore = R.METHANE_LIMITS[R.MethanePlacement.LONGWALL_FACE]
    return R.PointRules.compile(
        point(alarm_at=alarm, power_off_at=power_off, restore_at=restore, range_low=0, range_high=4)
    )


def test_working_face_limits_from_the_regulations() -> None:
    assert R.METHANE_LIMITS[R.MethanePlacement.LONGWALL_FACE] == (1.0, 1.5, 1.0)
    assert R.METHANE_LIMITS[R.MethanePlacement.LONGWALL_RETURN] == (1.0, 1.0, 1.0)
    assert R.METHANE_LIMITS[R.MethanePlacement.BATTERY_LOCO] == (0.5, 0.7, 0.5)
    assert R.METHANE_LIMITS[R.MethanePlacement.MAIN_RETURN][1:] == (None, None)


def test_methane_alarm_power_off_and_restore() -> None:
    rules, state = working_face(), R.PointState()
    assert run(rules, state, 0.4, 0.8) == []
    opened = run(rules, state, 1.2, start=20_000)
    assert [(t.kind, t.opened, t.value, t.threshold) for t in opened] == [(R.METHANE_ALARM, True, 1.2, 1.0)]
    power_off = run(rules, state, 1.6, start=30_000)
    assert [(t.kind, t.opened, t.threshold) for t in power_off] == [(R.METHANE_POWER_OFF, True, 1.5)]
    assert state.active == {R.METHANE_ALARM: 1.6, R.METHANE_POWER_OFF: 1.6}
    # 1.2 is still at or above the restore concentration: nothing ends.
    assert run(rules, state, 1.2, start=40_000) == []
    recovered = run(rules, state, 0.9, start=50_000)
    assert sorted((t.kind, t.opened, t.peak) for t in recovered) == [
        (R.METHANE_ALARM, False, 1.6),
        (R.METHANE_POWER_OFF, False, 1.6),
    ]
    assert state.active == {}


def test_exactly_at_the_alarm_concentration_alarms() -> None:
    out = run(working_face(), R.PointState(), 1.0)
    assert [t.kind for t in out] == [R.METHANE_ALARM]


def test_high_level_with_hysteresis_does_not_chatter() -> None:
    rules, state = R.PointRules.compile(point(high=9.5, high_high=10.5, hysteresis=0.2)), R.PointState()
    out = run(rules, state, 9.0, 9.5, 9.4, 9.6, 9.35, 9.2)
    assert [(t.kind, t.opened, t.value) for t in out] == [(R.HIGH, True, 9.5), (R.HIGH, False, 9.2)]
    assert out[-1].peak == 9.6


def test_low_low_keeps_the_lowest_value_as_peak() -> None:
    rules, state = R.PointRules.compile(point(low=1.0, low_low=0.5)), R.PointState()
    out = run(rules, state, 2.0, 0.9, 0.4, 0.3, 1.5)
    kinds = [(t.kind, t.opened) for t in out]
    assert kinds == [(R.LOW, True), (R.LOW_LOW, True), (R.LOW, False), (R.LOW_LOW, False)]
    assert out[-1].peak == 0.3


def test_rate_of_change_per_minute() -> None:
    rules, state = R.PointRules.compile(point(rate_limit=10.0)), R.PointState()  # 10 per minute
    out = run(rules, state, 5.0, 6.0, 8.0, 8.5)  # readings 10 s apart: 6/min, 12/min, 3/min
    assert [(t.kind, t.opened) for t in out] == [(R.RATE, True), (R.RATE, False)]


def test_a_burst_faster_than_the_cycle_is_not_a_rate_alarm() -> None:
    rules, state = R.PointRules.compile(point(rate_limit=10.0, cycle_s=10)), R.PointState()
    out: list[R.Transition] = []
    for i, v in enumerate((5.0, 5.5, 5.0, 5.6)):
        R.evaluate(rules, state, i * 100, v, 0, out)  # 100 ms apart
    assert out == []


def test_out_of_range_and_quality_flag_are_faults_not_gas_alarms() -> None:
    rules, state = working_face(), R.PointState()
    out = run(rules, state, 4.5)  # above the 4 % range: a sensor fault
    assert [(t.kind, t.opened) for t in out] == [(R.FAULT, True)]
    assert run(rules, state, 2.0, q=1, start=10_000) == []  # still faulty, nothing new
    out = run(rules, state, 0.3, start=20_000)
    assert [(t.kind, t.opened) for t in out] == [(R.FAULT, False)]


def test_calibration_values_never_raise_over_limit_alarms() -> None:
    rules, state = working_face(), R.PointState()
    assert run(rules, state, 2.0, 2.5, q=R.QUALITY_CALIBRATING) == []
    assert state.active == {}


def test_offline_after_three_cycles_and_back_on_data() -> None:
    rules, state = working_face(), R.PointState()
    run(rules, state, 0.3)
    assert R.check_offline(rules, state, 29_999, 3) is None
    offline = R.check_offline(rules, state, 30_000, 3)
    assert offline is not None
    assert (offline.kind, offline.opened) == (R.OFFLINE, True)
    assert R.check_offline(rules, state, 60_000, 3) is None  # already offline: one transition
    back = run(rules, state, 0.3, start=70_000)
    assert [(t.kind, t.opened) for t in back] == [(R.OFFLINE, False)]


def test_a_point_that_never_reported_is_not_offline_here() -> None:
    assert R.check_offline(working_face(), R.PointState(), 10**12, 3) is None
