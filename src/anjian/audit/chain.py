"""The hash chain over audit events, and its verification."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from anjian.core.crypto import digest

CHAINED_FIELDS = (
    "time",
    "user_id",
    "username",
    "organization",
    "source_ip",
    "user_agent",
    "request_id",
    "event_type",
    "result",
    "object_type",
    "object_id",
    "object_repr",
    "details",
)


def _normal(name: str, value: Any) -> Any:
    if name == "time" and isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def content_bytes(values: dict[str, Any], prev_hash: str) -> bytes:
    """Canonical bytes of an event: its chained fields in a fixed order, then the previous hash."""
    content = {name: _normal(name, values.get(name)) for name in CHAINED_FIELDS}
    content["prev_hash"] = prev_hash
    text = json.dumps(
        content, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return text.encode("utf-8")


def event_hash(values: dict[str, Any], prev_hash: str) -> str:
    return digest(content_bytes(values, prev_hash))


@dataclass
class ChainBreak:
    event_id: int
    reason: str


def verify(events: Iterable[Any], start_hash: str) -> tuple[int, ChainBreak | None]:
    """Walk events in id order from ``start_hash``; the count checked and the first break, if any."""
    prev = start_hash
    count = 0
    for event in events:
        values = {name: getattr(event, name) for name in CHAINED_FIELDS}
        if event.prev_hash != prev:
            return count, ChainBreak(event.id, _("前序摘要不符：之前的事件被删除或改动"))
        if event_hash(values, prev) != event.hash:
            return count, ChainBreak(event.id, _("内容摘要不符：该事件被改动"))
        prev = event.hash
        count += 1
    return count, None
