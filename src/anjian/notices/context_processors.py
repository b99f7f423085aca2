from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from anjian.notices.services import unread_count


def unread_notices(request: HttpRequest) -> dict[str, Any]:
    """The navbar badge: the signed-in user's unread notices."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": unread_count(user)}
