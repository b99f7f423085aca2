"""The ingest pipeline on the test database: decoding and refusal counts, storage, rollups, the
alarm life cycle, offline detection, escalation, online rate and retention."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from anjian.accounts.models import AgencyLevel, OrgType
from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_org, make_user
from anjian.enterprises.models import Enterprise
from anjian.monitoring import services, stats, storage
from anjian.monitoring.models import (
    Alarm,
    AlarmKind,
    AlarmStatus,
    EscalationLevel,
    MonitoringPoint,
    PointStatus,
    ReadingRollup,
)
from anjian.monitoring.pipeline import Pipeline
from anjian.notices.models import Notice
from tests.monitoring.factories import level_point, methane_point, mine, now_ms, send


class IngestTest(TestCase):
    mine: ClassVar[Enterprise]
    ch4: ClassVar[MonitoringPoint]
    tank: ClassVar[MonitoringPoint]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.mine = mine()
        cls.ch4 = methane_point(cls.mine)
        cls.tank = level_point(cls.mine)

    def setUp(self) -> None:
        self.pipeline = Pipeline()
        self.pipeline.refresh()

    def topic(self, code: str) -> str:
        return f"anjian/v1/{self.mine.uscc}/{code}"

    def test_methane_defaults_come_from_the_placement(self) -> None:
        self.assertEqual((self.ch4.alarm_at, self.ch4.power_off_at, self.ch4.restore_at), (1.0, 1.5, 1.0))
        self.assertEqual(self.ch4.unit, "%CH4")
        self.assertIn("煤矿安全规程", self.ch4.threshold_basis)
        self.assertEqual(self.ch4.data_warnings, [])

    def test_looser_settings_are_flagged(self) -> None:
        self.ch4.alarm_at = 1.2
        self.assertEqual(len(self.ch4.data_warnings), 1)
        self.assertIn("1.2", self.ch4.data_warnings[0])

    def test_threshold_order_is_checked(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            level_point(self.mine, code="BAD", high=9.0, high_high=8.0)
        self.assertIn("high_high", caught.exception.message_dict)

    def test_readings_are_stored_with_rollups_and_last_value(self) -> None:
        send(self.pipeline, self.tank, 5.0, 6.0, 7.0)
        self.assertEqual(storage.count_readings([self.tank.pk]), 3)
        self.pipeline.flush_aggregates()
        status = PointStatus.objects.get(point=self.tank)
        self.assertEqual(status.last_value, 7.0)
        rollups = ReadingRollup.objects.filter(point=self.tank)
        self.assertEqual(sum((r.count for r in rollups), 0), 3)
        self.assertEqual(min(r.min_value for r in rollups), 5.0)
        self.assertEqual(max(r.max_value for r in rollups), 7.0)
        # A second flush adds to the same hour.
        send(self.pipeline, self.tank, 8.0, t0=now_ms() - 50_000)
        self.pipeline.flush_aggregates()
        self.assertEqual(sum((r.count for r in ReadingRollup.objects.filter(point=self.tank)), 0), 4)
        self.assertEqual(PointStatus.objects.get(point=self.tank).last_value, 8.0)

    def test_bad_payloads_are_counted_and_skipped(self) -> None:
        t = now_ms() - 1000
        self.pipeline.add_topic(self.topic(self.tank.code), b"{not json")
        self.pipeline.add_topic(self.topic("NO-SUCH"), json.dumps({"t": t, "v": 1.0}).encode())
        self.pipeline.add_topic("other/topic", b"{}")
        batch = [
            {"t": t, "v": 5.0},
            {"t": t, "v": 5.1},  # duplicate timestamp
            {"t": t + 1, "v": "abc"},
            {"t": t + 2, "v": None},
            {"t": t + 5, "v": float("nan")},
            {"t": "yesterday", "v": 1.0},
            {"t": t + 3, "v": 1.0, "q": "good"},
            {"t": t + 10**9, "v": 1.0},
            {"t": t - (settings.MONITORING_RAW_DAYS + 1) * 86_400_000, "v": 1.0},
            "not an object",
            {"t": t + 4, "v": 5.2},
        ]
        outcome = self.pipeline.add_topic(self.topic(self.tank.code), json.dumps(batch).encode())
        self.pipeline.flush()
        self.assertEqual(outcome.accepted, 2)
        self.assertEqual(
            dict(outcome.rejected),
            {
                "duplicate": 1,
                "non_numeric": 3,
                "bad_timestamp": 1,
                "bad_quality": 1,
                "future": 1,
                "too_old": 1,
                "bad_payload": 1,
            },
        )
        report = self.pipeline.rejected_by_source()
        self.assertEqual(report[self.mine.uscc]["bad_payload"], 2)
        self.assertEqual(report[self.mine.uscc]["unknown_point"], 1)
        self.assertEqual(storage.count_readings([self.tank.pk]), 2)

    def test_duplicates_across_messages(self) -> None:
        t = now_ms() - 5000
        send(self.pipeline, self.tank, 5.0, t0=t)
        outcome = self.pipeline.add(self.mine.uscc, self.tank.code, {"t": t, "v": 5.0})
        self.assertEqual(outcome.rejected["duplicate"], 1)

    def test_duplicate_memory_is_bounded(self) -> None:
        t0 = now_ms() - 100_000
        for first in range(0, 2000, 500):
            batch = [{"t": t0 + (first + i) * 10, "v": 5.0} for i in range(500)]
            self.pipeline.add(self.mine.uscc, self.tank.code, batch)
        self.assertLessEqual(len(self.pipeline.states[self.tank.pk].seen), 256)
        again = self.pipeline.add(self.mine.uscc, self.tank.code, {"t": t0 + 1999 * 10, "v": 5.0})
        self.assertEqual(again.rejected["duplicate"], 1)

    def test_methane_alarm_power_off_and_close_after_handling(self) -> None:
        officer = make_user(
            "ent_mine",
            make_org(
                self.mine.name, self.mine.region.code, org_type=OrgType.ENTERPRISE, enterprise=self.mine
            ),
            RoleCode.ENTERPRISE_SAFETY_OFFICER,
        )
        t0 = now_ms() - 60_000
        send(self.pipeline, self.ch4, 0.4, 1.2, t0=t0)
        alarm = Alarm.objects.get(point=self.ch4)
        self.assertEqual(
            (alarm.kind, alarm.status, alarm.first_value, alarm.threshold),
            (AlarmKind.METHANE_ALARM, AlarmStatus.OPEN, 1.2, 1.0),
        )
        self.assertEqual(Notice.objects.filter(recipient=officer).count(), 1)

        send(self.pipeline, self.ch4, 1.6, t0=t0 + 10_000)
        power_off = Alarm.objects.get(point=self.ch4, kind=AlarmKind.METHANE_POWER_OFF)
        alarm.refresh_from_db()
        self.assertEqual((alarm.peak_value, power_off.peak_value), (1.6, 1.6))
        self.assertEqual(Alarm.objects.filter(point=self.ch4).count(), 2)  # one per kind, deduplicated

        send(self.pipeline, self.ch4, 1.7, 1.3, t0=t0 + 20_000)
        alarm.refresh_from_db()
        self.assertEqual(alarm.peak_value, 1.7)
        self.assertEqual(Alarm.objects.filter(point=self.ch4).count(), 2)

        services.acknowledge(alarm, user=officer)
        for each in (alarm, power_off):
            each.refresh_from_db()
            services.handle(each, user=officer, cause="采空区瓦斯涌出", measures="停止作业，加强通风")
        self.assertEqual(set(Alarm.objects.values_list("status", flat=True)), {AlarmStatus.HANDLED})

        send(self.pipeline, self.ch4, 0.9, t0=t0 + 40_000)
        for each in Alarm.objects.filter(point=self.ch4):
            self.assertEqual(each.status, AlarmStatus.CLOSED)
            self.assertIsNotNone(each.recovered_at)
            self.assertEqual(each.peak_value, 1.7)

    def test_recovery_before_handling_keeps_the_alarm_until_handled(self) -> None:
        t0 = now_ms() - 60_000
        send(self.pipeline, self.ch4, 1.2, 0.5, t0=t0)
        alarm = Alarm.objects.get(point=self.ch4)
        self.assertEqual(alarm.status, AlarmStatus.OPEN)
        self.assertIsNotNone(alarm.recovered_at)
        # Exceeding again continues the same alarm.
        send(self.pipeline, self.ch4, 1.1, t0=t0 + 20_000)
        alarm.refresh_from_db()
        self.assertIsNone(alarm.recovered_at)
        self.assertEqual(Alarm.objects.filter(point=self.ch4).count(), 1)
        send(self.pipeline, self.ch4, 0.4, t0=t0 + 30_000)
        alarm.refresh_from_db()
        with self.assertRaises(ValidationError):
            services.handle(alarm, user=None, cause="", measures="")
        services.handle(alarm, user=None, cause="局部积聚", measures="调整风量")
        alarm.refresh_from_db()
        self.assertEqual(alarm.status, AlarmStatus.CLOSED)
        # Closed: the next exceedance is a new alarm.
        send(self.pipeline, self.ch4, 1.3, t0=t0 + 40_000)
        self.assertEqual(Alarm.objects.filter(point=self.ch4).count(), 2)

    def test_life_cycle_refuses_wrong_steps(self) -> None:
        send(self.pipeline, self.ch4, 1.2)
        alarm = Alarm.objects.get(point=self.ch4)
        with self.assertRaises(ValidationError):
            services.close(alarm, user=None)
        services.acknowledge(alarm, user=None)
        with self.assertRaises(ValidationError):
            services.acknowledge(alarm, user=None)
        services.handle(alarm, user=None, cause="传感器附近瓦斯异常", measures="检查并处理")
        services.close(alarm, user=None)
        self.assertEqual(alarm.status, AlarmStatus.CLOSED)

    def test_a_silent_sensor_becomes_offline_after_three_cycles(self) -> None:
        t0 = now_ms() - 40_000
        send(self.pipeline, self.ch4, 0.3, t0=t0)
        self.assertEqual(self.pipeline.check_offline(t0 + 29_999), 0)
        self.assertEqual(self.pipeline.check_offline(t0 + 30_000), 1)
        self.pipeline.flush()
        offline = Alarm.objects.get(point=self.ch4, kind=AlarmKind.OFFLINE)
        self.assertEqual(offline.status, AlarmStatus.OPEN)
        send(self.pipeline, self.ch4, 0.3, t0=t0 + 35_000)
        offline.refresh_from_db()
        self.assertIsNotNone(offline.recovered_at)

    def test_the_scheduler_detects_offline_points_from_the_status_table(self) -> None:
        send(self.pipeline, self.ch4, 0.3, 0.31)
        self.pipeline.flush_aggregates()
        last = PointStatus.objects.get(point=self.ch4).last_t
        at = storage.to_datetime(last + 29_000)
        self.assertEqual(services.detect_offline(at), 0)
        at = storage.to_datetime(last + 30_000)
        self.assertEqual(services.detect_offline(at), 1)
        self.assertEqual(services.detect_offline(at), 0)  # one offline alarm per point
        # A worker that starts afterwards recovers it with the next reading.
        worker_pipeline = Pipeline()
        worker_pipeline.refresh()
        send(worker_pipeline, self.ch4, 0.3, t0=last + 40_000)
        self.assertIsNotNone(Alarm.objects.get(kind=AlarmKind.OFFLINE).recovered_at)

    def test_escalation_reaches_county_city_and_province_in_turn(self) -> None:
        hebei = make_org("河北省应急管理厅（测试）", "130000")
        city = make_org("石家庄市应急管理局（测试）", "130100", level=AgencyLevel.CITY)
        county = make_org("井陉县应急管理局（测试）", "130121", level=AgencyLevel.COUNTY)
        coal_only = make_org(
            "河北煤监局（测试）", "130000", org_type=OrgType.COAL_SUPERVISION, sectors=["coal"]
        )
        chemicals = make_org("河北危化处（测试）", "130000", sectors=["hazchem"])
        users = {
            "province": make_user("t_hebei", hebei, RoleCode.INSPECTOR),
            "city": make_user("t_sjz", city, RoleCode.INSPECTOR),
            "county": make_user("t_jx", county, RoleCode.INSPECTOR),
            "coal": make_user("t_coal", coal_only, RoleCode.INSPECTOR),
            "other_sector": make_user("t_chem", chemicals, RoleCode.INSPECTOR),
        }
        send(self.pipeline, self.ch4, 1.2)
        alarm = Alarm.objects.get(point=self.ch4)
        opened = alarm.opened_at
        minutes = settings.MONITORING_ESCALATION_MINUTES
        self.assertEqual(services.escalate(opened + timedelta(minutes=minutes[0] - 1)), 0)
        services.escalate(opened + timedelta(minutes=minutes[0]))
        self.assertTrue(Notice.objects.filter(recipient=users["county"]).exists())
        self.assertFalse(Notice.objects.filter(recipient=users["city"]).exists())
        self.assertEqual(services.escalate(opened + timedelta(minutes=minutes[0] + 1)), 0)  # idempotent
        services.escalate(opened + timedelta(minutes=minutes[2]))
        for name in ("province", "city", "county", "coal"):
            self.assertEqual(Notice.objects.filter(recipient=users[name]).count(), 1, name)
        self.assertFalse(Notice.objects.filter(recipient=users["other_sector"]).exists())
        alarm.refresh_from_db()
        self.assertEqual(alarm.escalation_level, EscalationLevel.PROVINCE)

    def test_an_acknowledged_alarm_is_not_escalated(self) -> None:
        county = make_org("井陉县应急管理局（测试）", "130121", level=AgencyLevel.COUNTY)
        inspector = make_user("t_jx", county, RoleCode.INSPECTOR)
        send(self.pipeline, self.ch4, 1.2)
        alarm = Alarm.objects.get(point=self.ch4)
        services.acknowledge(alarm, user=None)
        services.escalate(alarm.opened_at + timedelta(hours=5))
        self.assertFalse(Notice.objects.filter(recipient=inspector).exists())

    def test_online_rate_per_enterprise_and_region(self) -> None:
        inspector = make_user("t_hebei", make_org("河北省应急管理厅（测试）", "130000"), RoleCode.INSPECTOR)
        day = timezone.localdate()
        start, _end = storage.day_bounds(day)
        # 180 readings of the 10-second methane sensor in the day's first 30 minutes.
        send(self.pipeline, self.ch4, *[0.3] * 180, t0=start, step=10_000)
        self.pipeline.flush_aggregates()
        at_half_past = storage.to_datetime(start + 1_800_000)
        by_enterprise, by_region = stats.online_rates(inspector, day, now=at_half_past)
        # Expected: 180 (methane, 10 s) + 60 (tank, 30 s); received 180.
        self.assertEqual(len(by_enterprise), 1)
        self.assertAlmostEqual(by_enterprise[0].expected, 240.0)
        self.assertEqual(by_enterprise[0].received, 180)
        self.assertEqual(by_enterprise[0].rate, 75.0)
        self.assertFalse(by_enterprise[0].meets_target)
        self.assertEqual([(r.key, r.rate) for r in by_region], [("130121", 75.0)])

    def test_prune_removes_raw_readings_past_retention(self) -> None:
        old_day = timezone.localdate() - timedelta(days=settings.MONITORING_RAW_DAYS + 2)
        old_start, _ = storage.day_bounds(old_day)
        writer = storage.ReadingWriter()
        writer.write([(self.tank.pk, old_start + 1000, 5.0, 0)], {old_day})
        send(self.pipeline, self.tank, 5.0)
        self.assertEqual(storage.count_readings([self.tank.pk]), 2)
        result = storage.prune(
            timezone.localdate(), settings.MONITORING_RAW_DAYS, settings.MONITORING_ROLLUP_DAYS
        )
        self.assertEqual(storage.count_readings([self.tank.pk]), 1)
        if connection.vendor == "postgresql":
            self.assertEqual(result["partitions_dropped"], 1)
        else:
            self.assertEqual(result["readings_deleted"], 1)


class PostgresPartitionTest(TestCase):
    def test_readings_land_in_day_partitions_created_on_demand(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("day partitions exist on PostgreSQL only")
        owner = mine()
        tank = level_point(owner)
        pipeline = Pipeline()
        pipeline.refresh()
        send(pipeline, tank, 5.0, 5.1)
        day = storage.day_of(now_ms() - 60_000)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {storage.partition_name(day)}")
            row = cursor.fetchone()
        self.assertEqual(row[0] if row else 0, 2)
