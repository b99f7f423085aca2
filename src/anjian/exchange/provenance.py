"""来源可查、去向可追: where a record came from and which nodes received which version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from anjian.audit.models import ObjectChange
from anjian.core.models import BusinessModel
from anjian.core.registry import shared_spec
from anjian.exchange.models import OutboxEntry, Peer
from anjian.exchange.receive import actor_name


@dataclass(frozen=True)
class Delivery:
    peer: str
    version: int | None  # the newest version the peer acknowledged; None: none yet
    current: bool


@dataclass(frozen=True)
class Provenance:
    shared: bool
    local: bool
    source_node: str
    received: list[tuple[int, datetime]]  # (version, time received) for a copy from another node
    deliveries: list[Delivery]


def provenance(obj: BusinessModel) -> Provenance:
    shared = shared_spec(type(obj)) is not None
    local = obj.is_local
    received: list[tuple[int, datetime]] = []
    deliveries: list[Delivery] = []
    if shared and not local:
        received = list(
            ObjectChange.objects.filter(object_uid=obj.uid, user_name=actor_name(obj.source_node))
            .order_by("-object_version")
            .values_list("object_version", "time")[:10]
        )
    elif shared:
        entries = list(OutboxEntry.objects.filter(uid=obj.uid).order_by("seq").values_list("seq", "version"))
        for peer in Peer.objects.filter(enabled=True):
            acked = [version for seq, version in entries if seq <= peer.acked_seq]
            version = acked[-1] if acked else None
            deliveries.append(Delivery(peer.code, version, version == obj.version))
    return Provenance(shared, local, obj.source_node or settings.NODE_CODE, received, deliveries)
