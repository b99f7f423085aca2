"""Forms of accident reporting: the one validator of a report row (edit page and spreadsheet
import), the supplementary report, and the investigation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accidents.models import CASUALTY_FIELDS, NOT_NEGATIVE, AccidentReport, Investigation
from anjian.accidents.services import filer_error
from anjian.core.forms import preset
from anjian.core.scope import scope_for
from anjian.enterprises.models import Enterprise
from anjian.industries.choices import sector_scope_error
from anjian.industries.models import Industry
from anjian.regions.forms import RegionChoiceField

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EnterpriseCodeField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An enterprise of the registry by its unified social credit code (a text box, not a list)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "91110108…"}))
        super().__init__(
            queryset=Enterprise.objects.all(),
            to_field_name="uscc",
            error_messages={"invalid_choice": gettext_lazy("企业名录中没有该统一社会信用代码的企业。")},
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return Enterprise.objects.filter(pk=value).values_list("uscc", flat=True).first() or value
        return super().prepare_value(value)


class AccidentReportForm(forms.ModelForm[AccidentReport]):
    enterprise = EnterpriseCodeField(
        label=gettext_lazy("事故单位（统一社会信用代码）"),
        required=False,
        help_text=gettext_lazy("企业名录中的企业；未登记的单位留空并填写单位名称"),
    )
    region = RegionChoiceField(
        label=gettext_lazy("事故发生地（区县）"), help_text=gettext_lazy("县级行政区划代码，如 130121")
    )
    industry = forms.ModelChoiceField(
        label=gettext_lazy("国民经济行业"),
        queryset=Industry.objects.filter(level="division"),
        required=False,
        to_field_name="code",
        error_messages={"invalid_choice": gettext_lazy("未知的国民经济行业大类代码。")},
    )

    class Meta:
        model = AccidentReport
        fields = [
            "enterprise",
            "unit_name",
            "sector",
            "industry",
            "region",
            "occurred_at",
            "place",
            "accident_type",
            "course",
            "deaths",
            "missing",
            "serious_injuries",
            "minor_injuries",
            "direct_loss_yuan",
            "measures",
            "reporter",
            "reporter_phone",
        ]
        widgets = {"occurred_at": DATETIME_INPUT, "course": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        scope = scope_for(user) if user is not None else None
        self.fields["region"].limit_to(scope)  # type: ignore[attr-defined]
        if scope is not None and scope.enterprise_id is None:
            # Regulators pick only enterprises they may see: a code outside the scope reads as
            # unknown. (An enterprise user gets the precise "only your own unit" message instead.)
            self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]
        if scope is not None and scope.enterprise_id is not None and not self.instance.pk:
            preset(self, enterprise=scope.enterprise_id)
        occurred: Any = self.fields["occurred_at"]
        occurred.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.fields["measures"].widget.attrs["rows"] = 3
        if self.instance.pk:
            # Casualties and loss change only through a supplementary report, which keeps versions.
            for name in CASUALTY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("请通过“续报/补报”修改")

    def clean_enterprise(self) -> Enterprise | None:
        enterprise: Enterprise | None = self.cleaned_data.get("enterprise")
        probe = AccidentReport(enterprise=enterprise)
        if error := filer_error(probe, self.user):
            raise forms.ValidationError(error)
        return enterprise

    def clean_sector(self) -> str:
        sector: str = self.cleaned_data["sector"]
        if sector and (error := sector_scope_error(getattr(self.fields["region"], "scope", None), sector)):
            raise forms.ValidationError(error)
        return sector


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, required=True, error_messages={"min_value": NOT_NEGATIVE}
    )


class SupplementForm(forms.Form):
    """A supplementary report: the figures as they are now, what happened, and why a count fell."""

    deaths = _count_field(gettext_lazy("死亡人数"))
    missing = _count_field(gettext_lazy("下落不明人数"))
    serious_injuries = _count_field(gettext_lazy("重伤人数（含急性工业中毒）"))
    minor_injuries = _count_field(gettext_lazy("轻伤人数"))
    direct_loss_yuan = forms.DecimalField(
        label=gettext_lazy("直接经济损失（元）"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        error_messages={"min_value": gettext_lazy("直接经济损失不能为负数。")},
        help_text=gettext_lazy("不清楚时留空"),
    )
    note = forms.CharField(
        label=gettext_lazy("进展情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("变更原因"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("死亡人数减少时必须填写（如经核实重复统计、失踪人员获救）"),
    )

    @classmethod
    def for_report(cls, report: AccidentReport, data: Any = None) -> SupplementForm:
        return cls(data, initial=report.figures())

    def figures(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CASUALTY_FIELDS}


class InvestigationForm(forms.ModelForm[Investigation]):
    report = forms.ModelChoiceField(label=gettext_lazy("事故"), queryset=AccidentReport.objects.none())

    class Meta:
        model = Investigation
        fields = [
            "report",
            "organized_by",
            "team_leader",
            "team_members",
            "extension_days",
            "extension_reason",
            "appraisal_days",
            "findings",
            "responsibility",
            "rectification",
            "report_file",
            "submitted_on",
            "status",
            "published",
        ]
        widgets = {
            "team_members": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "responsibility": forms.Textarea(attrs={"rows": 4}),
            "rectification": forms.Textarea(attrs={"rows": 4}),
            "submitted_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reports: QuerySet[AccidentReport] = AccidentReport.objects.select_related("enterprise")
        if user is not None:
            reports = AccidentReport.objects.visible_to(user).select_related("enterprise")
        field: Any = self.fields["report"]
        field.queryset = reports
        if self.instance.pk:
            field.disabled = True
