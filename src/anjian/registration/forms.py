from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.accounts.administration import PHONE
from anjian.core.uscc import normalize_uscc
from anjian.regions.forms import RegionChoiceField
from anjian.registration.models import EnterpriseRegistration
from anjian.registration.services import registration_conflicts


class RegistrationForm(forms.ModelForm[EnterpriseRegistration]):
    """The public application form: no scope (anyone may apply for any county); the model and the
    enterprise registry validate the code, the service refuses duplicates."""

    region = RegionChoiceField(label=_("所在区县"), help_text=_("县级行政区划代码，如 130121"))

    class Meta:
        model = EnterpriseRegistration
        fields = ["uscc", "name", "region", "sector", "contact_name", "contact_phone", "username", "licence"]
        widgets = {"licence": forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(None)  # type: ignore[attr-defined]

    def clean_uscc(self) -> str:
        return normalize_uscc(self.cleaned_data["uscc"])

    def clean_contact_phone(self) -> str:
        phone: str = self.cleaned_data["contact_phone"].strip()
        if not PHONE.match(phone):
            raise forms.ValidationError(_("联系电话只能包含数字、空格和 + - ( )。"))
        return phone

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip()

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        conflicts = registration_conflicts(data.get("uscc") or "", data.get("username") or "")
        for name, messages in conflicts.items():
            if name not in self.errors:
                for message in messages:
                    self.add_error(name, message)
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("驳回理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("驳回申请时必须填写理由。")},
    )


class StatusQueryForm(forms.Form):
    number = forms.CharField(label=_("受理编号"), max_length=20)

    def clean_number(self) -> str:
        return str(self.cleaned_data["number"]).strip().upper()
