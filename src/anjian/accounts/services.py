"""Write paths for the user's own credentials: API tokens and sessions. Each audits what it did."""

from __future__ import annotations

from datetime import datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from anjian.accounts.models import APIToken, User, UserSession, validate_networks
from anjian.audit.events import EventType
from anjian.audit.services import client_ip, record_event


@transaction.atomic
def issue_token(
    user: User,
    *,
    description: str = "",
    expires_at: datetime | None = None,
    allowed_ips: str = "",
    request: HttpRequest | None = None,
    acting_user: Any = None,
) -> tuple[APIToken, str]:
    """Issue a token for ``user``; the key is returned once and only its SHA-256 is stored."""
    if not user.is_active:
        raise ValidationError(f"账号已停用：{user.username}")
    allowed_ips = ",".join(item.strip() for item in allowed_ips.split(",") if item.strip())
    validate_networks(allowed_ips)
    token, key = APIToken.issue(user, description=description, expires_at=expires_at, allowed_ips=allowed_ips)
    record_event(
        EventType.TOKEN_CREATE,
        request=request,
        user=acting_user or user,
        obj=token,
        details={
            "owner": user.username,
            "prefix": token.prefix,
            "expires_at": expires_at,
            "allowed_ips": allowed_ips,
        },
    )
    return token, key


@transaction.atomic
def revoke_token(token: APIToken, *, request: HttpRequest | None = None, acting_user: Any = None) -> bool:
    """Revoke ``token``; False when it was already revoked (nothing is written then)."""
    updated = APIToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if not updated:
        return False
    token.refresh_from_db()
    record_event(
        EventType.TOKEN_REVOKE,
        request=request,
        user=acting_user or token.user,
        obj=token,
        details={"owner": token.user.username, "prefix": token.prefix},
    )
    return True


def track_session(request: HttpRequest, user: Any) -> None:
    """Record (or refresh) the row of the request's session in 我的会话."""
    key = request.session.session_key
    if not key:
        return
    now = timezone.now()
    UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip": client_ip(request),
            "user_agent": request.headers.get("User-Agent", "")[:300],
            "last_seen_at": now,
        },
        create_defaults={
            "user": user,
            "ip": client_ip(request),
            "user_agent": request.headers.get("User-Agent", "")[:300],
            "created_at": now,
            "last_seen_at": now,
        },
    )


def live_sessions(user: Any) -> list[UserSession]:
    """The user's sessions that still exist in the session store; rows of ended sessions are dropped."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = list(UserSession.objects.filter(user=user))
    gone = [row.pk for row in rows if not _session_alive(store(row.session_key))]
    if gone:
        UserSession.objects.filter(pk__in=gone).delete()
    return [row for row in rows if row.pk not in gone]


def _session_alive(session: Any) -> bool:
    session.load()  # a missing or expired session clears its key
    return session.session_key is not None


@transaction.atomic
def revoke_session(session: UserSession, *, request: HttpRequest | None = None) -> None:
    """End a session: it is deleted from the session store, so its cookie no longer signs anyone in."""
    import_module(settings.SESSION_ENGINE).SessionStore().delete(session.session_key)
    session.delete()
    record_event(
        EventType.LOGOUT,
        request=request,
        user=session.user,
        details={"revoked_session": session.session_key[:8], "ip": session.ip},
    )
