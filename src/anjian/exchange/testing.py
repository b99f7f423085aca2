"""Helpers for exchange tests and the benchmark: a node's shared data in comparable form."""

from __future__ import annotations

from anjian.core.models import BusinessModel
from anjian.core.registry import SharedModel, shared_models
from anjian.exchange.outbox import canonical, record_data


def dump_shared(source_node: str | None = None) -> list[str]:
    """Every shared record as one canonical JSON line (model, uid, version, owner, shared data),
    sorted; two nodes hold the same data exactly when their dumps are equal."""
    lines: list[str] = []
    for shared in shared_models():
        queryset = shared.model.objects.order_by()
        if source_node is not None:
            queryset = queryset.filter(source_node=source_node)
        lines.extend(dump_record(shared, obj) for obj in queryset.iterator(chunk_size=2000))
    return sorted(lines)


def dump_record(shared: SharedModel, obj: BusinessModel) -> str:
    record = {
        "model": shared.label,
        "uid": str(obj.uid),
        "version": obj.version,
        "source_node": obj.source_node,
        "data": record_data(shared, obj),
    }
    return canonical(record).decode("utf-8")
