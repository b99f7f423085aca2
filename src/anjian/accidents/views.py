"""Pages beyond the generated ones: supplementary report, receipt confirmation, statistics and
the case library."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from anjian.accidents import services
from anjian.accidents.choices import AccidentGrade, AccidentType, InvestigationStatus
from anjian.accidents.forms import SupplementForm
from anjian.accidents.models import AccidentReport, Investigation, ReportStep
from anjian.accidents.stats import accident_statistics, statistics_workbook
from anjian.audit.events import EventType
from anjian.audit.services import record_event
from anjian.core.views import _add_errors


def _visible_report(request: HttpRequest, pk: int, action: str = "view") -> AccidentReport:
    if not request.user.has_perm(f"accidents.{action}_accidentreport"):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    queryset = AccidentReport.objects.visible_to(request.user).select_related("region", "enterprise")
    report: AccidentReport = get_object_or_404(queryset, pk=pk)
    return report


class SupplementView(LoginRequiredMixin, View):
    """续报/补报: casualties as they are now; a new immutable version."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = _visible_report(request, pk, "change")
        return self.page(request, report, SupplementForm.for_report(report))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = _visible_report(request, pk, "change")
        form = SupplementForm.for_report(report, request.POST)
        if form.is_valid():
            try:
                revision = services.file_supplement(
                    report,
                    user=request.user,
                    figures=form.figures(),
                    note=form.cleaned_data["note"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as e:
                _add_errors(form, e)
            else:
                messages.success(request, _("已提交第 %(n)d 版（续报/补报）。") % {"n": revision.number})
                return redirect(report.get_absolute_url())
        return self.page(request, report, form, status=400)

    def page(
        self, request: HttpRequest, report: AccidentReport, form: Any, status: int = 200
    ) -> HttpResponse:
        context = {"object": report, "form": form, "deadline": report.supplement_deadline()}
        return render(request, "accidents/supplement.html", context, status=status)


class ReceiveView(LoginRequiredMixin, View):
    """A department confirms it has received the report at its level."""

    def post(self, request: HttpRequest, pk: int, level: str) -> HttpResponse:
        report = _visible_report(request, pk)
        step = ReportStep.objects.filter(report=report, level=level).first()
        if step is None:
            raise Http404
        try:
            services.confirm_receipt(step, user=request.user)
        except PermissionDenied as e:
            messages.error(request, str(e))
        except ValidationError as e:
            messages.warning(request, "；".join(e.messages))
        else:
            messages.success(request, _("已确认接收。"))
        return redirect(report.get_absolute_url())


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


class StatisticsView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("accidents.view_accidentreport"):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        year = _year(request)
        stats = accident_statistics(request.user, year)
        if request.GET.get("export") == "xlsx":
            if not request.user.has_perm("accidents.export_accidentreport"):
                raise PermissionDenied(_("您没有执行此操作的权限。"))
            record_event(
                EventType.EXPORT,
                request=request,
                details={"model": "accidents.statistics", "format": "xlsx", "year": year},
            )
            response = HttpResponse(
                statistics_workbook(stats),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="accident-statistics-{year}.xlsx"'
            return response
        chart = {
            "labels": {"this_year": _("本年"), "last_year": _("上年同期")},
            "months": [row.name for row in stats["by_month"]],
            "this_year": [row.accidents for row in stats["by_month"]],
            "last_year": [row.last_accidents for row in stats["by_month"]],
            "grades": [{"name": row.name, "value": row.accidents} for row in stats["by_grade"]],
        }
        years = list(range(timezone.localdate().year, timezone.localdate().year - 6, -1))
        context = {"stats": stats, "year": year, "years": years, "chart": chart}
        return render(request, "accidents/statistics.html", context)


class CaseLibraryView(LoginRequiredMixin, View):
    """Closed investigations as cases: searchable by text, grade and accident type."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("accidents.view_investigation"):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        cases = (
            Investigation.objects.visible_to(request.user)
            .filter(status=InvestigationStatus.CLOSED)
            .select_related("report__region__parent", "report__enterprise")
            .order_by("-report__occurred_at")
        )
        q = request.GET.get("q", "").strip()
        if q:
            cases = cases.filter(
                Q(report__unit_name__icontains=q)
                | Q(report__course__icontains=q)
                | Q(findings__icontains=q)
                | Q(responsibility__icontains=q)
                | Q(rectification__icontains=q)
            )
        grade = request.GET.get("grade", "")
        if grade in AccidentGrade.values:
            cases = cases.filter(report__grade=grade)
        accident_type = request.GET.get("type", "")
        if accident_type in AccidentType.values:
            cases = cases.filter(report__accident_type=accident_type)
        context = {
            "cases": cases[:100],
            "q": q,
            "grade": grade,
            "type": accident_type,
            "grades": AccidentGrade.choices,
            "types": AccidentType.choices,
        }
        return render(request, "accidents/case_library.html", context)
