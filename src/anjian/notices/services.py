"""Sending and reading notices. ``send_notice`` is idempotent: a second call with the same key
for the same user sends nothing. An SMS gateway may be plugged in as a setting-selected callable
(``ANJIAN_SMS_HOOK``, a dotted path called with the new notice after commit); none by default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from anjian.notices.models import Notice


def sms_hook() -> Callable[[Notice], Any] | None:
    path: str = getattr(settings, "NOTICE_SMS_HOOK", "")
    return import_string(path) if path else None


@transaction.atomic
def send_notice(user: Any, title: str, body: str, link: str, key: str) -> Notice | None:
    """The new notice, or None when ``user`` already had the notice named ``key``."""
    notice, created = Notice.objects.get_or_create(
        recipient=user, key=key[:200], defaults={"title": title[:200], "body": body, "link": link[:500]}
    )
    if not created:
        return None
    hook = sms_hook()
    if hook is not None:
        transaction.on_commit(lambda: hook(notice))
    return notice


def unread_count(user: Any) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: Any, pk: int | None = None) -> int:
    """Mark one of the user's notices (or all of them) read; the number marked."""
    notices = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        notices = notices.filter(pk=pk)
    return notices.update(read_at=timezone.now())
