"""Permissions come from roles (accounts/roles.py), not from per-user permission rows."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.auth.backends import ModelBackend

from anjian.accounts.roles import GRANTS

READ_ACTIONS = frozenset({"view", "export"})
OWN_RECORD_ACTIONS = frozenset({"add", "import", "delete"})


@cache
def _business_model(app_label: str, model_name: str) -> Any:
    """The BusinessModel subclass named by a permission, or None."""
    from anjian.core.models import BusinessModel

    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    return model if issubclass(model, BusinessModel) else None


def role_grants(role_codes: frozenset[str], perm: str) -> bool:
    app_label, _, codename = perm.partition(".")
    action, _, model_name = codename.partition("_")
    for code in role_codes:
        grant = GRANTS.get(code)
        if grant is None:
            continue
        if perm in grant.permissions:
            return True
        model = _business_model(app_label, model_name)
        if model is None:
            continue
        if grant.reports_own and model.enterprise_reportable and action in OWN_RECORD_ACTIONS:
            return True
        if action not in grant.business_actions:
            continue
        if grant.outside_government and model.regulator_only and action not in READ_ACTIONS:
            continue
        return True
    return False


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return True
        return role_grants(user_obj.role_codes, perm)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
