"""Login failure handling (MLPS level 3, 1.2): failures are counted per account and per source
address; ``LOCKOUT_FAILURES`` of them within ``LOCKOUT_MINUTES`` lock that account, or that address,
for ``LOCKOUT_MINUTES``. While locked every attempt is refused, with the correct password as well.

Our own small equivalent of django-axes: the counters live in the database (shared by every worker
process), the check sits in the login form and in the second-factor step, and ``anjian unlock``
ends a lock early. A successful login clears the account's counter, never the address's: otherwise
one valid account would let an attacker reset the address counter between guesses at others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import LoginThrottle
from anjian.audit.events import EventResult, EventType
from anjian.audit.services import client_ip, record_event

Kind = LoginThrottle.Kind


@dataclass(frozen=True)
class Lock:
    kind: str
    until: datetime

    @property
    def minutes_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))

    @property
    def message(self) -> str:
        if self.kind == Kind.ACCOUNT:
            text = _("登录失败次数过多，账号已被锁定，请 %(minutes)d 分钟后重试，或联系系统管理员解锁。")
        else:
            text = _("登录失败次数过多，来源地址已被锁定，请 %(minutes)d 分钟后重试，或联系系统管理员解锁。")
        return text % {"minutes": self.minutes_left}


def _keys(username: str, ip: str | None) -> list[tuple[str, str]]:
    keys = [(Kind.ACCOUNT.value, username.strip().lower()[:150])] if username.strip() else []
    if ip:
        keys.append((Kind.ADDRESS.value, ip))
    return keys


def current_lock(username: str, request: HttpRequest | None) -> Lock | None:
    """The lock that refuses this attempt (the account's first), or None."""
    keys = _keys(username, client_ip(request))
    if not keys:
        return None
    match = Q()
    for kind, key in keys:
        match |= Q(kind=kind, key=key)
    locks = LoginThrottle.objects.filter(match, locked_until__gt=timezone.now()).order_by("kind")
    row = locks.first()  # "account" sorts before "address"
    return Lock(row.kind, row.locked_until) if row is not None and row.locked_until is not None else None


@transaction.atomic
def register_failure(username: str, request: HttpRequest | None) -> Lock | None:
    """Count one failed attempt (password or second factor); returns the lock it caused, if any."""
    now = timezone.now()
    period = timedelta(minutes=settings.LOCKOUT_MINUTES)
    caused: Lock | None = None
    # Counters whose period and lock are over are of no further use.
    LoginThrottle.objects.filter(
        Q(locked_until__lt=now) | Q(locked_until__isnull=True, first_failure_at__lt=now - period)
    ).delete()
    for kind, key in _keys(username, client_ip(request)):
        LoginThrottle.objects.get_or_create(kind=kind, key=key, defaults={"first_failure_at": now})
        row = LoginThrottle.objects.select_for_update().get(kind=kind, key=key)
        if row.locked_until is not None and row.locked_until > now:
            continue  # already locked: the lock is not extended by further attempts
        if row.first_failure_at + period <= now or row.locked_until is not None:
            row.failures, row.first_failure_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= settings.LOCKOUT_FAILURES:
            row.locked_until = now + period
            caused = caused or Lock(kind, row.locked_until)
            record_event(
                EventType.LOCKOUT,
                result=EventResult.DENIED,
                request=request,
                username=username[:150],
                details={
                    "scope": kind,
                    "key": key,
                    "failures": row.failures,
                    "minutes": settings.LOCKOUT_MINUTES,
                },
            )
        row.save()
    return caused


def clear_account(username: str) -> None:
    """After a successful login: the account's failures no longer count."""
    LoginThrottle.objects.filter(kind=Kind.ACCOUNT, key=username.strip().lower()).delete()


def unlock(*, username: str = "", ip: str = "") -> int:
    """End the locks of an account and/or an address early; returns how many counters were removed."""
    match = Q(pk__in=[])
    if username:
        match |= Q(kind=Kind.ACCOUNT, key=username.strip().lower())
    if ip:
        match |= Q(kind=Kind.ADDRESS, key=ip)
    deleted, _rows = LoginThrottle.objects.filter(match).delete()
    return deleted
