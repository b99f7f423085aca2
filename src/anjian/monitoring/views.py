"""Monitoring pages beyond the generic point pages: live values, trend per point, the alarm list
and handling, and the regulator's overview (map, online rate, top alarming enterprises)."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from anjian.audit.services import record_denied_access
from anjian.core.scope import scope_for
from anjian.core.views import ReferenceListView
from anjian.enterprises.models import Enterprise
from anjian.monitoring import services, stats, storage
from anjian.monitoring.filtersets import AlarmFilterSet
from anjian.monitoring.forms import HandleAlarmForm
from anjian.monitoring.models import Alarm, AlarmStatus, MonitoringPoint, PointStatus
from anjian.monitoring.tables import AlarmTable


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


# --- live values ----------------------------------------------------------------------------------


class LiveView(LoginRequiredMixin, View):
    """The last value of each point of one enterprise; the table refreshes itself (htmx)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _require(request, "monitoring.view_monitoringpoint")
        points = MonitoringPoint.objects.visible_to(request.user).filter(active=True)
        enterprises = Enterprise.objects.filter(pk__in=points.values("enterprise_id")).order_by("name")
        scope = scope_for(request.user)
        chosen: Enterprise | None = None
        if scope.enterprise_id is not None:
            chosen = enterprises.filter(pk=scope.enterprise_id).first()
        elif request.GET.get("enterprise"):
            chosen = enterprises.filter(uscc=request.GET["enterprise"].strip()).first()
            if chosen is None:
                raise Http404
        elif enterprises[:1]:
            chosen = enterprises[0]
        rows = live_rows(points.filter(enterprise=chosen)) if chosen is not None else []
        context = {
            "enterprise": chosen,
            "enterprises": enterprises[:500],
            "rows": rows,
            "now": timezone.now(),
        }
        if getattr(request, "htmx", False):
            return render(request, "monitoring/_live_rows.html", context)
        return render(request, "monitoring/live.html", context)


def live_rows(points: QuerySet[MonitoringPoint]) -> list[dict[str, Any]]:
    now_ms = int(time.time() * 1000)
    points = points.order_by("code")
    status = {s.point_id: s for s in PointStatus.objects.filter(point__in=points)}
    open_alarms: dict[int, list[Alarm]] = {}
    for alarm in Alarm.objects.filter(point__in=points).exclude(status=AlarmStatus.CLOSED):
        open_alarms.setdefault(alarm.point_id, []).append(alarm)
    rows = []
    for point in points:
        s = status.get(point.pk)
        offline = s is None or now_ms - s.last_t >= point.offline_after_s * 1000
        rows.append(
            {
                "point": point,
                "value": None if s is None else s.last_value,
                "time": None if s is None else storage.to_datetime(s.last_t),
                "offline": offline,
                "alarms": open_alarms.get(point.pk, []),
            }
        )
    return rows


# --- trend ----------------------------------------------------------------------------------------

RANGES = {
    "1h": (timedelta(hours=1), gettext_lazy("1 小时")),
    "6h": (timedelta(hours=6), gettext_lazy("6 小时")),
    "24h": (timedelta(hours=24), gettext_lazy("24 小时")),
    "7d": (timedelta(days=7), gettext_lazy("7 天")),
    "30d": (timedelta(days=30), gettext_lazy("30 天")),
}
RAW_UP_TO = timedelta(hours=6)  # longer ranges are drawn from the hourly rollups


def _point(request: HttpRequest, pk: int) -> MonitoringPoint:
    _require(request, "monitoring.view_monitoringpoint")
    point: MonitoringPoint | None = (
        MonitoringPoint.objects.visible_to(request.user).select_related("enterprise").filter(pk=pk).first()
    )
    if point is None:
        record_denied_access(request, MonitoringPoint, pk, reason="scope")
        raise Http404
    return point


class TrendView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        point = _point(request, pk)
        chosen = request.GET.get("range", "6h")
        if chosen not in RANGES:
            chosen = "6h"
        return render(
            request,
            "monitoring/trend.html",
            {
                "point": point,
                "ranges": [(key, label) for key, (_span, label) in RANGES.items()],
                "chosen": chosen,
                "alarms": point.alarms.order_by("-opened_at")[:20],
            },
        )


class TrendDataView(LoginRequiredMixin, View):
    """The series of a point as JSON: raw readings up to 6 hours, hourly min/avg/max beyond."""

    def get(self, request: HttpRequest, pk: int) -> JsonResponse:
        point = _point(request, pk)
        span = RANGES.get(request.GET.get("range", "6h"), RANGES["6h"])[0]
        end = timezone.now()
        start = end - span
        thresholds = {
            name: getattr(point, name)
            for name in ("low_low", "low", "high", "high_high", "alarm_at", "power_off_at", "restore_at")
            if getattr(point, name) is not None
        }
        data: dict[str, Any] = {"unit": point.unit, "thresholds": thresholds, "labels": _threshold_labels()}
        if span <= RAW_UP_TO:
            rows = storage.readings(point.pk, int(start.timestamp() * 1000), int(end.timestamp() * 1000))
            data |= {"kind": "raw", "points": [[t, v] for t, v, _q in rows]}
        else:
            rollups = point.rollups.filter(hour__gte=start).order_by("hour")
            data |= {
                "kind": "hourly",
                "points": [
                    [
                        int(r.hour.timestamp() * 1000),
                        r.min_value,
                        r.sum_value / r.count if r.count else None,
                        r.max_value,
                    ]
                    for r in rollups
                ],
            }
        return JsonResponse(data)


def _threshold_labels() -> dict[str, str]:
    return {
        "low_low": _("低低限"),
        "low": _("低限"),
        "high": _("高限"),
        "high_high": _("高高限"),
        "alarm_at": _("报警浓度"),
        "power_off_at": _("断电浓度"),
        "restore_at": _("复电浓度"),
        "min": _("最小值"),
        "avg": _("平均值"),
        "max": _("最大值"),
        "value": _("数值"),
    }


# --- alarms ---------------------------------------------------------------------------------------


class AlarmListView(ReferenceListView):
    title = gettext_lazy("监测报警")
    perm = "monitoring.view_alarm"
    filterset = AlarmFilterSet
    table = AlarmTable
    template_name = "monitoring/alarm_list.html"

    @staticmethod
    def queryset(user: Any) -> QuerySet[Alarm]:
        alarms: QuerySet[Alarm] = Alarm.objects.visible_to(user)
        return alarms.select_related("enterprise", "point")


def _alarm(request: HttpRequest, pk: int) -> Alarm:
    _require(request, "monitoring.view_alarm")
    alarm: Alarm | None = (
        Alarm.objects.visible_to(request.user).select_related("enterprise", "point").filter(pk=pk).first()
    )
    if alarm is None:
        record_denied_access(request, Alarm, pk, reason="scope")
        raise Http404
    return alarm


class AlarmDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int, form: HandleAlarmForm | None = None) -> HttpResponse:
        alarm = _alarm(request, pk)
        form = form or HandleAlarmForm(instance=alarm)
        can_change = request.user.has_perm("monitoring.change_alarm") and alarm.is_local
        return render(
            request,
            "monitoring/alarm_detail.html",
            {"alarm": alarm, "form": form, "can_change": can_change},
            status=400 if form.is_bound else 200,
        )


class AlarmActionView(LoginRequiredMixin, View):
    """POST ``acknowledge``, ``handle`` (cause and measures) or ``close``."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        _require(request, "monitoring.change_alarm")
        alarm = _alarm(request, pk)
        try:
            if action == "acknowledge":
                services.acknowledge(alarm, user=request.user)
            elif action == "handle":
                form = HandleAlarmForm(request.POST, instance=alarm)
                if not form.is_valid():
                    return AlarmDetailView().get(request, pk, form=form)
                services.handle(
                    alarm,
                    user=request.user,
                    cause=form.cleaned_data["cause"],
                    measures=form.cleaned_data["measures"],
                )
            elif action == "close":
                services.close(alarm, user=request.user)
            else:
                raise Http404
        except ValidationError as e:
            for message in e.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("报警状态：%(status)s") % {"status": alarm.get_status_display()})
        return redirect("monitoring:alarm_detail", pk=alarm.pk)


# --- the regulator's overview --------------------------------------------------------------------


class OverviewView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _require(request, "monitoring.view_alarm")
        today = timezone.localdate()
        try:
            day = date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else today
        except ValueError:
            messages.error(request, _("日期格式应为 YYYY-MM-DD。"))
            day = today
        day = min(day, today)
        by_enterprise, by_region = stats.online_rates(request.user, day)
        states = stats.enterprise_states(request.user)
        alarms = Alarm.objects.visible_to(request.user)
        context = {
            "day": day,
            "by_enterprise": by_enterprise[:50],
            "by_region": by_region,
            "top": stats.top_alarming(request.user),
            "states": states,
            "open_count": alarms.filter(status=AlarmStatus.OPEN).count(),
            "active_count": alarms.exclude(status=AlarmStatus.CLOSED).count(),
            "target": settings.MONITORING_ONLINE_TARGET,
            "map_geojson_url": settings.MAP_GEOJSON_URL,
            "map_review_number": settings.MAP_REVIEW_NUMBER,
            "state_labels": {
                stats.STATE_ALARM: _("有未确认报警"),
                stats.STATE_HANDLING: _("报警处置中"),
                stats.STATE_OFFLINE: _("传感器离线"),
                stats.STATE_NORMAL: _("正常"),
            },
        }
        page = Paginator(by_enterprise, 50)
        context["enterprise_total"] = page.count
        return render(request, "monitoring/overview.html", context)
