"""Keeps 我的会话 in step with sign-in and sign-out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from anjian.accounts.models import UserSession


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        from anjian.accounts.middleware import mark_seen

        mark_seen(request, user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session") and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
