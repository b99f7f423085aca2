"""``anjian bench exchange``: enterprises from the sender's outbox to applied on the receiver, beside
a bare bulk insert of the same rows, and the share of time spent on cryptography.

One database plays both nodes (the throwaway database of ``anjian bench``): the outbox holds lines
of Beijing (110000) enterprises that the national node (000000) does not have yet. The measured
path is the real one: ``batches.build`` reads the outbox, hashes and signs each batch as 110000;
``receive`` verifies, applies in bulk and signs the receipt as 000000; ``apply_receipt`` takes
the acknowledgement back. Both roles sign with one in-memory key of the suite measured (no key
file is written). Cryptography (suite hash of each payload and manifest signature, its
verification, the receipt's signature) is timed around the calls; the suite of the node's
setting is the headline, the other suite is reported beside it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.conf import settings
from django.db import transaction
from django.test import override_settings

from anjian.core import crypto
from anjian.core.bench import BenchError, Figures, _counties, _enterprise, benchmark, generated_rows
from anjian.core.registry import shared_spec
from anjian.enterprises.models import Enterprise
from anjian.exchange import batches, keys, receive, transport
from anjian.exchange.models import OutboxEntry, Peer, PeerKey
from anjian.exchange.outbox import line_for
from anjian.exchange.testing import dump_record, dump_shared

SENDER, RECEIVER = "110000", "000000"


class _Timer:
    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


@contextmanager
def _timed_crypto(timer: _Timer) -> Iterator[None]:
    """Time the suite hash, signatures and verifications wherever the exchange calls them."""
    with (
        mock.patch.object(keys, "sign", timer.wrap(keys.sign)),
        mock.patch.object(keys, "verify", timer.wrap(keys.verify)),
        mock.patch.object(crypto, "digest", timer.wrap(crypto.digest)),
    ):
        yield


def _setup_suite(suite: str) -> keys.SigningKey:
    """One key of ``suite`` for both roles, kept in memory (no key file is written): the signing
    key of both nodes and the key each has registered for the other."""
    PeerKey.objects.all().delete()
    pair = keys.generate(suite)
    for code in (SENDER, RECEIVER):
        peer, _ = Peer.objects.get_or_create(code=code, defaults={"mode": "file"})
        PeerKey.objects.create(peer=peer, key_id=pair.key_id, suite=suite, public_key=pair.public_pem)
    return keys.SigningKey(pair.key_id, suite, pair.private)


def _reset_receiver() -> None:
    Enterprise.objects.filter(source_node=SENDER).delete()
    Peer.objects.update(received_seq=0, sent_seq=0, acked_seq=0)


def _exchange(rows: int) -> tuple[float, float, float]:
    """Every outbox line from the sender to applied on the receiver: (seconds, CPU seconds,
    crypto seconds)."""
    timer = _Timer()
    sender_peer = Peer.objects.get(code=RECEIVER)  # the sender's view of the receiver
    start, cpu = time.perf_counter(), time.process_time()
    with _timed_crypto(timer):
        while True:
            with override_settings(NODE_CODE=SENDER):
                content = batches.build(RECEIVER, Peer.objects.get(pk=sender_peer.pk).acked_seq)
            if content is None:
                break
            with override_settings(NODE_CODE=RECEIVER):
                document = receive.receive(content)
            if document["receipt"]["status"] != "applied":
                raise BenchError(f"exchange: batch refused: {document['receipt']}")
            with override_settings(NODE_CODE=SENDER):
                transport.apply_receipt(sender_peer, batches.open_receipt(document))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if Enterprise.objects.filter(source_node=SENDER).count() != rows:
        raise BenchError("exchange: the receiver does not hold every record")
    return elapsed, cpu, timer.seconds


@benchmark(
    "exchange",
    default_rows=10_000,
    description="enterprises from the outbox to applied on the receiver (signed batches) vs bulk insert",
)
def bench_exchange(rows: int) -> Figures:
    shared = shared_spec(Enterprise)
    if shared is None:
        raise BenchError("exchange: the enterprise is not a shared model")
    instances = [_enterprise(row) for row in generated_rows(rows, _counties("11"), seed=20261129)]
    for instance in instances:
        instance.source_node = SENDER
    OutboxEntry.objects.bulk_create(
        [line_for(shared, e, "upsert", seq) for seq, e in enumerate(instances, start=1)], batch_size=2000
    )
    expected = sorted(dump_record(shared, e) for e in instances)

    # Baseline: a bare bulk insert of the same rows in one transaction.
    start, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        Enterprise.objects.bulk_create(instances, batch_size=1000)
    baseline_s, baseline_cpu_s = time.perf_counter() - start, time.process_time() - cpu
    Enterprise.objects.filter(source_node=SENDER).delete()

    figures: Figures = {}
    default = settings.CRYPTO_SUITE
    for suite in sorted(keys.SUITES, key=lambda s: s != default):  # the node's suite first
        key = _setup_suite(suite)
        _reset_receiver()
        with mock.patch.object(keys, "signing_key", lambda key=key: key):
            seconds, cpu_s, crypto = _exchange(rows)
        if dump_shared(SENDER) != expected:
            raise BenchError(f"exchange ({suite}): the receiver's data differs from the sender's")
        prefix = "" if suite == default else f"{suite}_"
        figures[f"{prefix}records_per_s"] = round(rows / seconds)
        figures[f"{prefix}crypto_share"] = round(crypto / seconds, 4)
        figures[f"{prefix}crypto_s"] = round(crypto, 3)
        figures[f"{prefix}ours_s"] = round(seconds, 3)
        # Per core: the process's CPU time (the machine may be busy with other work).
        figures[f"{prefix}records_per_cpu_s"] = round(rows / cpu_s)
    baseline_per_s = rows / baseline_s
    return {
        "suite": default,
        "batch_records": settings.EXCHANGE_BATCH_RECORDS,
        "baseline_s": round(baseline_s, 3),
        "baseline_per_s": round(baseline_per_s),
        "baseline_per_cpu_s": round(rows / baseline_cpu_s),
        **figures,
        "ratio": round(float(figures["records_per_s"]) / baseline_per_s, 3),
    }
