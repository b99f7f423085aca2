"""Forms of risk grading and control: the risk point (edit page and spreadsheet import), the site
plan upload, and a new version of a grading configuration."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accidents.choices import AccidentType
from anjian.accidents.forms import EnterpriseCodeField
from anjian.core.scope import scope_for
from anjian.enterprises.models import Enterprise
from anjian.industries.choices import Sector
from anjian.risks import grading
from anjian.risks.choices import RiskLevel, RiskMethod
from anjian.risks.models import RiskMethodConfig, RiskPoint, SitePlan, config_for, config_for_enterprise

_SEPARATORS = re.compile(r"[、,，;；/\s]+")


class AccidentTypesField(forms.MultipleChoiceField):
    """GB 6441 accident types as boxes on the page; in a spreadsheet cell, codes or Chinese names
    separated by 、 or commas (火灾、其他爆炸)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=AccidentType.choices, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return [code for code in value.split(",") if code] if isinstance(value, str) else value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, str):
            by_label = {str(label): code for code, label in AccidentType.choices}
            items = [part for part in _SEPARATORS.split(value.strip()) if part]
            return [by_label.get(item, item) for item in items]
        return super().to_python(value)


class RiskPointForm(forms.ModelForm[RiskPoint]):
    enterprise = EnterpriseCodeField(
        label=gettext_lazy("企业（统一社会信用代码）"), help_text=gettext_lazy("企业名录中的统一社会信用代码")
    )
    # Not required here: the model's clean() gives the one message for forms, the API and imports.
    accident_types = AccidentTypesField(
        required=False,
        label=gettext_lazy("可能导致的事故类型"),
        help_text=gettext_lazy("GB 6441 事故类别，可多选；导入时用“、”分隔"),
    )

    class Meta:
        model = RiskPoint
        fields = [
            "enterprise",
            "name",
            "location",
            "kind",
            "hazard_factor",
            "hazard_description",
            "accident_types",
            "method",
            "likelihood",
            "exposure",
            "severity",
            "measures_engineering",
            "measures_management",
            "measures_training",
            "measures_ppe",
            "measures_emergency",
            "responsible_level",
            "responsible_unit",
            "responsible_person",
            "plan_x",
            "plan_y",
            "review_date",
        ]
        widgets = {
            "measures_engineering": forms.Textarea(attrs={"rows": 2}),
            "measures_management": forms.Textarea(attrs={"rows": 2}),
            "measures_training": forms.Textarea(attrs={"rows": 2}),
            "measures_ppe": forms.Textarea(attrs={"rows": 2}),
            "measures_emergency": forms.Textarea(attrs={"rows": 2}),
            "review_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            _scope_enterprises(self, user)
        scope = scope_for(user) if user is not None else None
        if scope is not None and scope.enterprise_id is not None and not self.instance.pk:
            # The instance's own (empty) enterprise is already in ``initial``: replace it.
            self.initial["enterprise"] = self.initial.get("enterprise") or scope.enterprise_id

    def grading_tables(self) -> list[RiskMethodConfig]:
        """The configurations the point would be graded with (the enterprise's, else national)."""
        enterprise = self.instance.enterprise if self.instance.enterprise_id else None
        found = [
            config_for_enterprise(enterprise, method) if enterprise else config_for(method, None, None)
            for method in RiskMethod.values
        ]
        return [config for config in found if config is not None]

    def clean_accident_types(self) -> str:
        return ",".join(self.cleaned_data.get("accident_types") or [])


def _scope_enterprises(form: forms.BaseForm, user: Any) -> None:
    """An enterprise outside the user's scope answers like an unknown code."""
    field: Any = form.fields["enterprise"]
    field.queryset = Enterprise.objects.visible_to(user)
    field.error_messages["invalid_choice"] = gettext_lazy("您的管辖范围内没有该统一社会信用代码的企业。")


class SitePlanForm(forms.ModelForm[SitePlan]):
    class Meta:
        model = SitePlan
        fields = ["title", "image"]


def _rows_text(factor: grading.Factor) -> str:
    return "\n".join(f"{grading.format_number(value)} {label}" for value, label in factor.rows)


def _parse_rows(text: str, name: str) -> tuple[tuple[Decimal, str], ...]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        value, _sep, label = line.partition(" ")
        try:
            number_value = Decimal(value)
        except InvalidOperation:
            raise forms.ValidationError(
                _("%(name)s 第 %(n)d 行应以分值开头，如“6 相当可能”。") % {"name": name, "n": number}
            ) from None
        if not number_value.is_finite():
            raise forms.ValidationError(
                _("%(name)s 第 %(n)d 行的分值应为有限的数，不能是 NaN 或无穷大。")
                % {"name": name, "n": number}
            )
        rows.append((number_value, label.strip()))
    return tuple(rows)


class ConfigRevisionForm(forms.Form):
    """A new version of a configuration: the factor tables one row per line (``分值 含义``), and
    each colour's range with whether it includes its ends."""

    name = forms.CharField(label=gettext_lazy("配置名称"), max_length=100)
    sector = forms.ChoiceField(
        label=gettext_lazy("适用监管行业"),
        choices=[("", gettext_lazy("全部行业")), *Sector.choices],
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("修订说明"), max_length=200)

    def __init__(self, *args: Any, base: RiskMethodConfig, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base = base
        config = base.as_config()
        self.initial.setdefault("name", base.name)
        self.initial.setdefault("sector", base.sector)
        for factor in config.factors:
            self.fields[f"factor_{factor.code}"] = forms.CharField(
                label=factor.name, widget=forms.Textarea(attrs={"rows": 6}), initial=_rows_text(factor)
            )
        for band in config.bands:
            label = RiskLevel(band.level).label
            self.fields[f"{band.level}_lower"] = forms.DecimalField(
                label=_("%(level)s 下限") % {"level": label}, required=False, initial=band.lower
            )
            self.fields[f"{band.level}_lower_inclusive"] = forms.BooleanField(
                label=_("含下限"), required=False, initial=band.lower_inclusive
            )
            self.fields[f"{band.level}_upper"] = forms.DecimalField(
                label=_("%(level)s 上限") % {"level": label}, required=False, initial=band.upper
            )
            self.fields[f"{band.level}_upper_inclusive"] = forms.BooleanField(
                label=_("含上限"), required=False, initial=band.upper_inclusive
            )

    def band_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "level": level,
                "label": RiskLevel(level).label,
                "fields": [
                    self[f"{level}_{part}"]
                    for part in ("lower", "lower_inclusive", "upper", "upper_inclusive")
                ],
            }
            for level in grading.LEVELS
        ]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.errors:
            return data
        base = self.base.as_config()
        try:
            factors = tuple(
                grading.Factor(f.code, f.name, _parse_rows(data[f"factor_{f.code}"], f.name))
                for f in base.factors
            )
        except forms.ValidationError as e:
            raise forms.ValidationError(e.messages) from None
        bands = tuple(
            grading.Band(
                level,
                data.get(f"{level}_lower"),
                data.get(f"{level}_upper"),
                lower_inclusive=bool(data.get(f"{level}_lower_inclusive")),
                upper_inclusive=bool(data.get(f"{level}_upper_inclusive")),
            )
            for level in grading.LEVELS
        )
        config = grading.MethodConfig(base.method, factors, bands)
        try:
            grading.check_config(config)
        except grading.GradingError as e:
            raise forms.ValidationError([m for messages in e.errors.values() for m in messages]) from None
        data["config"] = config
        return data
