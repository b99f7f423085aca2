"""The telemetry tables below the ORM: raw readings written in bulk, hourly rollups and the last
value of each point written with upserts, day partitions and retention.

``monitoring_reading (point_id, t, value, quality)``: ``t`` is the reading's own time in epoch
milliseconds, as the sensor sent it. On PostgreSQL the table is range-partitioned by local day
(``monitoring_reading_pYYYYMMDD``, created on demand) and written with binary ``COPY``; retention
drops whole partitions. On SQLite it is one table written with batched ``executemany``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "monitoring_reading"
DAY_MS = 86_400_000
HOUR_MS = 3_600_000

Row = tuple[int, int, float, int]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_of(t_ms: int) -> date:
    return datetime.fromtimestamp(t_ms / 1000, tz=local_zone()).date()


def day_bounds(day: date) -> tuple[int, int]:
    """The epoch-millisecond range [start, end) of a local day."""
    zone = local_zone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


def partition_name(day: date) -> str:
    return f"{TABLE}_p{day:%Y%m%d}"


def to_datetime(t_ms: int) -> datetime:
    return datetime.fromtimestamp(t_ms / 1000, tz=UTC)


# --- schema (called by migration 0002) --------------------------------------------------------


def create_tables(schema_editor: Any) -> None:
    conn = schema_editor.connection
    if conn.vendor == "postgresql":
        statements = [
            f"CREATE TABLE {TABLE} (point_id bigint NOT NULL, t bigint NOT NULL,"
            " value double precision NOT NULL, quality smallint NOT NULL DEFAULT 0)"
            " PARTITION BY RANGE (t)",
            f"CREATE INDEX {TABLE}_point_t ON {TABLE} (point_id, t)",
        ]
    else:
        statements = [
            f"CREATE TABLE {TABLE} (point_id integer NOT NULL, t integer NOT NULL,"
            " value real NOT NULL, quality integer NOT NULL DEFAULT 0)",
            f"CREATE INDEX {TABLE}_point_t ON {TABLE} (point_id, t)",
        ]
    for statement in statements:
        schema_editor.execute(statement)


def drop_tables(schema_editor: Any) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


# --- writing readings ---------------------------------------------------------------------


class ReadingWriter:
    """Writes batches of ``(point_id, t, value, quality)`` rows on one database connection."""

    def __init__(self, conn: BaseDatabaseWrapper | None = None) -> None:
        self.conn = conn or connection
        self.known_days: set[date] = set()

    @property
    def is_postgres(self) -> bool:
        return self.conn.vendor == "postgresql"

    def ensure_partitions(self, days: Iterable[date]) -> None:
        if not self.is_postgres:
            return
        with self.conn.cursor() as cursor:
            for day in days:
                if day in self.known_days:
                    continue
                start, end = day_bounds(day)
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {partition_name(day)} PARTITION OF {TABLE}"
                    f" FOR VALUES FROM ({start}) TO ({end})"
                )
                self.known_days.add(day)

    def write(self, rows: Sequence[Row], days: Iterable[date]) -> None:
        if not rows:
            return
        self.ensure_partitions(days)
        if self.is_postgres:
            self._copy(rows)
        else:
            with self.conn.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {TABLE} (point_id, t, value, quality) VALUES (%s, %s, %s, %s)", rows
                )

    def _copy(self, rows: Sequence[Row]) -> None:
        self.conn.ensure_connection()
        raw: Any = self.conn.connection
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {TABLE} (point_id, t, value, quality) FROM STDIN (FORMAT BINARY)") as copy,
        ):
            copy.set_types(["int8", "int8", "float8", "int2"])
            write_row = copy.write_row
            for row in rows:
                write_row(row)


# --- rollups and last values -----------------------------------------------------------------

Rollup = dict[tuple[int, int], list[float]]  # (point_id, hour start ms) → [min, max, sum, count]
Status = dict[int, tuple[int, float, int]]  # point_id → (t, value, quality)


def write_rollups(rollups: Rollup, conn: BaseDatabaseWrapper | None = None) -> None:
    conn = conn or connection
    if not rollups:
        return
    postgres = conn.vendor == "postgresql"
    least, greatest = ("LEAST", "GREATEST") if postgres else ("MIN", "MAX")
    adapt = conn.ops.adapt_datetimefield_value
    params = [
        (point_id, adapt(to_datetime(hour)), mn, mx, total, int(count))
        for (point_id, hour), (mn, mx, total, count) in rollups.items()
    ]
    # PostgreSQL: one statement over arrays (a round trip per row would stall the worker).
    source = (
        " SELECT * FROM unnest(%s::bigint[], %s::timestamptz[], %s::float8[], %s::float8[], %s::float8[],"
        " %s::int[])"
        if postgres
        else " VALUES (%s, %s, %s, %s, %s, %s)"
    )
    sql = (
        "INSERT INTO monitoring_readingrollup (point_id, hour, min_value, max_value, sum_value, count)"
        + source
        + " ON CONFLICT (point_id, hour) DO UPDATE SET"
        f" min_value = {least}(monitoring_readingrollup.min_value, excluded.min_value),"
        f" max_value = {greatest}(monitoring_readingrollup.max_value, excluded.max_value),"
        " sum_value = monitoring_readingrollup.sum_value + excluded.sum_value,"
        " count = monitoring_readingrollup.count + excluded.count"
    )
    with conn.cursor() as cursor:
        if postgres:
            cursor.execute(sql, [list(column) for column in zip(*params, strict=True)])
        else:
            cursor.executemany(sql, params)


def write_status(status: Status, received_at: datetime, conn: BaseDatabaseWrapper | None = None) -> None:
    conn = conn or connection
    if not status:
        return
    postgres = conn.vendor == "postgresql"
    received = conn.ops.adapt_datetimefield_value(received_at)
    params = [(point_id, t, v, q, received) for point_id, (t, v, q) in status.items()]
    source = (
        " SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::float8[], %s::smallint[], %s::timestamptz[])"
        if postgres
        else " VALUES (%s, %s, %s, %s, %s)"
    )
    sql = (
        "INSERT INTO monitoring_pointstatus (point_id, last_t, last_value, last_quality, received_at)"
        + source
        + " ON CONFLICT (point_id) DO UPDATE SET"
        " last_t = excluded.last_t, last_value = excluded.last_value,"
        " last_quality = excluded.last_quality, received_at = excluded.received_at"
        " WHERE excluded.last_t >= monitoring_pointstatus.last_t"
    )
    with conn.cursor() as cursor:
        if postgres:
            cursor.execute(sql, [list(column) for column in zip(*params, strict=True)])
        else:
            cursor.executemany(sql, params)


# --- reading back ---------------------------------------------------------------------------


def readings(point_id: int, start_ms: int, end_ms: int, limit: int = 20_000) -> list[tuple[int, float, int]]:
    """Raw ``(t, value, quality)`` of a point in [start, end), oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t, value, quality FROM {TABLE} WHERE point_id = %s AND t >= %s AND t < %s"
            " ORDER BY t LIMIT %s",
            [point_id, start_ms, end_ms, limit],
        )
        return [(int(t), float(v), int(q)) for t, v, q in cursor.fetchall()]


