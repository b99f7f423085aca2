"""The outbox: every change to a shared model becomes one payload line, numbered by the gapless
per-node sequence, written in the change's own transaction (docs/exchange.md, "Payload")."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import models, transaction
from django.db.models import F

from anjian.core.models import BusinessModel
from anjian.core.registry import SharedModel, shared_spec
from anjian.exchange.models import NodeSequence, OutboxEntry

OPS = ("upsert", "delete")


def canonical(value: Any) -> bytes:
    """Canonical JSON: UTF-8, keys sorted, no insignificant white space, no ASCII escaping."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def is_business_relation(field: models.Field[Any, Any]) -> bool:
    target = field.related_model
    return bool(field.many_to_one and isinstance(target, type) and issubclass(target, BusinessModel))


def value_field(field: models.Field[Any, Any]) -> models.Field[Any, Any]:
    """The field that holds a value: the referenced key of a foreign key, else the field itself."""
    if isinstance(field, models.ForeignKey):
        target: models.Field[Any, Any] = field.target_field
        return target
    return field


def wire_value(field: models.Field[Any, Any], value: Any) -> Any:
    """A field value as the payload carries it (docs/exchange.md, "Field values")."""
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        places = Decimal(1).scaleb(-(field.decimal_places or 0))
        return format(Decimal(value).quantize(places), "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    return value


def record_data(shared: SharedModel, instance: BusinessModel) -> dict[str, Any]:
    """The shared fields of ``instance``; a relation to another business record as its uid."""
    data: dict[str, Any] = {}
    opts = instance._meta
    for name in shared.fields:
        field = opts.get_field(name)
        assert isinstance(field, models.Field)
        if is_business_relation(field):
            related = getattr(instance, name)
            data[name] = str(related.uid) if related is not None else None
        elif field.many_to_one:
            data[name] = wire_value(value_field(field), getattr(instance, field.attname))
        else:
            data[name] = wire_value(field, field.value_from_object(instance))
    return data


def line_for(shared: SharedModel, instance: BusinessModel, op: str, seq: int) -> OutboxEntry:
    version = instance.version + 1 if op == "delete" else instance.version
    record = {
        "seq": seq,
        "uid": str(instance.uid),
        "model": shared.label,
        "version": version,
        "source_node": instance.source_node or settings.NODE_CODE,
        "op": op,
        "data": {} if op == "delete" else record_data(shared, instance),
    }
    return OutboxEntry(
        seq=seq,
        model=shared.label,
        uid=instance.uid,
        version=version,
        op=op,
        line=canonical(record).decode("utf-8"),
    )


def _reserve(count: int) -> int:
    """The first of ``count`` new sequence numbers. The UPDATE locks the counter row until the
    transaction ends, so numbers are gapless and become visible in commit order."""
    counter = NodeSequence.objects.filter(id=1)
    if not counter.update(value=F("value") + count):
        NodeSequence.objects.get_or_create(id=1)  # created by the migration; recreated if removed
        counter.update(value=F("value") + count)
    value: int = counter.values_list("value", flat=True).get()
    return value - count + 1


def append(instance: BusinessModel, op: str) -> None:
    """The outbox writer the kernel calls inside ``save_object``/``delete_object``."""
    append_many([instance], op)


def append_many(instances: Sequence[BusinessModel], op: str) -> None:
    """Outbox rows for many changes of one kind at once (bulk paths: seeding, migrations)."""
    if op not in OPS:
        raise ValueError(op)
    if not instances:
        return
    with transaction.atomic():
        first = _reserve(len(instances))
        entries = []
        for offset, instance in enumerate(instances):
            shared = shared_spec(type(instance))
            if shared is None:
                raise ValueError(f"{type(instance).__name__} is not a shared model")
            entries.append(line_for(shared, instance, op, first + offset))
        OutboxEntry.objects.bulk_create(entries, batch_size=1000)


def local_seq() -> int:
    counter = NodeSequence.objects.filter(id=1).values_list("value", flat=True).first()
    return counter or 0
