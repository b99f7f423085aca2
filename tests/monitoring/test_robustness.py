"""Regressions from review: alarm changes reach the exchange outbox, bad readings are refused (never
a crash), late readings move no alarm, points that never reported go offline, and the methane
placements of the regulations are complete."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any, ClassVar
from unittest import mock

from django.conf import settings
from django.test import TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from anjian.accounts.models import APIToken, OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_org, make_user
from anjian.enterprises.models import Enterprise
from anjian.exchange.models import OutboxEntry
from anjian.monitoring import rules as R
from anjian.monitoring import services, storage
from anjian.monitoring.models import Alarm, AlarmKind, EscalationLevel, MonitoringPoint
from anjian.monitoring.pipeline import FLUSH_RETRIES, Pipeline
from anjian.monitoring.worker import IngestWorker
from tests.monitoring.factories import methane_point, mine, now_ms, send
from tests.monitoring.test_rules import point, run, working_face


def _last_record(alarm: Alarm) -> dict[str, Any]:
    entry = OutboxEntry.objects.filter(uid=alarm.uid).order_by("-seq").first()
    assert entry is not None
    record: dict[str, Any] = json.loads(entry.line)
    return record


class AlarmOutboxTest(TestCase):
    """``Alarm`` is shared: every change of a shared field gets a new version and an outbox row."""

    ch4: ClassVar[MonitoringPoint]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.ch4 = methane_point(mine())

    def setUp(self) -> None:
        self.pipeline = Pipeline()
        self.pipeline.refresh()

    def alarm(self) -> Alarm:
        alarm: Alarm = Alarm.objects.get(point=self.ch4, kind=AlarmKind.METHANE_ALARM)
        return alarm

    def assert_exchanged(self, alarm: Alarm, version: int, **fields: Any) -> None:
        alarm.refresh_from_db()
        self.assertEqual(alarm.version, version)
        record = _last_record(alarm)
        self.assertEqual(record["version"], version)
        for name, value in fields.items():
            self.assertEqual(record["data"][name], value, name)

    def test_recovery_bumps_the_version_and_writes_the_outbox(self) -> None:
        t0 = now_ms() - 30_000
        send(self.pipeline, self.ch4, 1.2, 1.6, t0=t0)
        alarm = self.alarm()
        version = alarm.version
        send(self.pipeline, self.ch4, 0.5, t0=t0 + 5000)
        self.assert_exchanged(alarm, version + 1, peak_value=1.6)
        self.assertIsNotNone(alarm.recovered_at)
        self.assertIsNotNone(_last_record(alarm)["data"]["recovered_at"])

    def test_reopening_bumps_the_version_and_writes_the_outbox(self) -> None:
        t0 = now_ms() - 30_000
        send(self.pipeline, self.ch4, 1.2, 0.5, t0=t0)  # alarm, recovered, not handled: stays open
        alarm = self.alarm()
        version = alarm.version
        send(self.pipeline, self.ch4, 1.3, t0=t0 + 5000)
        self.assert_exchanged(alarm, version + 1, peak_value=1.3, recovered_at=None)
        self.assertEqual(Alarm.objects.filter(point=self.ch4, kind=AlarmKind.METHANE_ALARM).count(), 1)

    def test_peak_updates_bump_the_version_of_the_changed_alarms_only(self) -> None:
        t0 = now_ms() - 30_000
        send(self.pipeline, self.ch4, 1.1, t0=t0)
        alarm = self.alarm()
        version = alarm.version
        send(self.pipeline, self.ch4, 1.3, t0=t0 + 1000)
        self.assert_exchanged(alarm, version + 1, peak_value=1.3)
        entries = OutboxEntry.objects.filter(uid=alarm.uid).count()
        send(self.pipeline, self.ch4, 1.2, t0=t0 + 2000)  # lower: the peak stays, the last value moves
        alarm.refresh_from_db()
        self.assertEqual((alarm.version, alarm.peak_value, alarm.last_value), (version + 1, 1.3, 1.2))
        self.assertEqual(OutboxEntry.objects.filter(uid=alarm.uid).count(), entries)

    def test_escalation_level_bumps_the_version_and_writes_the_outbox(self) -> None:
        send(self.pipeline, self.ch4, 1.2)
        alarm = self.alarm()
        self.assertEqual(alarm.escalation_level, EscalationLevel.ENTERPRISE)
        version = alarm.version
        services.escalate(timezone.now() + timedelta(days=1))
        self.assert_exchanged(alarm, version + 3, escalation_level=int(EscalationLevel.PROVINCE))

    def test_alarms_of_other_nodes_are_not_escalated(self) -> None:
        send(self.pipeline, self.ch4, 1.2)
        alarm = self.alarm()
        Alarm.objects.filter(pk=alarm.pk).update(source_node="110000")  # a read-only copy
        self.assertEqual(services.escalate(timezone.now() + timedelta(days=1)), 0)
        alarm.refresh_from_db()
        self.assertEqual(alarm.escalation_level, EscalationLevel.ENTERPRISE)
        self.assertNotEqual(settings.NODE_CODE, "110000")


class BadReadingsTest(TestCase):
    ch4: ClassVar[MonitoringPoint]
    gateway: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.ch4 = methane_point(mine())
        owner: Enterprise = cls.ch4.enterprise
        org = make_org(owner.name, owner.region.code, org_type=OrgType.ENTERPRISE, enterprise=owner)
        cls.gateway = make_user("gw_robust", org, RoleCode.ENTERPRISE_SAFETY_OFFICER)

    def post(self, *readings: dict[str, Any]) -> Any:
        client = APIClient(raise_request_exception=False)
        _token, key = APIToken.issue(self.gateway)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        raw = json.dumps({"batches": [{"point": self.ch4.code, "readings": list(readings)}]})
        return client.post("/api/v1/monitoring/readings/", raw, content_type="application/json")

    def test_out_of_range_fields_are_refused_over_http(self) -> None:
        t = now_ms() - 5000
        response = self.post(
            {"t": t, "v": 10**400},
            {"t": t + 1, "v": 0.3, "q": 2**70},
            {"t": t + 2, "v": 0.3, "q": 40_000},  # beyond a smallint
            {"t": 10**20, "v": 0.3},
            {"t": 2**53, "v": 0.3},
            {"t": -(2**53), "v": 0.3},
            {"t": 1e300, "v": 0.3},
            {"t": t + 3, "v": 0.3, "q": 32_767},
            {"t": t + 4, "v": 0.3, "q": -32_768},
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["accepted"], 2)
        self.assertEqual(body["reasons"], {"non_numeric": 1, "bad_quality": 2, "bad_timestamp": 4})
        self.assertEqual(storage.count_readings([self.ch4.pk]), 2)

    def test_deeply_nested_json_over_http_is_a_bad_request(self) -> None:
        client = APIClient(raise_request_exception=False)
        _token, key = APIToken.issue(self.gateway)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        deep = b"[" * 100_000 + b"]" * 100_000
        for raw in (deep, b'{"batches": [{"point": "CH4-101", "readings": ' + deep + b"}]}"):
            response = client.post("/api/v1/monitoring/readings/", raw, content_type="application/json")
            self.assertEqual(response.status_code, 400)
        shallow = [[[[[[[[{"t": 1, "v": 1}]]]]]]]]
        response = self.post({"t": now_ms() - 5000, "v": 0.3}, {"t": now_ms() - 4000, "v": shallow})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["reasons"], {"non_numeric": 1})

    def test_huge_numbers_and_deep_nesting_over_mqtt_are_refused(self) -> None:
        pipeline = Pipeline()
        pipeline.refresh()
        topic = f"anjian/v1/{self.ch4.enterprise.uscc}/{self.ch4.code}"
        outcome = pipeline.add_topic(topic, b'{"t": %d, "v": 1%s}' % (now_ms(), b"0" * 400))
        self.assertEqual(dict(outcome.rejected), {"non_numeric": 1})
        outcome = pipeline.add_topic(topic, b"[" * 200_000 + b"]" * 200_000)
        self.assertEqual(dict(outcome.rejected), {"bad_payload": 1})
        outcome = pipeline.add_topic(topic, json.dumps({"t": 10**20, "v": 0.3}).encode())
        self.assertEqual(dict(outcome.rejected), {"bad_timestamp": 1})
        self.assertEqual(pipeline.pending, 0)

    def test_the_database_dedupe_runs_only_on_valid_timestamps(self) -> None:
        pipeline = Pipeline(db_dedupe=True)
        pipeline.refresh()
        t = now_ms() - 5000
        outcome = pipeline.add(
            self.ch4.enterprise.uscc, self.ch4.code, [{"t": 10**20, "v": 1}, {"t": t, "v": 0.3}]
        )
        self.assertEqual((outcome.accepted, dict(outcome.rejected)), (1, {"bad_timestamp": 1}))

    def test_a_failed_flush_keeps_its_readings_for_the_next(self) -> None:
        pipeline = Pipeline()
        pipeline.refresh()
        t0 = now_ms() - 30_000
        topic = f"anjian/v1/{self.ch4.enterprise.uscc}/{self.ch4.code}"
        pipeline.add_topic(topic, json.dumps([{"t": t0, "v": 0.3}, {"t": t0 + 1000, "v": 1.2}]).encode())
        with (
            mock.patch.object(pipeline.writer, "write", side_effect=RuntimeError("database gone")),
            self.assertRaises(RuntimeError),
        ):
            pipeline.flush()
        self.assertEqual(pipeline.pending, 2)
        self.assertFalse(Alarm.objects.filter(point=self.ch4).exists())
        pipeline.add_topic(topic, json.dumps([{"t": t0 + 2000, "v": 0.3}]).encode())
        self.assertEqual(pipeline.flush(), 3)
        self.assertEqual(storage.count_readings([self.ch4.pk]), 3)
        self.assertTrue(Alarm.objects.filter(point=self.ch4, kind=AlarmKind.METHANE_ALARM).exists())

    def test_a_flush_failing_again_and_again_is_given_up_loudly(self) -> None:
        pipeline = Pipeline()
        pipeline.refresh()
        topic = f"anjian/v1/{self.ch4.enterprise.uscc}/{self.ch4.code}"
        pipeline.add_topic(topic, json.dumps([{"t": now_ms() - 5000, "v": 0.3}]).encode())
        with (
            mock.patch.object(pipeline.writer, "write", side_effect=RuntimeError("poison")),
            self.assertLogs("anjian.monitoring.ingest", logging.ERROR),
        ):
            for _attempt in range(FLUSH_RETRIES):
                with self.assertRaises(RuntimeError):
                    pipeline.flush()
        self.assertEqual((pipeline.pending, pipeline.lost), (0, 1))

    def test_the_worker_survives_a_failing_message_and_a_failing_write(self) -> None:
        worker = IngestWorker("mqtt://127.0.0.1:1", share="")
        worker.pipeline.refresh()
        topic = f"anjian/v1/{self.ch4.enterprise.uscc}/{self.ch4.code}"
        good = json.dumps([{"t": now_ms() - 5000, "v": 0.3}]).encode()
        real_add = worker.pipeline.add_topic
        calls = {"n": 0}

        def flaky(topic: str, payload: bytes) -> Any:
            calls["n"] += 1
            if calls["n"] == 1:
                raise RuntimeError("unexpected")
            return real_add(topic, payload)

        worker.inbox.put((topic, b"first"))
        worker.inbox.put((topic, good))
        with (
            mock.patch.object(worker.pipeline, "add_topic", side_effect=flaky),
            self.assertLogs("anjian.monitoring.ingest", logging.ERROR),
        ):
            self.assertEqual(worker.step(wait=0), 1)
        self.assertEqual((worker.stats.messages, worker.stats.errors), (2, 1))
        worker.inbox.put((topic, json.dumps([{"t": now_ms() - 4000, "v": 0.3}]).encode()))
        with (
            mock.patch.object(worker.pipeline.writer, "write", side_effect=RuntimeError("database gone")),
            self.assertLogs("anjian.monitoring.ingest", logging.ERROR),
        ):
            self.assertEqual(worker.step(wait=0), 0)
        self.assertEqual(worker.stats.errors, 2)
        self.assertEqual(worker.step(wait=0), 1)  # the kept reading is written by the next step
        self.assertEqual(storage.count_readings([self.ch4.pk]), 2)


class LateAndSilentTest(TestCase):
    ch4: ClassVar[MonitoringPoint]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.ch4 = methane_point(mine())

    def test_a_late_reading_is_stored_but_does_not_recover_the_alarm(self) -> None:
        pipeline = Pipeline()
        pipeline.refresh()
        t = now_ms() - 10_000
        send(pipeline, self.ch4, 1.2, t0=t)
        send(pipeline, self.ch4, 0.3, t0=t - 5000)  # older, arriving late
        alarm = Alarm.objects.get(point=self.ch4, kind=AlarmKind.METHANE_ALARM)
        self.assertIsNone(alarm.recovered_at)
        self.assertEqual(storage.count_readings([self.ch4.pk]), 2)
        send(pipeline, self.ch4, 0.3, t0=t + 1000)
        alarm.refresh_from_db()
        self.assertIsNotNone(alarm.recovered_at)

    def test_a_point_that_never_reported_goes_offline(self) -> None:
        created = self.ch4.created_at
        self.assertEqual(services.detect_offline(created + timedelta(seconds=29)), 0)
        later = created + timedelta(hours=1)
        self.assertEqual(services.detect_offline(later), 1)
        offline = Alarm.objects.get(point=self.ch4, kind=AlarmKind.OFFLINE)
        self.assertIsNone(offline.first_value)
        self.assertEqual(services.detect_offline(later), 0)

    def test_points_of_other_nodes_that_never_reported_here_are_not_offline(self) -> None:
        MonitoringPoint.objects.filter(pk=self.ch4.pk).update(source_node="110000")  # a copy
        later = self.ch4.created_at + timedelta(hours=1)
        self.assertEqual(services.detect_offline(later), 0)
        pipeline = Pipeline()
        pipeline.refresh()
        self.assertEqual(pipeline.check_offline(int(later.timestamp() * 1000)), 0)

    def test_the_worker_flags_a_point_that_never_reported(self) -> None:
        pipeline = Pipeline()
        pipeline.refresh()
        created = int(self.ch4.created_at.timestamp() * 1000)
        self.assertEqual(pipeline.check_offline(created + 29_000), 0)
        self.assertEqual(pipeline.check_offline(created + 3_600_000), 1)
        pipeline.flush()
        self.assertTrue(Alarm.objects.filter(point=self.ch4, kind=AlarmKind.OFFLINE).exists())


def test_late_readings_move_no_alarm_condition() -> None:
    rules, state = working_face(), R.PointState()
    opened = run(rules, state, 1.2, 1.6, start=100_000)
    assert [(t.kind, t.opened) for t in opened] == [(R.METHANE_ALARM, True), (R.METHANE_POWER_OFF, True)]
    assert run(rules, state, 0.3, 0.2, start=10_000) == []  # late: stored by the caller, no transition
    assert (state.last_t, state.last_v) == (110_000, 1.6)
    assert set(state.active) == {R.METHANE_ALARM, R.METHANE_POWER_OFF}


def test_late_readings_are_no_rate_of_change() -> None:
    rules, state = R.PointRules.compile(point(rate_limit=0.5)), R.PointState()
    run(rules, state, 1.0, start=100_000)
    assert run(rules, state, 9.0, start=50_000) == []


def test_a_point_that_never_reported_is_offline_since_its_creation() -> None:
    rules, state = working_face(), R.PointState(since=1_000_000)
    assert R.check_offline(rules, state, 1_029_999, 3) is None
    offline = R.check_offline(rules, state, 1_030_000, 3)
    assert offline is not None
    assert (offline.kind, offline.opened) == (R.OFFLINE, True)


def test_every_methane_placement_of_the_regulations() -> None:
    P = R.MethanePlacement
    assert len(P.choices) == 25
    assert set(R.METHANE_LIMITS) == set(P.values)
    assert R.METHANE_LIMITS[P.SERIES_HEADING_FAN] == (0.5, 0.5, 0.5)
    assert R.METHANE_LIMITS[P.SERIES_HEADING_FAN_2] == (0.5, 1.5, 0.5)
    assert R.METHANE_LIMITS[P.TROLLEY_LOADING] == (0.5, 0.5, 0.5)
    assert R.METHANE_LIMITS[P.TROLLEY_DOWNWIND] == (0.5, 0.5, 0.5)
    assert R.METHANE_LIMITS[P.SERIES_LONGWALL_INTAKE] == (0.5, 0.5, 0.5)
    assert R.METHANE_LIMITS[P.LONGWALL_RETURN_MIDDLE] == (1.0, 1.0, 1.0)
    assert R.METHANE_LIMITS[P.HEADING_MIDDLE] == (1.0, 1.0, 1.0)
    assert R.METHANE_LIMITS[P.LONGWALL_FACE_OUTBURST] == (1.0, 1.5, 1.0)
    field = MonitoringPoint._meta.get_field("placement")
    assert max(len(value) for value in P.values) <= (field.max_length or 0)


class PlacementDefaultsTest(TestCase):
    def test_the_second_step_of_a_series_ventilated_heading_fan(self) -> None:
        p = methane_point(mine(), placement=R.MethanePlacement.SERIES_HEADING_FAN_2)
        self.assertEqual((p.alarm_at, p.power_off_at, p.restore_at), (0.5, 1.5, 0.5))
        self.assertEqual(p.data_warnings, [])
