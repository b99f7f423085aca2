"""Pages beyond the generated ones: the statistics page (with drill-down, trend charts and XLSX in
the report layout), submitting a statistical table, one table as a spreadsheet, and the
regulator's submission status and upward summary."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from anjian.audit.events import EventType
from anjian.audit.services import record_event
from anjian.core.exports import XLSX
from anjian.core.scope import scope_for
from anjian.dangerstats import reports, services
from anjian.dangerstats.forms import StatisticsFilterForm, SummaryFilterForm
from anjian.dangerstats.models import (
    DangerStatReport,
    ReportPeriod,
    SubmissionStatus,
    current_report_period,
    report_deadline,
)
from anjian.dangerstats.stats import COLUMNS, DangerStatistics, danger_statistics, statistics_workbook


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def _unit_name(request: HttpRequest) -> str:
    organization = getattr(request.user, "organization", None)
    return organization.name if organization is not None else ""


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _chart(stats: DangerStatistics) -> dict[str, Any]:
    return {
        "labels": {"found": _("排查隐患"), "rectified": _("其中已整改"), "major": _("重大隐患")},
        "months": [row.name for row in stats.by_month],
        "found": [row.found for row in stats.by_month],
        "rectified": [row.rectified for row in stats.by_month],
        "major": [row.major_found for row in stats.by_month],
        "regions": [{"name": row.name, "found": row.found, "rate": row.rate} for row in stats.by_region],
    }


class StatisticsView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _require(request, "dangers.view_hiddendanger")
        form = StatisticsFilterForm(request.GET or None, user=request.user)
        today = timezone.localdate()
        if form.is_bound and not form.is_valid():
            messages.error(request, _("筛选条件有误，已按默认统计期（本年度）统计，请修改后重试。"))
        period = form.period(today)
        region = form.chosen_region()
        stats = danger_statistics(
            request.user, period, sector=form.chosen_sector(), region=region, today=today
        )
        if request.GET.get("export") == "xlsx":
            _require(request, "dangers.export_hiddendanger")
            record_event(
                EventType.EXPORT,
                request=request,
                details={
                    "model": "dangers.statistics",
                    "format": "xlsx",
                    "query": request.GET.urlencode()[:500],
                },
            )
            return _xlsx(statistics_workbook(stats, _unit_name(request)), "danger-statistics.xlsx")
        params = {k: v for k, v in request.GET.items() if k not in ("region", "export") and v}
        up = None
        if region is not None:
            # Up one level while that stays inside the user's own scope, else back to the top.
            parent, prefixes = region.parent, scope_for(request.user).regions
            inside = parent is not None and (
                prefixes is None or any(parent.prefix.startswith(p) for p in prefixes)
            )
            up = "?" + urlencode(params | ({"region": parent.code} if inside and parent else {}))
        context = {
            "form": form,
            "stats": stats,
            "columns": COLUMNS,
            "chart": _chart(stats),
            "query": urlencode(params),
            "export_query": urlencode(request.GET.dict() | {"export": "xlsx"}),
            "up": up,
            "can_export": request.user.has_perm("dangers.export_hiddendanger"),
        }
        return render(request, "dangerstats/statistics.html", context)


def _visible_report(request: HttpRequest, pk: int, action: str) -> DangerStatReport:
    _require(request, f"dangerstats.{action}_dangerstatreport")
    queryset = DangerStatReport.objects.visible_to(request.user).select_related("enterprise", "region")
    report: DangerStatReport = get_object_or_404(queryset, pk=pk)
    return report


class SubmitView(LoginRequiredMixin, View):
    """报送: the enterprise sends the table, signed by its principal person in charge."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = _visible_report(request, pk, "change")
        try:
            services.submit_report(report, user=request.user)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            if report.late:
                messages.warning(
                    request, _("已报送（已超过报送期限 %(d)s）。") % {"d": report.deadline.isoformat()}
                )
            else:
                messages.success(request, _("已报送。"))
        return redirect(report.get_absolute_url())


class RefreshView(LoginRequiredMixin, View):
    """重新统计: a draft's figures recounted from the enterprise's records."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = _visible_report(request, pk, "change")
        try:
            services.refresh_figures(report, user=request.user)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, _("已按本企业的隐患记录重新统计。"))
        return redirect(report.get_absolute_url())


class ReportWorkbookView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = _visible_report(request, pk, "export")
        record_event(
            EventType.EXPORT,
            request=request,
            details={"model": "dangerstats.dangerstatreport", "format": "xlsx", "rows": 1, "id": report.pk},
        )
        return _xlsx(
            reports.single_report_workbook(report), f"danger-stat-report-{report.year}-{report.period}.xlsx"
        )


def _summary_period(form: SummaryFilterForm) -> tuple[int, str]:
    year, period = current_report_period(timezone.localdate())
    if form.is_valid():
        if form.cleaned_data.get("year"):
            year = form.cleaned_data["year"]
        if form.cleaned_data.get("period"):
            period = form.cleaned_data["period"]
    return year, period


class SummaryView(LoginRequiredMixin, View):
    """The regulator's view of a period: which enterprises submitted, late or not at all, and the
    submitted tables summed by region (an enterprise user sees only its own line)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _require(request, "dangerstats.view_dangerstatreport")
        form = SummaryFilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            messages.error(request, _("筛选条件有误，已按最近一个统计期显示。"))
        year, period = _summary_period(form)
        today = timezone.localdate()
        deadline = report_deadline(year, period)
        summary = reports.report_summary(request.user, year, period, deadline)
        if request.GET.get("export") == "xlsx":
            _require(request, "dangerstats.export_dangerstatreport")
            record_event(
                EventType.EXPORT,
                request=request,
                details={"model": "dangerstats.summary", "format": "xlsx", "year": year, "period": period},
            )
            return _xlsx(
                reports.summary_workbook(summary, _unit_name(request)),
                f"danger-stat-summary-{year}-{period}.xlsx",
            )
        enterprises = reports.enterprises_with_status(request.user, year, period)
        status = form.cleaned_data.get("status", "") if form.is_valid() else ""
        enterprises = reports.filter_by_status(enterprises, status, deadline, today)
        page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
        rows = [(e, SubmissionStatus(reports.status_of(e, deadline, today))) for e in page.object_list]
        params = {"year": year, "period": period} | ({"status": status} if status else {})
        context = {
            "form": form,
            "summary": summary,
            "columns": reports.SUMMARY_COLUMNS,
            "rows": rows,
            "page": page,
            "deadline": deadline,
            "overdue": today > deadline,
            "period_label": f"{year}{_('年')}{ReportPeriod(period).label}",
            "query": urlencode(params),
            "export_query": urlencode(params | {"export": "xlsx"}),
            "can_export": request.user.has_perm("dangerstats.export_dangerstatreport"),
        }
        return render(request, "dangerstats/summary.html", context)
