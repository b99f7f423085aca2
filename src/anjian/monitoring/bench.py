"""The ingest benchmark (``anjian bench ingest``), on PostgreSQL through ``ANJIAN_BENCH_DATABASE_URL``
(SQLite works too, without COPY), against the real MQTT broker (``ANJIAN_MQTT_URL``).

1. ``rows`` readings published in arrays of 500, taken by one ``anjian ingest`` worker process
   (decode, points, dedupe, rules, COPY into the day partition), beside a bare binary COPY of
   the same rows into the same table: ``readings_per_s``, ``copy_baseline_per_s``, ``ratio``.
2. For ``LATENCY_SECONDS`` the feed runs at ``ANJIAN_BENCH_INGEST_RATE`` readings/s (40,000) with
   methane readings of 1.2 % at working faces mixed in: publish → alarm row, ``alarm_p50_ms`` /
   ``alarm_p99_ms``.
3. With ``ANJIAN_BENCH_SOAK_SECONDS`` set, a fresh worker takes that rate for that long and its
   resident memory is sampled every 5 s (``soak_rss_*_mb``), to show it stays flat.

Inside a test's transaction (``anjian bench ingest --in-throwaway`` from the test suite) another
process cannot see the set-up rows, so the worker then runs in this process, between publishes.
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import connection

from anjian.core.bench import BenchError, Figures, benchmark
from anjian.core.uscc import make_uscc, org_code_check_char
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import save_enterprise
from anjian.monitoring import storage
from anjian.monitoring.models import Alarm, MonitoringPoint, PointType
from anjian.monitoring.rules import MethanePlacement
from anjian.monitoring.worker import Broker, IngestWorker, broker_answers
from anjian.regions.models import Region

PER_MESSAGE = 500
POINTS = 1000
ALARM_POINTS = 50
BACKLOG_READINGS = 50_000  # kept below the broker's per-client queue (1,000 messages)
# The load under which alarm latency is measured and the soak runs (readings/s).
SOAK_RATE = int(os.environ.get("ANJIAN_BENCH_INGEST_RATE", "40000"))
LATENCY_SECONDS = 10


@dataclass
class Setup:
    uscc: str
    points: list[MonitoringPoint]
    alarm_points: list[MonitoringPoint]


def _setup(alarm_points: int) -> Setup:
    # A code of its own, so that a concurrent run's messages never match this run's points.
    body = f"{secrets.randbelow(90_000_000) + 10_000_000}"
    uscc = make_uscc(f"91140105{body}{org_code_check_char(body)}")
    enterprise = save_enterprise(
        Enterprise(
            uscc=uscc, name="基准测试煤业有限公司", region=Region.objects.get(code="140105"), sector="coal"
        ),
        user=None,
    )
    common = {"enterprise": enterprise, "source_node": settings.NODE_CODE, "version": 1}
    points = MonitoringPoint.objects.bulk_create(
        MonitoringPoint(
            code=f"L{i:05d}", name=f"液位 {i}", point_type=PointType.LEVEL, unit="m", range_low=0.0,
            range_high=12.0, low=0.8, high=9.5, high_high=10.5, hysteresis=0.1, cycle_s=60, **common,
        )
        for i in range(POINTS)
    )  # fmt: skip
    alarms = MonitoringPoint.objects.bulk_create(
        MonitoringPoint(
            code=f"CH4-{i:04d}", name=f"工作面甲烷 {i}", point_type=PointType.METHANE, unit="%CH4",
            placement=MethanePlacement.LONGWALL_FACE, alarm_at=1.0, power_off_at=1.5, restore_at=1.0,
            range_low=0.0, range_high=4.0, cycle_s=60, **common,
        )
        for i in range(alarm_points)
    )  # fmt: skip
    return Setup(uscc, points, alarms)


def _payloads(
    setup: Setup, rows: int, start_ms: int
) -> tuple[list[tuple[str, bytes, int]], list[tuple[int, int, float, int]]]:
    """Messages of ``PER_MESSAGE`` readings, round by round over all points (as a real feed
    interleaves its sensors), and the same rows for the bare COPY."""
    messages: list[tuple[str, bytes, int]] = []
    copy_rows: list[tuple[int, int, float, int]] = []
    count = len(setup.points)
    per_point = [rows // count + (1 if i < rows % count else 0) for i in range(count)]
    for first in range(0, max(per_point), PER_MESSAGE):
        for index, point in enumerate(setup.points):
            items = []
            for k in range(first, min(first + PER_MESSAGE, per_point[index])):
                t = start_ms + k * 10
                v = round(5.0 + ((k * 7 + index) % 200) / 100.0, 3)
                items.append({"t": t, "v": v})
                copy_rows.append((point.pk, t, v, 0))
            if items:
                messages.append(
                    (f"anjian/v1/{setup.uscc}/{point.code}", json.dumps(items).encode(), len(items))
                )
    return messages, copy_rows


def _bare_copy(rows: list[tuple[int, int, float, int]]) -> float:
    """Seconds for a bare binary COPY of ``rows`` into the readings table (emptied afterwards)."""
    writer = storage.ReadingWriter()
    days = {storage.day_of(rows[0][1]), storage.day_of(rows[-1][1])}
    writer.ensure_partitions(days)
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        raw: Any = connection.connection
        with (
            raw.cursor() as cursor,
            cursor.copy(
                f"COPY {storage.TABLE} (point_id, t, value, quality) FROM STDIN (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types(["int8", "int8", "float8", "int2"])
            for row in rows:
                copy.write_row(row)
    else:
        writer.write(rows, days)
    elapsed = time.perf_counter() - start
    if storage.count_readings() != len(rows):
        raise BenchError("ingest: the bare COPY did not write every row")
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {storage.TABLE}"
            if connection.vendor != "postgresql"
            else f"TRUNCATE {storage.TABLE}"
        )
    return elapsed


class WorkerHandle:
    """The ingest worker the benchmark feeds: its own process, or this one inside a test."""

    readings: int = 0
    last_progress: float = 0.0

    def pump(self) -> None:
        """Let an in-process worker take what has arrived (nothing for a separate process)."""

    def alive(self) -> bool:
        return True

    def rss_mb(self) -> float:
        return 0.0

    def finish(self, timeout: float) -> None:
        raise NotImplementedError


class WorkerProcess(WorkerHandle):
    def __init__(self, share: str, exit_after: int | None = None, seconds: float | None = None) -> None:
        command = [sys.executable, "-m", "anjian.cli", "ingest", "--progress", "--share", share]
        command += ["--batch-ms", "50"]
        if exit_after is not None:
            command += ["--exit-after", str(exit_after)]
        if seconds is not None:
            command += ["--seconds", str(seconds)]
        self.ready = threading.Event()
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, encoding="utf-8", env=os.environ.copy()
        )
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()
        if not self.ready.wait(30):
            self.process.kill()
            raise BenchError("ingest: the worker did not subscribe within 30 s")

    def _read(self, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if data.get("ready"):
                self.ready.set()
            elif "readings" in data and "rejected" not in data:
                self.readings = data["readings"]
                self.last_progress = time.perf_counter()

    def alive(self) -> bool:
        return self.process.poll() is None

    def rss_mb(self) -> float:
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def finish(self, timeout: float) -> None:
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            self.process.wait(timeout=60)


class InProcessWorker(WorkerHandle):
    def __init__(self, share: str) -> None:
        self.worker = IngestWorker(share=share, batch_ms=0)
        self.worker.start()

    def pump(self) -> None:
        self.worker.step(wait=0)
        if self.worker.stats.readings != self.readings:
            self.readings = self.worker.stats.readings
            self.last_progress = time.perf_counter()

    def finish(self, timeout: float) -> None:
        self.worker.stop()


def _start_worker(**kwargs: Any) -> WorkerHandle:
    share = f"bench{uuid.uuid4().hex[:8]}"
    if connection.in_atomic_block:
        return InProcessWorker(share)
    return WorkerProcess(share, **kwargs)


def _wait(worker: WorkerHandle, until: Any, seconds: float, what: str) -> None:
    deadline = time.perf_counter() + seconds
    while not until():
        if time.perf_counter() > deadline or not worker.alive():
            raise BenchError(f"ingest: {what} (the worker wrote {worker.readings} readings)")
        worker.pump()
        time.sleep(0.001)


def _publisher() -> Any:
    broker = Broker.from_url(settings.MONITORING_MQTT_URL)
    client = broker.client(f"anjian-bench-{uuid.uuid4().hex[:8]}")
    client.connect(broker.host, broker.port, keepalive=30)
    client.loop_start()
    return client


def _require_broker() -> None:
    if not broker_answers(settings.MONITORING_MQTT_URL):
        raise BenchError(
            f"ingest: no MQTT broker answers at {settings.MONITORING_MQTT_URL} (ANJIAN_MQTT_URL)"
        )


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 1)


def _live_payload(now_ms: int) -> bytes:
    """``PER_MESSAGE`` current readings of a level point (normal values, one per millisecond)."""
    body = b",".join(
        b'{"t":%d,"v":%.3f}' % (now_ms - PER_MESSAGE + k, 5.0 + (k % 300) / 100.0) for k in range(PER_MESSAGE)
    )
    return b"[" + body + b"]"


def _feed(
    client: Any,
    worker: WorkerHandle,
    setup: Setup,
    seconds: float,
    rate: int,
    alarm_points: list[MonitoringPoint],
) -> tuple[int, dict[int, float], list[tuple[float, float]]]:
    """Publish at ``rate`` readings/s for ``seconds``, the alarm readings spread over the time;
    readings sent, publish time per alarm point, and (seconds, worker RSS) every 5 s."""
    published_at: dict[int, float] = {}
    samples: list[tuple[float, float]] = []
    ticks = max(1, int(seconds * 20))  # every 50 ms
    messages = max(1, rate * int(seconds) // PER_MESSAGE)
    sent = cursor = alarms_sent = 0
    started = next_tick = next_sample = time.perf_counter()
    for tick in range(ticks):
        now_ms = int(time.time() * 1000)
        for _ in range(messages * (tick + 1) // ticks - cursor):
            point = setup.points[cursor % len(setup.points)]
            cursor += 1
            client.publish(f"anjian/v1/{setup.uscc}/{point.code}", _live_payload(now_ms), qos=1)
            sent += PER_MESSAGE
        for _ in range(len(alarm_points) * (tick + 1) // ticks - alarms_sent):
            point = alarm_points[alarms_sent]
            alarms_sent += 1
            wall = time.time()
            reading = json.dumps({"t": int(wall * 1000), "v": 1.2}).encode()
            client.publish(f"anjian/v1/{setup.uscc}/{point.code}", reading, qos=1)
            published_at[point.pk] = wall
            sent += 1
        if time.perf_counter() >= next_sample:
            samples.append((time.perf_counter() - started, worker.rss_mb()))
            next_sample += 5
        next_tick += 0.05
        while time.perf_counter() < next_tick:
            worker.pump()
            time.sleep(min(0.005, max(0.0, next_tick - time.perf_counter())))
    return sent, published_at, samples


@benchmark(
    "ingest",
    default_rows=1_000_000,
    description="readings over MQTT → one ingest worker → rules → COPY vs a bare binary COPY; alarm latency",
)
def bench_ingest(rows: int) -> Figures:
    _require_broker()
    setup = _setup(ALARM_POINTS)
    start_ms = int(time.time() * 1000) - rows * 10 // POINTS - 60_000  # before the live phase
    messages, copy_rows = _payloads(setup, rows, start_ms)
    baseline_s = _bare_copy(copy_rows)
    del copy_rows
    worker = _start_worker()
    client = _publisher()
    sent = 0
    started = time.perf_counter()
    for topic, payload, size in messages:
        while sent - worker.readings > BACKLOG_READINGS:
            worker.pump()
            time.sleep(0.001)
        client.publish(topic, payload, qos=1)
        sent += size
    _wait(worker, lambda: worker.readings >= rows, 600, f"{rows} readings not written within 10 minutes")
    ours_s = worker.last_progress - started

    # A tiny run (the test suite's) checks the mechanics at a small load.
    seconds, rate = (LATENCY_SECONDS, SOAK_RATE) if rows >= 10_000 else (1, 2_000)
    live, published_at, _samples = _feed(client, worker, setup, seconds, rate, setup.alarm_points)
    total = rows + live
    _wait(worker, lambda: worker.readings >= total, 120, f"{total} readings not written")
    worker.finish(60)
    client.disconnect()
    client.loop_stop()
    stored = storage.count_readings()
    if stored != total:
        raise BenchError(f"ingest: {stored} readings stored, {total} published")
    latencies = [
        (created.timestamp() - published_at[point_id]) * 1000
        for point_id, created in Alarm.objects.filter(point__in=setup.alarm_points).values_list(
            "point_id", "created_at"
        )
    ]
    if len(latencies) != len(setup.alarm_points):
        raise BenchError(f"ingest: {len(latencies)} alarms for {len(setup.alarm_points)} alarm readings")
    readings_per_s = rows / ours_s
    copy_per_s = rows / baseline_s
    figures: Figures = {
        "readings_per_s": round(readings_per_s),
        "copy_baseline_per_s": round(copy_per_s),
        "ratio": round(readings_per_s / copy_per_s, 4),
        "alarm_p50_ms": round(statistics.median(latencies), 1),
        "alarm_p99_ms": _percentile(latencies, 0.99),
        "alarms": len(latencies),
        "latency_load_per_s": rate,
        "readings_per_message": PER_MESSAGE,
        "points": len(setup.points) + len(setup.alarm_points),
        "ours_s": round(ours_s, 2),
        "baseline_s": round(baseline_s, 2),
        "worker_max_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }
    soak_seconds = int(os.environ.get("ANJIAN_BENCH_SOAK_SECONDS", "0"))
    if soak_seconds > 0:
        figures |= _soak(setup, soak_seconds)
    return figures


def _soak(setup: Setup, seconds: int) -> Figures:
    """A fresh worker at ``SOAK_RATE`` readings/s for ``seconds``: its memory over time."""
    before = storage.count_readings()
    worker = _start_worker(seconds=seconds + 120)
    client = _publisher()
    started = time.perf_counter()
    sent, _published, samples = _feed(client, worker, setup, seconds, SOAK_RATE, [])
    try:
        _wait(worker, lambda: worker.readings >= sent, 120, "the soak readings were not all written")
    finally:
        elapsed = (worker.last_progress or time.perf_counter()) - started
        rss_end = worker.rss_mb()
        worker.finish(0)
        client.disconnect()
        client.loop_stop()
    if storage.count_readings() - before != sent:
        raise BenchError("ingest: the soak did not store every reading")
    warm = [rss for at, rss in samples if at >= 30] or [rss for _at, rss in samples] or [rss_end]
    every = max(1, len(samples) // 20)
    return {
        "soak_seconds": seconds,
        "soak_readings": sent,
        "soak_readings_per_s": round(sent / elapsed),
        "soak_rss_after_30s_mb": round(warm[0], 1),
        "soak_rss_end_mb": round(rss_end, 1),
        "soak_rss_max_mb": round(max([rss_end, *(rss for _at, rss in samples)]), 1),
        "soak_rss_samples_mb": " ".join(f"{rss:.0f}" for _at, rss in samples[::every]),
    }
