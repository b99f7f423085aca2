"""``anjian bench``: one JSON line of figures per benchmark, always in a throwaway database."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from anjian.core.bench import THROWAWAY_ENV, discover, throwaway_database
from anjian.monitoring.worker import broker_answers

# The figures each benchmark must report; a new benchmark adds its own line here.
HEADLINE = {
    "scope": ["baseline_median_ms", "ours_median_ms", "view_median_ms"],
    "import": ["baseline_rows_per_s", "ours_rows_per_s"],
    "risk-map": ["baseline_median_ms", "ours_median_ms", "view_median_ms"],
    "danger-stats": ["baseline_median_ms", "view_median_ms"],
    "exchange": ["baseline_per_s", "records_per_s", "crypto_share"],
    "ingest": ["readings_per_s", "copy_baseline_per_s", "alarm_p50_ms", "alarm_p99_ms"],
}


def bench_line(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("bench", *args, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, lines
    figures: dict[str, Any] = json.loads(lines[0])
    return figures


def check_figures(figures: dict[str, Any], name: str, rows: int) -> None:
    assert figures["bench"] == name
    assert figures["rows"] == rows
    assert figures["database"] == connection.vendor
    for key in [*HEADLINE[name], "ratio"]:
        assert isinstance(figures[key], int | float), key
        assert figures[key] > 0, (key, figures)


def test_every_benchmark_has_its_headline_figures() -> None:
    assert set(discover()) == set(HEADLINE)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HEADLINE))
def test_benchmark_prints_one_json_line(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if name == "ingest" and not broker_answers(settings.MONITORING_MQTT_URL):
        pytest.skip(f"no MQTT broker answers at {settings.MONITORING_MQTT_URL}")
    # The test database is a throwaway too: mark it as the child's database and run in place.
    monkeypatch.setenv(THROWAWAY_ENV, str(connection.settings_dict["NAME"]))
    figures = bench_line(name, "--rows", "20", "--in-throwaway")
    check_figures(figures, name, 20)


def test_bench_runs_in_its_own_database_in_a_child_process() -> None:
    figures = bench_line("import", "--rows", "5")
    assert figures["bench"] == "import"
    assert figures["rows"] == 5
    assert figures["ours_rows_per_s"] > 0
    assert figures["baseline_rows_per_s"] > 0


@pytest.mark.django_db
def test_child_refuses_a_database_it_did_not_create(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THROWAWAY_ENV, raising=False)
    with pytest.raises(CommandError, match="refusing"):
        call_command("bench", "scope", "--in-throwaway")
    monkeypatch.setenv(THROWAWAY_ENV, "/tmp/some-other.sqlite3")
    with pytest.raises(CommandError, match="refusing"):
        call_command("bench", "scope", "--in-throwaway")


def test_rows_must_be_positive() -> None:
    with pytest.raises(CommandError, match="--rows"):
        call_command("bench", "scope", "--rows", "0")


def test_sqlite_throwaway_is_removed() -> None:
    with throwaway_database(None) as env:
        database = Path(env[THROWAWAY_ENV])
        assert env["ANJIAN_DATABASE_URL"] == f"sqlite:///{database}"
        assert env["ANJIAN_VAR_DIR"] == str(database.parent)
        assert database.parent.is_dir()
    assert not database.parent.exists()


def _postgres_url() -> str:
    url = os.environ.get("ANJIAN_BENCH_DATABASE_URL") or os.environ.get("ANJIAN_TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("no PostgreSQL URL (ANJIAN_BENCH_DATABASE_URL or ANJIAN_TEST_DATABASE_URL)")
    try:
        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg.Error:
        pytest.skip(f"PostgreSQL does not answer at {url}")
    return url


def _database_exists(url: str, name: str) -> bool:
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres") as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


@pytest.mark.postgres
def test_postgres_throwaway_is_dropped() -> None:
    url = _postgres_url()
    with throwaway_database(url) as env:
        name = env[THROWAWAY_ENV]
        assert env["ANJIAN_DATABASE_URL"].endswith(f"/{name}")
        assert _database_exists(url, name)
    assert not _database_exists(url, name)
