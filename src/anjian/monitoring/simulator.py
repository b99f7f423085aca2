"""Realistic readings for the demo enterprises' points (``anjian simulate``): every point follows
a slow random walk around a normal value for its type; now and then one drifts into alarm and
back, one goes silent for a while, and a few bad payloads (not JSON, text values, unknown points)
are sent so the refusal counters move."""

from __future__ import annotations

import json
import math
import random
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from anjian.monitoring.models import MonitoringPoint, PointType

NORMAL = {
    PointType.METHANE: (0.25, 0.02),
    PointType.CO: (6.0, 0.5),
    PointType.O2: (20.8, 0.05),
    PointType.WIND_SPEED: (2.2, 0.1),
    PointType.TEMPERATURE: (26.0, 0.2),
    PointType.PRESSURE: (0.8, 0.01),
    PointType.LEVEL: (5.0, 0.05),
    PointType.FLOW: (40.0, 1.0),
    PointType.FLAMMABLE_GAS: (2.0, 0.3),
    PointType.TOXIC_GAS: (1.0, 0.2),
}


@dataclass
class SimPoint:
    uscc: str
    code: str
    base: float
    step: float
    target: float | None  # the value a drift heads for, None when normal
    value: float
    low: float = -math.inf
    high: float = math.inf
    silent_until: float = 0.0
    carry: float = 0.0

    @classmethod
    def of(cls, point: MonitoringPoint) -> SimPoint:
        base, step = NORMAL.get(PointType(point.point_type), (10.0, 0.2))
        if point.high is not None and base >= point.high:
            base = point.high * 0.7
        low = point.range_low if point.range_low is not None else -math.inf
        high = point.range_high if point.range_high is not None else math.inf
        return cls(point.enterprise.uscc, point.code, base, step, None, base, low, high)

    @property
    def topic(self) -> str:
        return f"anjian/v1/{self.uscc}/{self.code}"


def alarm_value(point: MonitoringPoint) -> float | None:
    """A value past the point's most serious upward limit (where a drift heads)."""
    limits = [v for v in (point.power_off_at, point.alarm_at, point.high_high, point.high) if v is not None]
    return max(limits) * 1.1 if limits else None


@dataclass
class Simulator:
    points: list[SimPoint]
    targets: dict[str, float | None]
    rate: float  # readings per second over all points
    rng: random.Random = field(default_factory=lambda: random.Random(20261129))
    sent: int = 0
    bad: int = 0

    @classmethod
    def for_points(cls, points: list[MonitoringPoint], rate: float, seed: int = 20261129) -> Simulator:
        sims = [SimPoint.of(p) for p in points]
        return cls(
            sims, {p.code + p.enterprise.uscc: alarm_value(p) for p in points}, rate, random.Random(seed)
        )

    def tick(self, now: float, seconds: float = 1.0) -> list[tuple[str, Any]]:
        """The messages for the next ``seconds``: (topic, payload object or raw bytes)."""
        rng = self.rng
        per_point = self.rate * seconds / max(len(self.points), 1)
        messages: list[tuple[str, Any]] = []
        if rng.random() < 0.005 * seconds:  # a drift into alarm starts (about one in 3 minutes)
            sim = rng.choice(self.points)
            sim.target = self.targets.get(sim.code + sim.uscc)
        if rng.random() < 0.002 * seconds:  # a sensor goes silent for a few minutes
            rng.choice(self.points).silent_until = now + rng.uniform(120, 300)
        for sim in self.points:
            sim.carry += per_point
            count = int(sim.carry)
            if count == 0 or sim.silent_until > now:
                sim.carry -= count
                continue
            sim.carry -= count
            items = []
            for k in range(count):
                self._walk(sim)
                t = int((now - seconds + seconds * (k + 1) / count) * 1000)
                items.append({"t": t, "v": round(sim.value, 4), "q": 0})
            messages.append((sim.topic, items if len(items) > 1 else items[0]))
            self.sent += len(items)
        if rng.random() < 0.05 * seconds and self.points:  # bad payloads, counted by the ingest side
            sim = rng.choice(self.points)
            bad: list[tuple[str, Any]] = [
                (sim.topic, b"{not json"),
                (sim.topic, {"t": int(now * 1000), "v": "abc"}),
                (f"anjian/v1/{sim.uscc}/NO-SUCH-POINT", {"t": int(now * 1000), "v": 1.0}),
            ]
            messages.append(rng.choice(bad))
            self.bad += 1
        return messages

    def _walk(self, sim: SimPoint) -> None:
        rng = self.rng
        if sim.target is not None:
            sim.value += (sim.target - sim.value) * 0.08 + rng.gauss(0, sim.step)
            if abs(sim.value - sim.target) < abs(sim.target) * 0.03 and rng.random() < 0.05:
                sim.target = None  # the drift peaks and the value falls back
        else:
            sim.value += (sim.base - sim.value) * 0.05 + rng.gauss(0, sim.step)
        if not math.isfinite(sim.value):
            sim.value = sim.base
        sim.value = min(max(sim.value, sim.low), sim.high)


def encode(payload: Any) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


def http_sender(url: str, token: str) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """Post messages to the HTTP readings endpoint (points of the token's enterprise)."""

    def send(messages: list[tuple[str, Any]]) -> dict[str, Any]:
        batches = [
            {"point": topic.rsplit("/", 1)[1], "readings": payload}
            for topic, payload in messages
            if not isinstance(payload, bytes)
        ]
        if not batches:
            return {}
        request = urllib.request.Request(
            url,
            data=json.dumps({"batches": batches}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            result: dict[str, Any] = json.loads(response.read())
        return result

    return send
