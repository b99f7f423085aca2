"""Authentication events into the audit log (Django's auth signals are the hook for these)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from anjian.audit.events import EventResult, EventType
from anjian.audit.services import record_event


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record_event(EventType.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(EventType.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    record_event(
        EventType.LOGIN_FAILED,
        result=EventResult.FAILURE,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )
