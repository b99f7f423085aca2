"""Forms: the statistical table (edit page and spreadsheet import) and the statistics filters."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accidents.forms import EnterpriseCodeField
from anjian.core.forms import preset
from anjian.core.scope import scope_for
from anjian.dangerstats.models import DangerStatReport, ReportPeriod, current_report_period
from anjian.dangerstats.stats import Period, custom_period, month_period, quarter_period, year_period
from anjian.enterprises.models import Enterprise
from anjian.industries.choices import Sector
from anjian.regions.models import Region

# A custom range longer than this is refused: the trend chart has one point per month.
MAX_CUSTOM_DAYS = 366 * 10
# Dates of a custom period are limited to these years (a far-off date would overflow the
# period arithmetic).
MIN_YEAR, MAX_YEAR = 2000, 2100


class DangerStatReportForm(forms.ModelForm[DangerStatReport]):
    enterprise = EnterpriseCodeField(
        label=_("企业（统一社会信用代码）"), help_text=_("企业名录中的统一社会信用代码")
    )

    class Meta:
        model = DangerStatReport
        fields = [
            "enterprise",
            "year",
            "period",
            "general_found",
            "general_rectified",
            "major_found",
            "major_rectified",
            "overdue",
            "listed",
            "funds",
            "note",
            "principal",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_for(user) if user is not None else None
        if user is not None:
            # An enterprise outside the user's scope answers like an unknown code.
            field: Any = self.fields["enterprise"]
            field.queryset = Enterprise.objects.visible_to(user)
            field.error_messages["invalid_choice"] = _("您的管辖范围内没有该统一社会信用代码的企业。")
        if not self.instance.pk:
            if scope is not None and scope.enterprise_id is not None:
                preset(self, enterprise=scope.enterprise_id)
            year, period = current_report_period(timezone.localdate())
            preset(self, year=year, period=period)


PERIOD_KINDS = (
    ("year", _("年度")),
    ("quarter", _("季度")),
    ("month", _("月份")),
    ("custom", _("自定义")),
)


class StatisticsFilterForm(forms.Form):
    """The statistics page's filters; invalid input is reported and the default period is used."""

    kind = forms.ChoiceField(label=_("统计期"), choices=PERIOD_KINDS, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2008, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        choices=[("", "—"), *((q, _("第%(q)d季度") % {"q": q}) for q in range(1, 5))],
        coerce=int,
        required=False,
    )
    month = forms.TypedChoiceField(
        label=_("月份"),
        choices=[("", "—"), *((m, _("%(m)d月") % {"m": m}) for m in range(1, 13))],
        coerce=int,
        required=False,
    )
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sector = forms.ChoiceField(
        label=_("监管行业"), choices=[("", _("全部行业")), *Sector.choices], required=False
    )
    region = forms.CharField(label=_("地区"), max_length=6, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.chosen: Region | None = None
        self.initial.setdefault("year", timezone.localdate().year)
        _style(self)

    def clean_region(self) -> str:
        code: str = (self.cleaned_data.get("region") or "").strip()
        if not code:
            return ""
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("没有区划代码为 %(code)s 的行政区划。") % {"code": code})
        if not scope_for(self.user).covers_region(region.code):
            raise forms.ValidationError(_("%(name)s 不在您的管辖范围内。") % {"name": region.name})
        self.chosen = region
        return code

    def _clean_date(self, name: str) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get(name)
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise forms.ValidationError(
                _("日期须在 %(min)d 年至 %(max)d 年之间。") % {"min": MIN_YEAR, "max": MAX_YEAR}
            )
        return value

    def clean_start(self) -> datetime.date | None:
        return self._clean_date("start")

    def clean_end(self) -> datetime.date | None:
        return self._clean_date("end")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        kind = data.get("kind") or "year"
        if kind == "quarter" and not data.get("quarter"):
            self.add_error("quarter", _("按季度统计时请选择季度。"))
        if kind == "month" and not data.get("month"):
            self.add_error("month", _("按月份统计时请选择月份。"))
        if kind == "custom":
            start, end = data.get("start"), data.get("end")
            if start is None:
                self.add_error("start", _("自定义统计期须填写起始日期。"))
            if end is None:
                self.add_error("end", _("自定义统计期须填写截止日期。"))
            if start and end and end < start:
                self.add_error("end", _("截止日期不能早于起始日期。"))
            if start and end and (end - start).days > MAX_CUSTOM_DAYS:
                self.add_error("end", _("自定义统计期不能超过 10 年。"))
        return data

    def period(self, today: datetime.date) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        kind = data.get("kind") or "year"
        year = data.get("year") or today.year
        if kind == "quarter" and data.get("quarter"):
            return quarter_period(year, data["quarter"])
        if kind == "month" and data.get("month"):
            return month_period(year, data["month"])
        if kind == "custom" and data.get("start") and data.get("end"):
            return custom_period(data["start"], data["end"])
        return year_period(year)

    def chosen_sector(self) -> str:
        return str(self.cleaned_data.get("sector") or "") if self.is_valid() else ""

    def chosen_region(self) -> Region | None:
        return self.chosen if self.is_valid() else None


class SummaryFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2008, max_value=2100, required=False)
    period = forms.ChoiceField(label=_("统计期"), choices=ReportPeriod.choices, required=False)
    status = forms.ChoiceField(label=_("报送状态"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from anjian.dangerstats.models import SubmissionStatus

        super().__init__(*args, **kwargs)
        choices = [(s.value, s.label) for s in SubmissionStatus if s != SubmissionStatus.DRAFT]
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("全部")), *choices]
        _style(self)


def _style(form: forms.Form) -> None:
    for bound in form.fields.values():
        css = "form-select" if isinstance(bound.widget, forms.Select) else "form-control"
        bound.widget.attrs.setdefault("class", css)
