from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.scope import scope_for
from anjian.core.uscc import normalize_uscc
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import may_override_uscc
from anjian.industries.choices import Sector, sector_scope_error
from anjian.industries.models import Industry
from anjian.regions.forms import RegionChoiceField


class EnterpriseForm(forms.ModelForm[Enterprise]):
    """The one validator of an enterprise row: the edit page and the spreadsheet import use it;
    the API serializer reaches the same model rules through the service."""

    region = RegionChoiceField(label=_("所在区县"), help_text=_("县级行政区划代码，如 110108"))
    industry = forms.ModelChoiceField(
        label=_("国民经济行业"),
        queryset=Industry.objects.filter(level="division"),
        required=False,
        to_field_name="code",
        error_messages={"invalid_choice": _("未知的国民经济行业大类代码。")},
    )

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "region",
            "sector",
            "industry",
            "address",
            "legal_representative",
            "contact_phone",
            "longitude",
            "latitude",
            "status",
            "legacy_reg_no",
            "uscc_override",
            "uscc_override_reason",
        ]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_for(user) if user is not None else None
        self.fields["region"].limit_to(scope)  # type: ignore[attr-defined]
        if scope is not None and scope.sectors is not None:
            self.fields["sector"].choices = [("", "---------")] + [  # type: ignore[attr-defined]
                (value, label) for value, label in Sector.choices if value in scope.sectors
            ]
        if self.instance.pk:
            # The code identifies the enterprise across nodes; it is corrected, not edited.
            self.fields["uscc"].disabled = True
        if user is not None and not may_override_uscc(user):
            # Accepting a code that fails the check is a regulator's reviewed decision.
            del self.fields["uscc_override"], self.fields["uscc_override_reason"]

    def clean_uscc(self) -> str:
        return normalize_uscc(self.cleaned_data["uscc"])

    def clean_sector(self) -> str:
        sector: str = self.cleaned_data["sector"]
        if error := sector_scope_error(getattr(self.fields["region"], "scope", None), sector):
            raise forms.ValidationError(error)
        return sector
