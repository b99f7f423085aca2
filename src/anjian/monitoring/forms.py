"""Forms of monitoring: a point (edit page and spreadsheet import), alarm handling."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.accidents.forms import EnterpriseCodeField
from anjian.core.scope import scope_for
from anjian.hazards.models import HazardUnit
from anjian.monitoring.models import Alarm, MonitoringPoint


class MonitoringPointForm(forms.ModelForm[MonitoringPoint]):
    """The one validator of a point row (the model's clean() holds the threshold rules)."""

    enterprise = EnterpriseCodeField(
        label=_("企业（统一社会信用代码）"), help_text=_("企业名录中的统一社会信用代码")
    )

    class Meta:
        model = MonitoringPoint
        fields = [
            "enterprise",
            "hazard_unit",
            "code",
            "name",
            "point_type",
            "unit",
            "range_low",
            "range_high",
            "location",
            "placement",
            "low_low",
            "low",
            "high",
            "high_high",
            "hysteresis",
            "alarm_at",
            "power_off_at",
            "restore_at",
            "rate_limit",
            "threshold_basis",
            "cycle_s",
            "active",
        ]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_for(user) if user is not None else None
        if scope is not None and scope.enterprise_id is not None and not self.instance.pk:
            self.initial.setdefault("enterprise", scope.enterprise_id)
        units: Any = self.fields["hazard_unit"]
        units.queryset = HazardUnit.objects.visible_to(user) if user is not None else HazardUnit.objects.all()

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        unit = data.get("hazard_unit")
        enterprise = data.get("enterprise")
        if unit is not None and enterprise is not None and unit.enterprise_id != enterprise.pk:
            self.add_error("hazard_unit", _("重大危险源单元不属于该企业。"))
        return data


class HandleAlarmForm(forms.ModelForm[Alarm]):
    class Meta:
        model = Alarm
        fields = ["cause", "measures"]
        widgets = {"cause": forms.Textarea(attrs={"rows": 3}), "measures": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("cause", "measures"):
            self.fields[name].required = True
