"""The danger-stats benchmark runs (small) and its correctness check passes on this database."""

from __future__ import annotations

import pytest
from django.db import connection

from anjian.core.bench import THROWAWAY_ENV, run_here


@pytest.mark.django_db
def test_danger_stats_benchmark_small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(THROWAWAY_ENV, str(connection.settings_dict["NAME"]))
    figures = run_here("danger-stats", 2_000)
    assert figures["rows"] == 2_000
    enterprises = figures["enterprises"]
    assert isinstance(enterprises, int)
    assert enterprises > 8_000
    for key in ("baseline_median_ms", "view_median_ms", "ratio"):
        value = figures[key]
        assert isinstance(value, float), (key, figures)
        assert value > 0, (key, figures)
