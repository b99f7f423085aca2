from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.scope import scope_for
from anjian.core.uscc import normalize_uscc
from anjian.enterprises.models import (
    EmergencyDrill,
    EmergencyPlan,
    EmergencyResource,
    Enterprise,
    Licence,
    OccupationalHealth,
    SafetyPerson,
    StandardisationGrade,
    TrainingRecord,
)
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


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EnterpriseUSCCField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An enterprise by its unified social credit code, among the enterprises the user can see."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "91110108…"}))
        super().__init__(
            queryset=Enterprise.objects.all(),
            to_field_name="uscc",
            error_messages={
                "invalid_choice": _("企业名录中没有该统一社会信用代码的企业，或该企业不在您的管辖范围内。")
            },
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return Enterprise.objects.filter(pk=value).values_list("uscc", flat=True).first() or value
        return super().prepare_value(value)

    def to_python(self, value: Any) -> Any:
        return super().to_python(normalize_uscc(value) if isinstance(value, str) else value)


class EnterpriseRecordForm(forms.ModelForm[Any]):
    """Base form of the profile records (edit page and spreadsheet import). An enterprise user
    files for its own enterprise only; a regulator picks any enterprise within their scope."""

    enterprise = EnterpriseUSCCField(
        label=_("企业（统一社会信用代码）"), help_text=_("企业名录中的统一社会信用代码")
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is None:
            return
        field = self.fields["enterprise"]
        field.queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]
        own = scope_for(user).enterprise_id
        if own is not None and not self.instance.pk and not self.initial.get("enterprise"):
            self.initial["enterprise"] = own


class LicenceForm(EnterpriseRecordForm):
    class Meta:
        model = Licence
        fields = ["enterprise", "kind", "number", "issuer", "valid_from", "valid_to", "licensed_scope"]
        widgets = {
            "valid_from": DATE_INPUT,
            "valid_to": DATE_INPUT,
            "licensed_scope": forms.Textarea(attrs={"rows": 3}),
        }


class StandardisationGradeForm(EnterpriseRecordForm):
    class Meta:
        model = StandardisationGrade
        fields = ["enterprise", "grade", "certificate_number", "valid_until"]
        widgets = {"valid_until": DATE_INPUT}


class SafetyPersonForm(EnterpriseRecordForm):
    class Meta:
        model = SafetyPerson
        fields = [
            "enterprise",
            "name",
            "role",
            "id_number",
            "certificate_kind",
            "certificate_number",
            "valid_to",
        ]
        widgets = {"valid_to": DATE_INPUT}


class TrainingRecordForm(EnterpriseRecordForm):
    class Meta:
        model = TrainingRecord
        fields = ["enterprise", "course", "hours", "people", "held_on"]
        widgets = {"held_on": DATE_INPUT}


class OccupationalHealthForm(EnterpriseRecordForm):
    class Meta:
        model = OccupationalHealth
        fields = ["enterprise", "hazard_factor", "exposed_workers", "last_monitored_on", "result", "note"]
        widgets = {"last_monitored_on": DATE_INPUT, "note": forms.Textarea(attrs={"rows": 3})}


class EmergencyPlanForm(EnterpriseRecordForm):
    class Meta:
        model = EmergencyPlan
        fields = ["enterprise", "title", "level", "filed_with", "revised_on", "file"]
        widgets = {"revised_on": DATE_INPUT}


class EmergencyResourceForm(EnterpriseRecordForm):
    class Meta:
        model = EmergencyResource
        fields = ["enterprise", "kind", "name", "quantity", "unit", "location"]


class EmergencyDrillForm(EnterpriseRecordForm):
    class Meta:
        model = EmergencyDrill
        fields = ["enterprise", "held_on", "scenario", "participants", "evaluation"]
        widgets = {"held_on": DATE_INPUT, "evaluation": forms.Textarea(attrs={"rows": 3})}
