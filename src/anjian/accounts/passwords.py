"""The password policy (MLPS level 3, 1.1): length, character classes, no username, no reuse of the
last N passwords, periodic change. The validators are registered in AUTH_PASSWORD_VALIDATORS, so the
password change page, account management and ``createsuperuser`` all apply them."""

from __future__ import annotations

import string
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

CHARACTER_CLASSES = 3  # of upper case, lower case, digits, symbols


class MinimumLengthValidator:
    def __init__(self, min_length: int | None = None) -> None:
        self.min_length = min_length

    @property
    def length(self) -> int:
        return self.min_length if self.min_length is not None else settings.PASSWORD_MIN_LENGTH

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.length:
            raise ValidationError(
                _("密码太短：至少 %(min)d 位，当前 %(len)d 位。")
                % {"min": self.length, "len": len(password)},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("至少 %(min)d 位。") % {"min": self.length}


def character_classes(password: str) -> int:
    """How many of the four classes (upper, lower, digit, symbol) the password uses."""
    upper = any(c.isupper() for c in password)
    lower = any(c.islower() for c in password)
    digit = any(c in string.digits for c in password)
    symbol = any(not c.isalnum() for c in password)
    return sum((upper, lower, digit, symbol))


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < CHARACTER_CLASSES:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、特殊符号中的至少三类。"), code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return _("包含大写字母、小写字母、数字、特殊符号中的至少三类。")


class UsernameValidator:
    def validate(self, password: str, user: Any = None) -> None:
        username = getattr(user, "username", "") or ""
        if username and username.casefold() in password.casefold():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("不能包含用户名。")


class PasswordHistoryValidator:
    """Refuses the current password and the last ``PASSWORD_HISTORY_COUNT`` ones (stored as hashes
    in PasswordHistory by User.save)."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        from anjian.accounts.models import PasswordHistory

        count = settings.PASSWORD_HISTORY_COUNT
        hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:count])
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                _("不能使用最近 %(count)d 次用过的密码。") % {"count": count}, code="password_reused"
            )

    def get_help_text(self) -> str:
        return _("不能与最近 %(count)d 次用过的密码相同。") % {"count": settings.PASSWORD_HISTORY_COUNT}


def password_expired(user: Any) -> bool:
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if max_age <= 0 or user.password_changed_at is None or not user.has_usable_password():
        return False
    return bool(user.password_changed_at + timedelta(days=max_age) <= timezone.now())


def must_change_password(user: Any) -> bool:
    """An initial or reset password, or one older than the maximum age, is changed before anything else."""
    return bool(user.must_change_password) or password_expired(user)


def set_initial_password(user: Any, raw_password: str) -> None:
    """Set a password chosen by an administrator (new account, reset): valid under the policy, and
    the user must replace it at the next login."""
    from django.contrib.auth.password_validation import validate_password

    validate_password(raw_password, user)
    user.set_password(raw_password)
    user.must_change_password = True
    user.save()
