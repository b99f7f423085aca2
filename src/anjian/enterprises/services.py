"""Write path of the enterprise registry."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from anjian.core.services import delete_object, save_object
from anjian.enterprises.models import Enterprise, EnterpriseRecord

R = TypeVar("R", bound=EnterpriseRecord)


def may_override_uscc(user: Any) -> bool:
    """Accepting a code that fails the check is a regulator's reviewed decision (GB 32100 rule 2)."""
    if user is None:  # system work: demo data, migrations, the exchange
        return True
    org = getattr(user, "organization", None)
    return bool(user.is_superuser or (org is not None and org.is_government))


def save_enterprise(
    enterprise: Enterprise, *, user: Any, scope_error_field: str | None = "region"
) -> Enterprise:
    """Register or change an enterprise. A user cannot register or move one outside their scope,
    and only a regulator may set or clear the check-character override."""
    if not may_override_uscc(user):
        stored = (
            Enterprise.objects.filter(pk=enterprise.pk)
            .values_list("uscc_override", "uscc_override_reason")
            .first()
        )
        if (enterprise.uscc_override, enterprise.uscc_override_reason) != (stored or (False, "")):
            raise ValidationError({"uscc_override": [_("只有监管部门可以人工核准统一社会信用代码校验位。")]})
    return save_object(enterprise, user=user, scope_error_field=scope_error_field)


def delete_enterprise(enterprise: Enterprise, *, user: Any) -> None:
    delete_object(enterprise, user=user)


def save_profile_record(record: R, *, user: Any, scope_error_field: str | None = "enterprise") -> R:
    """File or change a record of the enterprise basic database (licence, training, plan…).
    The model's rules run, and the record must stay within the user's scope: an enterprise
    user files for its own enterprise only."""
    return save_object(record, user=user, scope_error_field=scope_error_field)


def delete_profile_record(record: EnterpriseRecord, *, user: Any) -> None:
    delete_object(record, user=user)
