"""Against the real MQTT broker (ANJIAN_TEST_MQTT_URL, default mqtt://127.0.0.1:1883; skipped when
it does not answer): readings published over MQTT reach the database through the worker, which
runs in the test thread (paho's network thread only queues), so its writes use the test
connection."""

from __future__ import annotations

import json
import os
import time
import unittest
import uuid
from collections.abc import Callable
from typing import Any, ClassVar

from django.test import TestCase

from anjian.enterprises.models import Enterprise
from anjian.monitoring import storage
from anjian.monitoring.models import Alarm, AlarmKind, AlarmStatus, MonitoringPoint
from anjian.monitoring.services import handle
from anjian.monitoring.worker import Broker, IngestWorker, broker_answers
from tests.monitoring.factories import level_point, methane_point, mine, now_ms

MQTT_URL = os.environ.get("ANJIAN_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")


class MQTTIngestTest(TestCase):
    mine: ClassVar[Enterprise]
    ch4: ClassVar[MonitoringPoint]
    tank: ClassVar[MonitoringPoint]

    @classmethod
    def setUpClass(cls) -> None:
        if not broker_answers(MQTT_URL):
            raise unittest.SkipTest(f"no MQTT broker answers at {MQTT_URL} (ANJIAN_TEST_MQTT_URL)")
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        cls.mine = mine()
        cls.ch4 = methane_point(cls.mine)
        cls.tank = level_point(cls.mine)

    def setUp(self) -> None:
        # A group of its own: workers of a running demo do not take this test's messages.
        self.worker = IngestWorker(MQTT_URL, share=f"test{uuid.uuid4().hex[:8]}", batch_ms=20)
        self.worker.start()
        broker = Broker.from_url(MQTT_URL)
        self.publisher = broker.client(f"anjian-test-{uuid.uuid4().hex[:8]}")
        self.publisher.connect(broker.host, broker.port)
        self.publisher.loop_start()

    def tearDown(self) -> None:
        self.publisher.disconnect()
        self.publisher.loop_stop()
        self.worker.stop()

    def publish(self, point: MonitoringPoint | str, payload: Any) -> None:
        code = point if isinstance(point, str) else point.code
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.publisher.publish(f"anjian/v1/{self.mine.uscc}/{code}", body, qos=1).wait_for_publish(5)

    def ingest_until(self, done: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                self.fail(
                    f"the worker did not get there in time: {self.worker.pipeline.rejected_by_source()}"
                )
            self.worker.step(wait=0.05)

    def test_readings_published_over_mqtt_appear_in_the_database(self) -> None:
        t0 = now_ms() - 10_000
        self.publish(self.tank, [{"t": t0 + i * 100, "v": 5.0 + i / 10} for i in range(50)])
        self.publish(self.tank, {"t": t0 + 9000, "v": 6.5, "q": 0})
        self.ingest_until(lambda: storage.count_readings([self.tank.pk]) == 51)
        self.assertEqual(storage.readings(self.tank.pk, t0, t0 + 10_000)[-1], (t0 + 9000, 6.5, 0))

    def test_methane_at_a_working_face_over_mqtt(self) -> None:
        t0 = now_ms() - 30_000
        self.publish(self.ch4, {"t": t0, "v": 1.2})
        self.ingest_until(lambda: Alarm.objects.filter(point=self.ch4, kind=AlarmKind.METHANE_ALARM).exists())
        self.publish(self.ch4, {"t": t0 + 10_000, "v": 1.6})
        self.ingest_until(
            lambda: Alarm.objects.filter(point=self.ch4, kind=AlarmKind.METHANE_POWER_OFF).exists()
        )
        for alarm in Alarm.objects.filter(point=self.ch4):
            handle(alarm, user=None, cause="回风隅角瓦斯积聚", measures="断电撤人，调整通风")
        self.publish(self.ch4, {"t": t0 + 20_000, "v": 0.9})
        self.ingest_until(
            lambda: not Alarm.objects.filter(point=self.ch4).exclude(status=AlarmStatus.CLOSED).exists()
        )
        self.assertEqual(Alarm.objects.filter(point=self.ch4, status=AlarmStatus.CLOSED).count(), 2)

    def test_bad_payloads_are_counted_and_the_worker_goes_on(self) -> None:
        t = now_ms() - 1000
        self.publish(self.tank, b"\xff\xfe not json")
        self.publish(self.tank, [{"t": t, "v": "abc"}, {"t": t + 1, "v": 5.0}])
        self.publish("NO-SUCH-POINT", {"t": t, "v": 1.0})
        self.ingest_until(lambda: storage.count_readings([self.tank.pk]) == 1)
        # Only this test's source counts: anything else on the broker is someone else's traffic.
        self.ingest_until(
            lambda: sum(self.worker.pipeline.rejected_by_source().get(self.mine.uscc, {}).values(), 0) == 3
        )
        self.assertEqual(
            self.worker.pipeline.rejected_by_source()[self.mine.uscc],
            {"bad_payload": 1, "non_numeric": 1, "unknown_point": 1},
        )

    def test_a_silent_sensor_becomes_offline_after_three_cycles(self) -> None:
        t0 = now_ms() - 29_000  # the methane sensor reports every 10 s
        self.publish(self.ch4, {"t": t0, "v": 0.3})
        self.ingest_until(lambda: storage.count_readings([self.ch4.pk]) == 1)
        self.assertEqual(self.worker.pipeline.check_offline(t0 + 29_999), 0)
        self.assertEqual(self.worker.pipeline.check_offline(t0 + 30_000), 1)
        self.worker.step(wait=0)
        self.assertTrue(
            Alarm.objects.filter(point=self.ch4, kind=AlarmKind.OFFLINE, status=AlarmStatus.OPEN).exists()
        )
