"""Write path of the enterprise registry."""

from __future__ import annotations

from typing import Any

from anjian.core.services import delete_object, save_object
from anjian.enterprises.models import Enterprise


def save_enterprise(
    enterprise: Enterprise, *, user: Any, scope_error_field: str | None = "region"
) -> Enterprise:
    """Register or change an enterprise. A user cannot register or move one outside their scope."""
    return save_object(enterprise, user=user, scope_error_field=scope_error_field)


def delete_enterprise(enterprise: Enterprise, *, user: Any) -> None:
    delete_object(enterprise, user=user)