def count_readings(point_ids: Sequence[int] | None = None) -> int:
    with connection.cursor() as cursor:
        if point_ids is None:
            cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        else:
            marks = ", ".join(["%s"] * len(point_ids))
            cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE point_id IN ({marks})", list(point_ids))
        row = cursor.fetchone()
    return int(row[0]) if row else 0


# --- retention ------------------------------------------------------------------------------


def prune(today: date, raw_days: int, rollup_days: int) -> dict[str, int]:
    """Drop raw readings older than ``raw_days`` (whole day partitions on PostgreSQL) and rollups
    older than ``rollup_days``; what was removed."""
    from anjian.monitoring.models import ReadingRollup

    keep_from = today - timedelta(days=raw_days)
    cutoff_ms = day_bounds(keep_from)[0]
    dropped = 0
    deleted = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
                [TABLE],
            )
            for (name,) in cursor.fetchall():
                stamp = name.removeprefix(f"{TABLE}_p")
                if len(stamp) == 8 and stamp.isdigit() and stamp < f"{keep_from:%Y%m%d}":
                    cursor.execute(f"DROP TABLE {name}")
                    dropped += 1
        else:
            cursor.execute(f"DELETE FROM {TABLE} WHERE t < %s", [cutoff_ms])
            deleted = cursor.rowcount
    rollup_cutoff = datetime.combine(today - timedelta(days=rollup_days), time.min, tzinfo=local_zone())
    rollups, _ = ReadingRollup.objects.filter(hour__lt=rollup_cutoff).delete()
    return {"partitions_dropped": dropped, "readings_deleted": deleted, "rollups_deleted": rollups}
