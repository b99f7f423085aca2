"""The auditor's console: audit events and the change log, searchable and exportable."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.audit.events import EventResult, EventType
from anjian.audit.filtersets import AuditEventFilterSet, ObjectChangeFilterSet
from anjian.audit.models import AuditEvent, ObjectChange
from anjian.audit.services import record_event
from anjian.audit.tables import AuditEventTable, ObjectChangeTable
from anjian.core.exports import xlsx_response
from anjian.core.views import ReferenceListView

FAILED_LOGIN_DAYS = 30


def failed_logins_per_day(days: int = FAILED_LOGIN_DAYS) -> list[dict[str, Any]]:
    """Failed logins per local calendar day over the last ``days`` days, zero days included."""
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(start, time.min))
    counts = dict(
        AuditEvent.objects.filter(event_type=EventType.LOGIN_FAILED, time__gte=since)
        .annotate(day=TruncDate("time", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {"day": (start + timedelta(days=i)).isoformat(), "value": counts.get(start + timedelta(days=i), 0)}
        for i in range(days)
    ]


class AuditEventListView(ReferenceListView):
    title = gettext_lazy("审计日志")
    perm = "audit.view_audit"
    filterset = AuditEventFilterSet
    table = AuditEventTable
    template_name = "audit/event_list.html"

    @staticmethod
    def queryset(user: Any) -> Any:
        return AuditEvent.objects.all()

    def extra_context(self, filterset: Any) -> dict[str, Any]:
        return {"failed_logins": failed_logins_per_day()}


class AuditEventExportView(AuditEventListView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(self.perm):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        filterset = self.filterset(request.GET or None, queryset=self.queryset(request.user), request=request)
        table = self.table(filterset.qs)
        record_event(
            EventType.EXPORT,
            result=EventResult.SUCCESS,
            request=request,
            details={
                "model": "audit.auditevent",
                "format": "xlsx",
                "rows": len(table.rows),
                "query": request.GET.urlencode()[:500],
            },
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(table, f"audit-events-{stamp}.xlsx")


class ObjectChangeListView(ReferenceListView):
    title = gettext_lazy("变更记录")
    perm = "audit.view_objectchange"
    filterset = ObjectChangeFilterSet
    table = ObjectChangeTable

    @staticmethod
    def queryset(user: Any) -> Any:
        return ObjectChange.objects.select_related("content_type")
