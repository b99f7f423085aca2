"""The ingest pipeline shared by the MQTT worker and the HTTP endpoint:

decode (tolerant; every refused reading is counted per source and reason) → resolve the point from
an in-memory cache keyed by (USCC, point code) → dedupe (recent timestamps per point) → rules in
memory → at ``flush``: bulk write of the readings (COPY / executemany) and the alarm changes in one
transaction. Hourly rollups and last values are accumulated in memory and written by
``flush_aggregates`` (every few seconds in the worker). No ORM object per reading.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.monitoring import rules as R
from anjian.monitoring import services, storage
from anjian.monitoring.storage import (
    DAY_MS,
    HOUR_MS,
    ReadingWriter,
    Rollup,
    Row,
    Status,
    day_bounds,
    day_of,
    write_rollups,
    write_status,
)

log = logging.getLogger("anjian.monitoring.ingest")

# Why a reading was refused (the keys are reported by the API and the worker's log).
REASONS = {
    "bad_payload": _("报文无法解析（不是 JSON 对象或数组）"),
    "unknown_point": _("未登记或已停用的点位"),
    "non_numeric": _("数值不是有限数字"),
    "bad_timestamp": _("时间戳缺失或不是毫秒整数"),
    "bad_quality": _("质量码不是 -32768 到 32767 之间的整数"),
    "future": _("时间戳超前于服务器时间"),
    "too_old": _("时间戳早于原始数据保存期限"),
    "duplicate": _("重复读数（同一点位同一时间戳）"),
}

# Duplicate detection remembers, per point, the timestamps of the last 10 minutes, at most 256:
# enough for a gateway re-sending its last batches after a reconnect, and bounded memory for a
# worker holding 100,000 points (a slow point keeps ~20, a fast one 256).
SEEN_LIMIT = 256
SEEN_WINDOW_MS = 600_000

# Bounds of a reading's fields checked before any use: timestamps are exact in a double and in
# JavaScript (|t| < 2**53), quality codes fit the smallint column.
T_LIMIT = 2**53
Q_MIN, Q_MAX = -32768, 32767

# A flush that fails keeps its readings for the next one; after this many failures in a row they
# are given up (logged with their count and counted in ``Pipeline.lost``), so one bad batch cannot
# block the worker for ever.
FLUSH_RETRIES = 5


@dataclass
class Outcome:
    """What happened to the readings of one message or request."""

    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)


class Pipeline:
    def __init__(self, writer: ReadingWriter | None = None, *, db_dedupe: bool = False) -> None:
        self.writer = writer or ReadingWriter()
        # A short-lived pipeline (one HTTP request) looks up stored timestamps to find duplicates;
        # the long-running worker relies on the timestamps it has seen.
        self.db_dedupe = db_dedupe
        self._seeded: set[int] = set()
        self.rules: dict[tuple[str, str], R.PointRules] = {}
        self.by_id: dict[int, R.PointRules] = {}
        self.states: dict[int, R.PointState] = {}
        self.rows: list[Row] = []
        self.days: set[date] = set()
        self.transitions: list[R.Transition] = []
        self.peaks: dict[tuple[int, str], tuple[float, float]] = {}
        self.rollups: Rollup = {}
        self.status: Status = {}
        self.rejected: Counter[tuple[str, str]] = Counter()  # (source, reason) → readings
        self.accepted = 0
        self.alarms_opened = 0
        self.unnotified: list[Any] = []
        self.flush_failures = 0  # failed flushes in a row
        self.lost = 0  # readings given up after FLUSH_RETRIES failed flushes
        self._day = (0, 0, date.min)  # start ms, end ms and date of the last day seen

    # --- the point cache -------------------------------------------------------------------

    def refresh(self, enterprise_id: int | None = None) -> None:
        """Reload the active points (of one enterprise, or all) and their rules; new points get
        their state from the database."""
        from anjian.monitoring.models import MonitoringPoint

        points = MonitoringPoint.objects.filter(active=True)
        if enterprise_id is not None:
            points = points.filter(enterprise_id=enterprise_id)
        points = points.select_related("enterprise").only(
            *[f.attname for f in MonitoringPoint._meta.concrete_fields if not f.is_relation],
            "enterprise_id",
            "enterprise__uscc",
        )
        rules: dict[tuple[str, str], R.PointRules] = {}
        created: dict[int, int] = {}
        for point in points:
            rules[(point.enterprise.uscc, point.code)] = R.PointRules.compile(point)
            # A point that never reported is silent since its creation; only this node's own
            # points (copies received from other nodes report to their own node).
            if point.source_node == settings.NODE_CODE:
                created[point.pk] = int(point.created_at.timestamp() * 1000)
        self.rules = rules
        self.by_id = {r.point_id: r for r in rules.values()}
        new = [pk for pk in self.by_id if pk not in self.states]
        if new:
            last = services.point_states(new)
            active = services.active_conditions(enterprise_id)
            for pk in new:
                t, v = last.get(pk, (-1, math.nan))
                self.states[pk] = R.PointState(
                    last_t=t, last_v=v, since=created.get(pk, -1), active=dict(active.get(pk, {}))
                )
        else:
            # Offline alarms opened by the scheduler are recovered by the next reading here.
            for pk, kinds in services.active_conditions(enterprise_id).items():
                state = self.states.get(pk)
                if state is not None and R.OFFLINE in kinds:
                    state.active.setdefault(R.OFFLINE, kinds[R.OFFLINE])

    # --- decoding --------------------------------------------------------------------------

    def add_topic(self, topic: str, payload: bytes) -> Outcome:
        parts = topic.split("/")
        if len(parts) != 4 or parts[0] != "anjian" or parts[1] != "v1":
            outcome = Outcome()
            self._reject(outcome, topic[:64], "unknown_point", 1)
            return outcome
        return self.add(parts[2], parts[3], payload)

    def add(self, uscc: str, code: str, payload: Any) -> Outcome:
        """Take the readings of one point: ``payload`` is the MQTT payload (bytes or text) or the
        already parsed JSON (an object or an array of objects)."""
        outcome = Outcome()
        if isinstance(payload, bytes | bytearray | str):
            try:
                payload = json.loads(payload)
            except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
                self._reject(outcome, uscc, "bad_payload", 1)
                return outcome
        items = payload if isinstance(payload, list) else [payload]
        rules = self.rules.get((uscc, code))
        if rules is None:
            self._reject(outcome, uscc, "unknown_point", len(items))
            return outcome
        pid = rules.point_id
        state = self.states[pid]
        valid = self._validate(outcome, uscc, items)
        if self.db_dedupe and pid not in self._seeded:
            self._seed_seen(pid, state, [t for t, _v, _q in valid])
        seen = state.seen
        rows, transitions, rollups = self.rows, self.transitions, self.rollups
        day_start, day_end, _day = self._day
        accepted = 0
        top: tuple[int, float, int] | None = None
        for t, v, q in valid:
            if t in seen:
                self._reject(outcome, uscc, "duplicate", 1)
                continue
            seen[t] = None
            if not day_start <= t < day_end:
                day = day_of(t)
                day_start, day_end = day_bounds(day)
                self._day = (day_start, day_end, day)
                self.days.add(day)
            rows.append((pid, t, v, q))
            R.evaluate(rules, state, t, v, q, transitions)
            hour = t - t % HOUR_MS
            agg = rollups.get((pid, hour))
            if agg is None:
                rollups[(pid, hour)] = [v, v, v, 1.0]
            else:
                if v < agg[0]:
                    agg[0] = v
                if v > agg[1]:
                    agg[1] = v
                agg[2] += v
                agg[3] += 1.0
            if top is None or t >= top[0]:
                top = (t, v, q)
            accepted += 1
        if top is not None:
            known = self.status.get(pid)
            if known is None or top[0] >= known[0]:
                self.status[pid] = top
        if seen:
            floor = state.last_t - SEEN_WINDOW_MS
            excess = len(seen) - SEEN_LIMIT
            for oldest in list(islice(seen, max(excess, 0) + 8)):
                if excess <= 0 and oldest >= floor:
                    break
                del seen[oldest]
                excess -= 1
        if state.active:
            for kind, peak in state.active.items():
                if kind != R.OFFLINE:
                    self.peaks[(pid, kind)] = (peak, state.last_v)
        outcome.accepted = accepted
        self.accepted += accepted
        return outcome

    def _validate(self, outcome: Outcome, uscc: str, items: list[Any]) -> list[tuple[int, float, int]]:
        """The readings whose fields are sound, as ``(t, v, q)``; the others are counted as refused
        with their reason. Nothing of a reading is used before it passed here."""
        now_ms = int(time.time() * 1000)
        newest_ok = now_ms + settings.MONITORING_FUTURE_TOLERANCE_S * 1000
        oldest_ok = now_ms - settings.MONITORING_RAW_DAYS * DAY_MS
        valid: list[tuple[int, float, int]] = []
        for item in items:
            if type(item) is not dict:
                self._reject(outcome, uscc, "bad_payload", 1)
                continue
            t = item.get("t")
            v = item.get("v")
            q = item.get("q", 0)
            if type(t) is float and t.is_integer():
                t = int(t)
            if type(t) is not int or not -T_LIMIT < t < T_LIMIT:
                self._reject(outcome, uscc, "bad_timestamp", 1)
                continue
            if type(v) is int:
                try:
                    v = float(v)
                except OverflowError:
                    self._reject(outcome, uscc, "non_numeric", 1)
                    continue
            if type(v) is not float or not math.isfinite(v):
                self._reject(outcome, uscc, "non_numeric", 1)
                continue
            if type(q) is not int or not Q_MIN <= q <= Q_MAX:
                self._reject(outcome, uscc, "bad_quality", 1)
                continue
            if t > newest_ok:
                self._reject(outcome, uscc, "future", 1)
                continue
            if t < oldest_ok:
                self._reject(outcome, uscc, "too_old", 1)
                continue
            valid.append((t, v, q))
        return valid

    def _seed_seen(self, pid: int, state: R.PointState, stamps: list[int]) -> None:
        if stamps:
            stored = storage.readings(pid, min(stamps), max(stamps) + 1, limit=len(stamps) * 4 + 100)
            state.seen.update((t, None) for t, _v, _q in stored)
        self._seeded.add(pid)

    def _reject(self, outcome: Outcome, source: str, reason: str, count: int) -> None:
        outcome.rejected[reason] += count
        self.rejected[(source, reason)] += count

    # --- writing ---------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        return len(self.rows)

    def flush(self, *, notify: bool = True) -> int:
        """Write the pending readings and alarm changes in one transaction; readings written.
        The notices of new alarms are sent after the commit, or kept for ``send_notices`` (the
        worker sends them between batches, so notices never hold up the next alarm rows)."""
        rows, transitions, peaks = self.rows, self.transitions, self.peaks
        if not rows and not transitions:
            return 0
        self.rows, self.transitions, self.peaks = [], [], {}
        days, self.days = self.days, set()
        try:
            enterprise_of = {t.point_id: self.by_id[t.point_id].enterprise_id for t in transitions}
            with transaction.atomic():
                self.writer.write(rows, days)
                opened = services.apply_transitions(transitions, enterprise_of)
                # Alarms that ended in this batch have their peak already; those that started in
                # it need an update only if the values went on rising after the first.
                closed = {(t.point_id, t.kind) for t in transitions if not t.opened}
                started = {(t.point_id, t.kind): t.peak for t in transitions if t.opened}
                services.update_peaks(
                    {k: v for k, v in peaks.items() if k not in closed and started.get(k) != v[0]}
                )
        except Exception:
            self._keep_failed(rows, transitions, peaks, days)
            raise
        self.flush_failures = 0
        self.alarms_opened += len(opened)
        self.unnotified.extend(opened)
        if notify:
            self.send_notices()
        return len(rows)

    def _keep_failed(
        self,
        rows: list[Row],
        transitions: list[R.Transition],
        peaks: dict[tuple[int, str], tuple[float, float]],
        days: set[date],
    ) -> None:
        """A failed flush (rolled back) puts its data back before what came since, for the next
        flush to retry; after FLUSH_RETRIES failures in a row the data is given up, loudly."""
        self.flush_failures += 1
        if self.flush_failures >= FLUSH_RETRIES:
            self.lost += len(rows)
            self.flush_failures = 0
            log.error(
                "gave up %d readings and %d alarm transitions after %d failed writes",
                len(rows),
                len(transitions),
                FLUSH_RETRIES,
            )
            return
        self.rows[:0] = rows
        self.transitions[:0] = transitions
        self.peaks = peaks | self.peaks
        self.days |= days

    def send_notices(self) -> int:
        alarms, self.unnotified = self.unnotified, []
        return services.notify_opened(alarms)

    def flush_aggregates(self) -> None:
        rollups, status = self.rollups, self.status
        self.rollups, self.status = {}, {}
        try:
            with transaction.atomic():
                write_rollups(rollups)
                write_status(status, timezone.now())
        except Exception:
            # Rolled back: merge the aggregates into those gathered since, for the next write.
            for key, agg in rollups.items():
                newer = self.rollups.get(key)
                if newer is None:
                    self.rollups[key] = agg
                else:
                    newer[:] = [
                        min(agg[0], newer[0]),
                        max(agg[1], newer[1]),
                        agg[2] + newer[2],
                        agg[3] + newer[3],
                    ]
            for pid, top in status.items():
                known = self.status.get(pid)
                if known is None or top[0] > known[0]:
                    self.status[pid] = top
            raise

    def check_offline(self, now_ms: int | None = None) -> int:
        """Offline transitions for silent points (written at the next ``flush``); how many."""
        now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
        cycles = settings.MONITORING_OFFLINE_CYCLES
        found = 0
        for pk, rules in self.by_id.items():
            transition = R.check_offline(rules, self.states[pk], now_ms, cycles)
            if transition is not None:
                self.transitions.append(transition)
                found += 1
        return found

    def rejected_by_source(self) -> dict[str, dict[str, int]]:
        report: dict[str, dict[str, int]] = {}
        for (source, reason), count in self.rejected.items():
            report.setdefault(source, {})[reason] = count
        return report
