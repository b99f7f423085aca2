"""Forms of hidden dangers (edit page and spreadsheet import share one validator: the model's
``clean()`` through this form), supervision listings, progress reports, closure applications and
checklist items."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accidents.forms import EnterpriseCodeField
from anjian.accounts.models import User
from anjian.core.forms import preset
from anjian.core.scope import scope_for
from anjian.dangers.models import (
    ChecklistItem,
    DangerStatus,
    HiddenDanger,
    ListingStatus,
    SupervisionListing,
)
from anjian.enterprises.models import Enterprise

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = {"rows": 3}


class ChecklistItemField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A checklist item chosen from the list, or given by its code in a spreadsheet (``HC-04``):
    the newest active edition of that code."""

    def label_from_instance(self, obj: Any) -> str:
        return f"[{obj.get_sector_display()}] {obj.code} {obj.title[:60]}"

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text:
            return None
        if not text.isdigit():
            code = text.split()[0]
            item = self.queryset.filter(code=code).order_by("-edition").first()  # type: ignore[union-attr]
            if item is None:
                raise forms.ValidationError(
                    _("排查清单中没有编号为“%(code)s”的启用条目。"), params={"code": code}
                )
            return item
        return super().to_python(value)


class UsernameField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": _("用户名")}))
        super().__init__(
            queryset=User.objects.all(),
            to_field_name="username",
            error_messages={"invalid_choice": _("您的管辖范围内没有该用户名的账号。")},
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return User.objects.filter(pk=value).values_list("username", flat=True).first() or value
        return super().prepare_value(value)


class HiddenDangerForm(forms.ModelForm[HiddenDanger]):
    enterprise = EnterpriseCodeField(
        label=_("企业（统一社会信用代码）"), help_text=_("监管部门检查发现的隐患：填写被检查企业的代码")
    )
    category = ChecklistItemField(
        label=_("隐患类别（排查清单条目）"),
        queryset=ChecklistItem.objects.filter(active=True),
        required=False,
        help_text=_("选择重大事故隐患判定标准的条目，隐患即为重大隐患"),
    )
    responsible_user = UsernameField(
        label=_("整改责任人账号"), required=False, help_text=_("接收整改期限提醒的账号（用户名）")
    )

    class Meta:
        model = HiddenDanger
        fields = [
            "enterprise",
            "place",
            "description",
            "category",
            "level",
            "source",
            "complaint_reference",
            "found_by",
            "found_at",
            "deadline",
            "responsible_person",
            "responsible_user",
            "measures",
            "funds",
            "interim_safeguards",
            "current_state",
            "harm_analysis",
            "plan_targets",
            "plan_methods",
            "plan_funding",
            "plan_organisation",
            "plan_time_limits",
            "plan_safety_measures",
        ]
        widgets = {
            "found_at": DATE_INPUT,
            "deadline": DATE_INPUT,
            "description": forms.Textarea(attrs=TEXTAREA),
            "measures": forms.Textarea(attrs=TEXTAREA),
            "interim_safeguards": forms.Textarea(attrs=TEXTAREA),
            "current_state": forms.Textarea(attrs=TEXTAREA),
            "harm_analysis": forms.Textarea(attrs=TEXTAREA),
            "plan_targets": forms.Textarea(attrs=TEXTAREA),
            "plan_methods": forms.Textarea(attrs=TEXTAREA),
            "plan_funding": forms.Textarea(attrs=TEXTAREA),
            "plan_organisation": forms.Textarea(attrs=TEXTAREA),
            "plan_time_limits": forms.Textarea(attrs=TEXTAREA),
            "plan_safety_measures": forms.Textarea(attrs=TEXTAREA),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        enterprise_field: Any = self.fields["enterprise"]
        responsible_field: Any = self.fields["responsible_user"]
        if user is not None:
            # An inspector picks an enterprise in scope; an enterprise user only its own.
            enterprise_field.queryset = Enterprise.objects.visible_to(user)
            responsible_field.queryset = responsible_candidates(user)
            scope = scope_for(user)
            if scope.enterprise_id is not None and not self.instance.pk:
                preset(self, enterprise=scope.enterprise_id, source="self_check")
            elif not self.instance.pk:
                preset(self, source="inspection")
        if not self.instance.pk:
            preset(self, found_at=timezone.localdate())


def responsible_candidates(user: Any) -> QuerySet[User]:
    """Accounts that may be named responsible: an enterprise user picks among its own
    enterprise's accounts; a regulator among the accounts in its scope (``HiddenDanger.clean()``
    then requires the danger's enterprise or a regulator covering it)."""
    scope = scope_for(user)
    if scope.enterprise_id is not None:
        own: QuerySet[User] = User.objects.filter(organization__enterprise_id=scope.enterprise_id)
        return own
    visible: QuerySet[User] = User.objects.visible_to(user)
    return visible


class SupervisionListingForm(forms.ModelForm[SupervisionListing]):
    class Meta:
        model = SupervisionListing
        fields = ["danger", "document_no", "listed_at", "deadline", "requirements"]
        widgets = {
            "listed_at": DATE_INPUT,
            "deadline": DATE_INPUT,
            "requirements": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        danger_field: Any = self.fields["danger"]
        danger_field.queryset = listable_dangers(user, self.instance)
        danger_field.label_from_instance = lambda d: f"{d.enterprise.name}｜{d}"
        danger_field.error_messages["invalid_choice"] = _(
            "只能挂牌督办您管辖范围内、尚未销号且未在督办中的重大隐患。"
        )
        if self.instance.pk:
            danger_field.disabled = True
        else:
            preset(self, listed_at=timezone.localdate())


def listable_dangers(user: Any, instance: SupervisionListing | None = None) -> QuerySet[HiddenDanger]:
    dangers = HiddenDanger.objects.select_related("enterprise")
    if user is not None:
        dangers = dangers.visible_to(user)
    if instance is not None and instance.pk:
        return dangers.filter(pk=instance.danger_id)
    return (
        dangers.filter(level="major")
        .exclude(status=DangerStatus.CLOSED)
        .exclude(listings__status__in=[ListingStatus.LISTED, ListingStatus.CLOSURE_APPLIED])
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    content = forms.CharField(label=_("整改进展"), widget=forms.Textarea(attrs=TEXTAREA))


class ClosureApplicationForm(forms.Form):
    note = forms.CharField(label=_("整改完成情况说明"), widget=forms.Textarea(attrs=TEXTAREA))
    evidence = MultipleFileField(label=_("整改完成照片或证明材料"), required=False)


class ChecklistItemForm(forms.ModelForm[ChecklistItem]):
    class Meta:
        model = ChecklistItem
        fields = ["sector", "code", "title", "major_criterion", "standard", "edition"]
