"""Forms of major hazard sources: the unit (edit page and spreadsheet import) with an inline
formset of its substances (edit page only; blank rows to add, a box to remove, no script)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.accidents.forms import EnterpriseCodeField
from anjian.core.forms import preset
from anjian.core.scope import scope_for
from anjian.hazards import gb18218
from anjian.hazards.models import HazardUnit, HazardUnitSubstance

SUBSTANCES_PREFIX = "substances"


class SubstanceForm(forms.ModelForm[HazardUnitSubstance]):
    class Meta:
        model = HazardUnitSubstance
        fields = ["cas", "table1_row", "category", "name", "quantity_t"]
        widgets = {
            "cas": forms.TextInput(attrs={"placeholder": "7782-50-5"}),
            "category": forms.TextInput(attrs={"placeholder": "W5.2"}),
        }

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.errors or not self.has_changed() or data.get("DELETE"):
            return data
        item = gb18218.SubstanceInput(
            quantity_t=data.get("quantity_t"),
            cas=data.get("cas") or "",
            table1_row=data.get("table1_row"),
            category=data.get("category") or "",
            name=data.get("name") or "",
        )
        try:
            gb18218.resolve(item, gb18218.tables())
        except gb18218.AssessmentError as e:
            for name, messages in e.errors[0].items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data


SubstanceFormSet = forms.inlineformset_factory(
    HazardUnit, HazardUnitSubstance, form=SubstanceForm, extra=3, can_delete=True
)


class HazardUnitForm(forms.ModelForm[HazardUnit]):
    """The one validator of a unit row; on the edit page it also carries the substances."""

    enterprise = EnterpriseCodeField(
        label=_("企业（统一社会信用代码）"), help_text=_("企业名录中的统一社会信用代码")
    )

    class Meta:
        model = HazardUnit
        fields = ["enterprise", "name", "kind", "boundary", "exposed_people", "exposed_people_source"]
        widgets = {"boundary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_for(user) if user is not None else None
        if scope is not None and scope.enterprise_id is not None and not self.instance.pk:
            preset(self, enterprise=scope.enterprise_id)
        # The formset is bound only when the page sent it: imports and other callers leave the
        # stored substances alone.
        sent = self.data if self.is_bound and f"{SUBSTANCES_PREFIX}-TOTAL_FORMS" in self.data else None
        self.substances = SubstanceFormSet(sent, instance=self.instance, prefix=SUBSTANCES_PREFIX)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return (self.substances.is_valid() if self.substances.is_bound else True) and valid

    def save(self, commit: bool = True) -> HazardUnit:
        unit = super().save(commit=False)
        if self.substances.is_bound:
            kept: list[HazardUnitSubstance] = []
            removed: list[HazardUnitSubstance] = []
            for form in self.substances.forms:
                if form.cleaned_data.get("DELETE"):
                    if form.instance.pk:
                        removed.append(form.instance)
                elif form.instance.pk or form.has_changed():
                    kept.append(form.save(commit=False))
            unit.pending_substances = (kept, removed)
        if commit:
            raise NotImplementedError("units are saved through services.save_unit")
        return unit
