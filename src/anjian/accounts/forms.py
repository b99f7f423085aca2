"""Forms of the sign-in pages, of the user's own security settings and of account administration."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from anjian.accounts import lockout, otp
from anjian.accounts.administration import role_set_errors, validate_account
from anjian.accounts.models import Organization, User
from anjian.accounts.roles import RoleCode


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
        # With a second factor the login is complete only after the code: clearing the count here
        # would let someone who knows the password guess codes without ever being locked out.
        if not otp.has_second_factor(self.user_cache):
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


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, each message on its field where there is one."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class AccountForm(forms.Form):
    """A new account (system administrator). The fields are optional here so that every message,
    including a missing value, comes from ``validate_account``, as in the API and the import. The
    organisation is chosen by its (unique) name, which is also what the import file holds."""

    username = forms.CharField(
        label=_("账号"),
        max_length=150,
        required=False,
        help_text=_("登录名：字母、数字和 @ . + - _"),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "required": True}),
    )
    full_name = forms.CharField(
        label=_("姓名"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "required": True}),
    )
    organization = forms.ModelChoiceField(
        label=_("所属机构"),
        queryset=Organization.objects.all(),
        to_field_name="name",
        required=False,
        error_messages={"invalid_choice": _("机构“%(value)s”不存在。")},
        help_text=_("所属机构决定账号的数据范围；角色由安全管理员分配。"),
        widget=forms.Select(attrs={"class": "form-select", "required": True}),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    account: User | None = None  # the validated, unsaved account

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            account = validate_account(
                cleaned.get("username", ""),
                cleaned.get("full_name", ""),
                cleaned.get("organization"),
                cleaned.get("phone", ""),
            )
        except ValidationError as e:
            # A field that failed its own parsing (e.g. an unknown organisation) keeps that message.
            for name, messages in e.message_dict.items():
                if name not in self.errors:
                    self.add_error(name if name in self.fields else None, messages)
        else:
            if not self.errors:
                self.account = account
        return cleaned


class RoleAssignmentForm(forms.Form):
    """Roles and organisation (data scope) of one account (security administrator)."""

    roles = forms.MultipleChoiceField(
        label=_("角色"),
        choices=RoleCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("三员分立：系统管理员、安全管理员、安全审计员互斥，且不得与业务角色兼任。"),
    )
    organization = forms.ModelChoiceField(
        label=_("所属机构"),
        queryset=Organization.objects.all(),
        required=False,
        empty_label=_("（无）"),
        help_text=_("所属机构决定数据范围：管辖区域、监管行业或本企业。"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean_roles(self) -> list[str]:
        roles: list[str] = self.cleaned_data["roles"]
        if errors := role_set_errors(roles):
            raise ValidationError(errors)
        return roles
