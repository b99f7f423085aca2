"""The regulator's page of a duty and period: who submitted, who is late, who never submitted,
within the caller's scope; filters, export, and reminders (in-app notices) to the enterprises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_tables2 import RequestConfig

from anjian.audit.events import EventType
from anjian.audit.services import record_event
from anjian.core.exports import xlsx_response
from anjian.enterprises.models import Enterprise
from anjian.industries.choices import Sector
from anjian.obligations import services
from anjian.obligations.models import ReportingDuty
from anjian.obligations.periods import Period, current_period, period_from_label, recent_periods
from anjian.obligations.status import SubmissionStatus, enterprise_status, status_counts
from anjian.obligations.tables import EnterpriseStatusTable
from anjian.regions.models import Region

VIEW_PERM = "obligations.view_dutysubmission"


class StatusFilterForm(forms.Form):
    duty = forms.ModelChoiceField(
        label=gettext_lazy("报送义务"),
        queryset=ReportingDuty.objects.filter(active=True),
        to_field_name="code",
        required=False,
    )
    period = forms.CharField(
        label=gettext_lazy("报送期"), required=False, help_text=gettext_lazy("如 2026Q3；留空为当前报送期")
    )
    region = forms.CharField(
        label=gettext_lazy("所在区域"), required=False, help_text=gettext_lazy("区划代码，含下级")
    )
    sector = forms.ChoiceField(
        label=gettext_lazy("监管行业"), choices=[("", "---------"), *Sector.choices], required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("报送状态"), choices=[("", "---------"), *SubmissionStatus.choices], required=False
    )


@dataclass
class Selection:
    duty: ReportingDuty | None
    period: Period | None
    rows: QuerySet[Any]
    unfiltered_status: QuerySet[Any]


def select(user: Any, data: QueryDict) -> tuple[StatusFilterForm, Selection]:
    form = StatusFilterForm(data)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    duty = cleaned.get("duty") or ReportingDuty.objects.filter(active=True).first()
    empty = Enterprise.objects.none()
    if duty is None:
        return form, Selection(None, None, empty, empty)
    today = timezone.localdate()
    label = (cleaned.get("period") or "").strip().upper()
    period = (
        period_from_label(duty.rule, label)
        if label and not duty.rule.rolling
        else current_period(duty.rule, today)
    )
    if period is None:
        form.add_error("period", _("报送期格式应为 2026Q3（季度）或 2026（年度）。"))
        return form, Selection(duty, None, empty, empty)
    enterprises = Enterprise.objects.visible_to(user)
    if region := (cleaned.get("region") or "").strip():
        found = Region.objects.filter(code=region).first()
        enterprises = (
            enterprises.filter(region__code__startswith=found.prefix) if found else enterprises.none()
        )
    if sector := cleaned.get("sector"):
        enterprises = enterprises.filter(sector=sector)
    annotated = enterprise_status(duty, period, enterprises.select_related("region"), today)
    rows = annotated.filter(duty_status=cleaned["status"]) if cleaned.get("status") else annotated
    return form, Selection(duty, period, rows, annotated)


class DutyStatusView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(VIEW_PERM):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        form, selection = select(request.user, request.GET)
        table = EnterpriseStatusTable(selection.rows.order_by("region_id", "name"))
        if request.GET.get("export") == "xlsx":
            return self.export(request, table, selection)
        RequestConfig(request, paginate={"per_page": 25}).configure(table)
        duties = ReportingDuty.objects.filter(active=True)
        periods = recent_periods(selection.duty.rule, timezone.localdate()) if selection.duty else []
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "table": table,
            "duty": selection.duty,
            "duties": duties,
            "period": selection.period,
            "periods": periods,
            "counts": status_counts(selection.unfiltered_status) if selection.period else {},
            "statuses": SubmissionStatus,
            "querystring": query.urlencode(),
            "can_remind": services.is_regulator(request.user),
        }
        return render(request, "obligations/duty_status.html", context)

    def export(
        self, request: HttpRequest, table: EnterpriseStatusTable, selection: Selection
    ) -> HttpResponse:
        if not request.user.has_perm("obligations.export_dutysubmission"):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        record_event(
            EventType.EXPORT,
            request=request,
            details={
                "model": "obligations.dutystatus",
                "format": "xlsx",
                "rows": len(table.rows),
                "query": request.GET.urlencode()[:500],
            },
        )
        code = selection.duty.code if selection.duty else "none"
        label = selection.period.label if selection.period else ""
        return xlsx_response(table, f"duty-status-{code}-{label}.xlsx")


class RemindView(LoginRequiredMixin, View):
    """POST: an in-app reminder to the users of each listed enterprise that has not submitted."""

    def post(self, request: HttpRequest) -> HttpResponse:
        if not services.is_regulator(request.user):
            raise PermissionDenied(_("只有监管部门可以发送催报提醒。"))
        _form, selection = select(request.user, request.POST)
        back = f"{reverse('obligations:status')}?{request.POST.get('querystring', '')}"
        if selection.duty is None or selection.period is None:
            messages.error(request, _("请选择报送义务和报送期。"))
            return redirect(back)
        enterprises = selection.rows.values_list("pk", flat=True)
        sent = services.remind_unsubmitted(
            selection.duty,
            selection.period,
            Enterprise.objects.filter(pk__in=list(enterprises)),
            timezone.localdate(),
        )
        messages.success(request, _("已发送 %(n)d 条催报通知（已提醒过的企业不再重复发送）。") % {"n": sent})
        return redirect(back)
