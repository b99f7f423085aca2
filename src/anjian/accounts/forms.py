"""Forms of the sign-in pages and of the user's own security settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from anjian.accounts import lockout


class LoginForm(AuthenticationForm):
    """Refuses every attempt while the account or the source address is locked (before the
    password is even checked), and counts each failure towards the lock."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码错误，请重试。"),
        "inactive": _("账号已停用。"),
    }

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "") or ""
        lock = lockout.current_lock(username, self.request)
        if lock is not None:
            raise forms.ValidationError(lock.message, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            lock = lockout.register_failure(username, self.request)
            if lock is not None:
                raise forms.ValidationError(lock.message, code="locked") from None
            raise
        assert self.user_cache is not None
        lockout.clear_account(self.user_cache.get_username())
        return cleaned


class OTPForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=16,
        help_text=_("认证器应用显示的 6 位数字，或一个备用码"),
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=6,
        min_length=6,
        help_text=_("扫描二维码后，输入认证器应用显示的 6 位数字"),
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class StyledPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("原密码不正确。"),
        "password_mismatch": _("两次输入的新密码不一致。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("原密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("确认新密码")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
