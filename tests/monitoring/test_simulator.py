"""The simulator: readings at the asked rate within each point's range, drifts into alarm, silent
sensors and bad payloads; what it sends goes through the pipeline."""

from __future__ import annotations

import time

from django.test import TestCase

from anjian.monitoring import storage
from anjian.monitoring.models import Alarm
from anjian.monitoring.pipeline import Pipeline
from anjian.monitoring.simulator import Simulator, encode
from tests.monitoring.factories import level_point, methane_point, mine


class SimulatorTest(TestCase):
    def test_a_simulated_hour_feeds_the_pipeline(self) -> None:
        owner = mine()
        points = [methane_point(owner, code=f"CH4-{i}") for i in range(3)] + [level_point(owner)]
        sim = Simulator.for_points(points, rate=2.0, seed=7)
        pipeline = Pipeline()
        pipeline.refresh()
        start = time.time() - 3600
        methane: list[float] = []
        for second in range(3600):
            for topic, payload in sim.tick(start + second):
                if "CH4" in topic and not isinstance(payload, bytes):
                    items = payload if isinstance(payload, list) else [payload]
                    methane += [i["v"] for i in items if isinstance(i.get("v"), float)]
                pipeline.add_topic(topic, encode(payload))
            if second % 600 == 599:
                pipeline.flush()
        pipeline.flush()
        self.assertGreater(sim.sent, 3600 * 2 * 0.8)  # silent spells take a little off
        self.assertEqual(pipeline.accepted, sim.sent)
        self.assertEqual(sum(pipeline.rejected.values()) > 0, sim.bad > 0)
        self.assertEqual(storage.count_readings([p.pk for p in points]), sim.sent)
        self.assertTrue(all(0.0 <= v <= 4.0 for v in methane))
        self.assertGreater(max(methane), 1.0)  # a drift reached the methane alarm
        self.assertTrue(Alarm.objects.filter(kind="methane_alarm").exists())
