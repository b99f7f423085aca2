"""Three-role separation (三员分立): the security administrator grants roles and data scopes;
no account holds two of the administrator roles, nor an administrator role and a business role.

One validator (``role_set_errors``) serves the API, the role form and the role import alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from anjian.accounts.models import Organization, Role, User
from anjian.accounts.roles import ADMIN_ROLES, RoleCode
from anjian.audit.events import EventType
from anjian.audit.services import record_event


def role_set_errors(codes: Iterable[str]) -> list[str]:
    codes = set(codes)
    errors = []
    unknown = codes - set(RoleCode.values)
    if unknown:
        errors.append(_("未知的角色：%(codes)s") % {"codes": "、".join(sorted(unknown))})
    admin = [code for code in RoleCode.values if code in codes & ADMIN_ROLES]
    if len(admin) > 1:
        errors.append(
            _("三员分立：同一账号不得同时担任%(roles)s。")
            % {"roles": "、".join(str(RoleCode(code).label) for code in admin)}
        )
    if admin and codes - ADMIN_ROLES - unknown:
        errors.append(_("三员分立：管理员角色不得与业务角色兼任。"))
    return errors


def parse_role_codes(text: str) -> list[str]:
    """Role codes or Chinese labels, separated by commas or 、 (for imports)."""
    by_label = {str(label): value for value, label in RoleCode.choices}
    parts = [p.strip() for p in text.replace("、", ",").replace("，", ",").split(",") if p.strip()]
    return [by_label.get(p, p) for p in parts]


def _require_security_admin(actor: Any, target: User) -> None:
    if not actor.has_perm("accounts.manage_roles"):
        raise PermissionDenied(_("只有安全管理员可以分配角色和数据范围。"))
    if actor.pk == target.pk:
        raise PermissionDenied(_("不能修改自己的角色或数据范围。"))


@transaction.atomic
def assign_roles(
    target: User, codes: Iterable[str], *, actor: Any, request: HttpRequest | None = None
) -> User:
    codes = sorted(set(codes))
    _require_security_admin(actor, target)
    if errors := role_set_errors(codes):
        raise ValidationError({"roles": errors})
    before = sorted(target.role_codes)
    if before != codes:
        target.roles.set(Role.objects.filter(code__in=codes))
        target.__dict__.pop("role_codes", None)
        record_event(
            EventType.ROLE_CHANGE,
            request=request,
            user=actor,
            obj=target,
            details={"before": before, "after": codes},
        )
    return target


@transaction.atomic
def assign_organization(
    target: User, organization: Organization | None, *, actor: Any, request: HttpRequest | None = None
) -> User:
    """The organisation decides the user's data scope (region, sectors, own enterprise)."""
    _require_security_admin(actor, target)
    before = target.organization
    if before != organization:
        target.organization = organization
        target.save(update_fields=["organization"])
        record_event(
            EventType.ROLE_CHANGE,
            request=request,
            user=actor,
            obj=target,
            details={"organization_before": str(before or ""), "organization_after": str(organization or "")},
        )
    return target
