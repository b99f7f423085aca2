"""An in-process fake sender node for the receiver tests: its own key pair, its own records (kept
in memory), and batches built with the production batch format (``batches.assemble``)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from anjian.core.bench import _counties, _enterprise, _uscc, generated_rows
from anjian.core.registry import SharedModel, shared_spec
from anjian.enterprises.models import Enterprise
from anjian.exchange import batches, keys
from anjian.exchange.models import Peer, PeerKey
from anjian.exchange.outbox import line_for
from anjian.exchange.testing import dump_record

_counter = itertools.count(1)


def enterprise_spec() -> SharedModel:
    shared = shared_spec(Enterprise)
    assert shared is not None
    return shared


@dataclass
class FakeSender:
    """A node ``code`` that owns some enterprises and sends their changes to ``receiver``."""

    code: str = "110000"
    receiver: str = "000000"
    suite: str = "intl"
    records: dict[str, Enterprise] = field(default_factory=dict)
    lines: list[bytes] = field(default_factory=list)  # the outbox: line i has seq i + 1

    def __post_init__(self) -> None:
        self.pair = keys.generate(self.suite)
        self.key = keys.SigningKey(self.pair.key_id, self.suite, self.pair.private)

    def register(self, mode: str = "file") -> Peer:
        """Register this node as a peer of the receiver (the database under test)."""
        peer, _ = Peer.objects.get_or_create(code=self.code, defaults={"mode": mode})
        PeerKey.objects.create(
            peer=peer, key_id=self.pair.key_id, suite=self.suite, public_key=self.pair.public_pem
        )
        return peer

    def _append(self, enterprise: Enterprise, op: str = "upsert") -> None:
        entry = line_for(enterprise_spec(), enterprise, op, len(self.lines) + 1)
        self.lines.append(entry.line.encode("utf-8") + b"\n")

    def create(self, count: int) -> list[Enterprise]:
        """``count`` new enterprises in this node's province, each a new outbox line."""
        start = next(_counter) * 100_000
        made = []
        prefix = self.code[:2] if self.code != "000000" else "13"
        for index, row in enumerate(generated_rows(count, _counties(prefix), seed=start)):
            row = dict(row, uscc=_uscc(start + index, row["region"]))
            enterprise = _enterprise(row)
            enterprise.source_node = self.code
            self.records[str(enterprise.uid)] = enterprise
            self._append(enterprise)
            made.append(enterprise)
        return made

    def update(self, enterprise: Enterprise, **changes: object) -> None:
        for name, value in changes.items():
            setattr(enterprise, name, value)
        enterprise.version += 1
        self._append(enterprise)

    def delete(self, enterprise: Enterprise) -> None:
        self._append(enterprise, "delete")
        del self.records[str(enterprise.uid)]

    def batch(self, first: int, last: int) -> bytes:
        """The signed batch of outbox lines ``first``..``last`` (1-based, inclusive)."""
        return batches.assemble(self.code, self.receiver, first, self.lines[first - 1 : last], self.key)

    def all_batches(self, size: int) -> list[bytes]:
        return [
            self.batch(first, min(first + size - 1, len(self.lines)))
            for first in range(1, len(self.lines) + 1, size)
        ]

    def expected(self) -> list[str]:
        """The receiver's dump of this node's records once everything is applied."""
        return sorted(dump_record(enterprise_spec(), e) for e in self.records.values())
