"""Three-role separation (三员分立). The system administrator creates, disables and re-enables
accounts and resets their passwords; the security administrator grants roles and data scopes; no
account holds two of the administrator roles, nor an administrator role and a business role.

One validator each (``role_set_errors`` for role sets, ``validate_account`` for new accounts)
serves the API, the forms and the imports alike.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from anjian.accounts import lockout
from anjian.accounts.models import Organization, Role, User, UserSession
from anjian.accounts.passwords import set_initial_password
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


# Account management: the system administrator's part.

PHONE = re.compile(r"^[0-9+\-() ]*$")
# Generated passwords avoid look-alike characters (0/O, 1/l/I) because they are read off a screen.
PASSWORD_ALPHABETS = (
    "ABCDEFGHJKLMNPQRSTUVWXYZ",
    "abcdefghijkmnopqrstuvwxyz",
    "23456789",
    "!#%+-=?@_",
)
GENERATED_PASSWORD_LENGTH = 16


def _require_system_admin(actor: Any) -> None:
    if not actor.has_perm("accounts.manage_users"):
        raise PermissionDenied(_("只有系统管理员可以管理账号。"))


def username_taken(username: str) -> bool:
    # Case-insensitive: ``Zhang`` and ``zhang`` would be one person to a reader of the audit log.
    return bool(User.objects.filter(username__iexact=username).exists())


def validate_account(
    username: str, full_name: str, organization: Organization | None, phone: str = ""
) -> User:
    """The unsaved account, or a ValidationError naming each bad field (the form, the API and the
    import all show these messages)."""
    username, full_name, phone = username.strip(), full_name.strip(), phone.strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors.setdefault("username", []).append(_("请填写账号。"))
    elif username_taken(username):
        errors.setdefault("username", []).append(_("账号“%(username)s”已存在。") % {"username": username})
    if not full_name:
        errors.setdefault("full_name", []).append(_("请填写姓名。"))
    if organization is None:
        errors.setdefault("organization", []).append(_("请选择所属机构。"))
    if not PHONE.match(phone):
        errors.setdefault("phone", []).append(_("联系电话只能包含数字、空格和 + - ( )。"))
    user = User(username=username, full_name=full_name, organization=organization, phone=phone)
    try:
        user.full_clean(exclude=["password", *errors], validate_unique=False)
    except ValidationError as e:
        for name, messages in e.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return user


def generate_password(user: User) -> str:
    """A random password of every character class that passes the password policy for ``user``."""
    length = max(GENERATED_PASSWORD_LENGTH, settings.PASSWORD_MIN_LENGTH)
    everything = "".join(PASSWORD_ALPHABETS)
    while True:
        chars = [secrets.choice(alphabet) for alphabet in PASSWORD_ALPHABETS]
        chars += [secrets.choice(everything) for _i in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password, user)
        except ValidationError:
            continue  # e.g. a one-letter username happened to occur in it
        return password


@transaction.atomic
def create_account(
    actor: Any,
    username: str,
    full_name: str,
    organization: Organization | None,
    phone: str = "",
    initial_password: str | None = None,
    *,
    request: HttpRequest | None = None,
) -> tuple[User, str]:
    """Create an account with no roles (those are the security administrator's to grant) and an
    initial password that must be changed at the first login. Returns the account and the
    password, which is shown once and never stored in clear."""
    _require_system_admin(actor)
    user = validate_account(username, full_name, organization, phone)
    password = initial_password or generate_password(user)
    try:
        with transaction.atomic():
            set_initial_password(user, password)
    except ValidationError as e:
        raise ValidationError({"initial_password": e.messages}) from e
    except IntegrityError as e:  # created meanwhile by another request
        raise ValidationError(
            {"username": [_("账号“%(username)s”已存在。") % {"username": user.username}]}
        ) from e
    record_event(
        EventType.ACCOUNT_CREATE,
        request=request,
        user=actor,
        obj=user,
        details={"username": user.username, "organization": str(user.organization or "")},
    )
    return user, password


def end_sessions(user: User) -> int:
    """Delete every signed-in session of ``user`` from the session store; returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store.delete(key)
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def set_account_active(actor: Any, user: User, active: bool, *, request: HttpRequest | None = None) -> bool:
    """Disable or re-enable an account; False when it already was so (nothing is written then).
    Disabling ends the account's sessions at once; its roles, tokens and data stay as they are,
    and a disabled account can use none of them."""
    _require_system_admin(actor)
    if not active and actor.pk == user.pk:
        raise ValidationError(_("不能停用自己的账号。"))
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    details: dict[str, Any] = {"username": user.username}
    if not active:
        details["sessions_ended"] = end_sessions(user)
    record_event(
        EventType.ACCOUNT_ENABLE if active else EventType.ACCOUNT_DISABLE,
        request=request,
        user=actor,
        obj=user,
        details=details,
    )
    return True


@transaction.atomic
def reset_password(actor: Any, user: User, *, request: HttpRequest | None = None) -> str:
    """Give ``user`` a new generated initial password (returned once, to hand over) that must be
    changed at the next login. The old password stops working, its sessions end and a login
    lock on the account is lifted."""
    _require_system_admin(actor)
    if actor.pk == user.pk:
        raise ValidationError(_("不能重置自己的密码，请在“修改密码”页面修改。"))
    password = generate_password(user)
    set_initial_password(user, password)
    sessions = end_sessions(user)
    lockout.clear_account(user.username)
    record_event(
        EventType.PASSWORD_RESET,
        request=request,
        user=actor,
        obj=user,
        details={"username": user.username, "sessions_ended": sessions},
    )
    return password
