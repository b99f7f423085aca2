"""``anjian bench exchange`` runs and reports its figures (a small run in the test database)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.test import override_settings

from anjian.core.bench import run_here


@pytest.mark.django_db
def test_exchange_benchmark_reports_its_figures() -> None:
    with tempfile.TemporaryDirectory() as tmp, override_settings(VAR_DIR=Path(tmp), EXCHANGE_BATCH_RECORDS=7):
        figures = run_here("exchange", 20)
    for key in (
        "records_per_s",
        "baseline_per_s",
        "ratio",
        "crypto_share",
        "intl_records_per_s",
        "intl_crypto_share",
    ):
        value = figures[key]
        assert isinstance(value, int | float)
        assert value > 0, key
    assert figures["rows"] == 20
