"""Writing audit events. Fail closed: if the event cannot be written, the caller's operation fails."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from anjian.audit.chain import event_hash
from anjian.audit.events import EventResult, EventType
from anjian.audit.models import AuditChainHead, AuditEvent
from anjian.core.context import get_request_id, get_token_id


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address: the socket address, or X-Real-IP when the socket address is one of
    the node's own reverse proxies (ANJIAN_TRUSTED_PROXIES). A client cannot choose its address."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    if remote and _is_trusted_proxy(remote):
        forwarded: str | None = request.META.get("HTTP_X_REAL_IP")
        return forwarded or remote
    return remote


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in settings.TRUSTED_PROXIES)


@transaction.atomic
def record_event(
    event_type: str,
    *,
    result: str = EventResult.SUCCESS,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. ``user`` defaults to the request's user."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    org = getattr(user, "organization", None) if user is not None else None
    details = dict(details or {})
    if (token_id := get_token_id()) is not None:
        details.setdefault("token", token_id)  # the API token the request was authenticated with
    values: dict[str, Any] = {
        "time": timezone.now(),
        "user_id": getattr(user, "pk", None),
        "username": (getattr(user, "username", "") or username)[:150],
        "organization": str(org)[:128] if org is not None else "",
        "source_ip": client_ip(request),
        "user_agent": (request.headers.get("User-Agent", "") if request is not None else "")[:300],
        "request_id": get_request_id(),
        "event_type": event_type,
        "result": result,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None and obj.pk is not None else "",
        "object_repr": str(obj)[:200] if obj is not None else "",
        "details": json.loads(json.dumps(details, cls=DjangoJSONEncoder)),
    }
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent.objects.create(
        **values, prev_hash=head.last_hash, hash=event_hash(values, head.last_hash)
    )
    head.last_id, head.last_hash = event.pk, event.hash
    head.save(update_fields=["last_id", "last_hash"])
    return event


def record_denied_access(request: HttpRequest, model: type[models.Model], pk: Any, *, reason: str) -> None:
    """An attempt to reach an existing object outside the caller's scope or role (IDOR)."""
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        return
    record_event(
        EventType.ACCESS_DENIED,
        result=EventResult.DENIED,
        request=request,
        obj=obj,
        details={"path": request.path[:300], "method": request.method, "reason": reason},
    )
