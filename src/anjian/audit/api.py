from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.views import APIView

from anjian.audit.filtersets import AuditEventFilterSet
from anjian.audit.models import AuditEvent


class CanReadAudit(permissions.BasePermission):
    message = "仅安全审计员可查阅审计日志。"

    def has_permission(self, request: Request, view: APIView) -> bool:
        # Read-only for everyone: the audit log is never changed through the API.
        return bool(
            request.method in permissions.SAFE_METHODS
            and request.user
            and request.user.is_authenticated
            and request.user.has_perm("audit.view_audit")
        )


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "time",
            "user_id",
            "username",
            "organization",
            "source_ip",
            "user_agent",
            "request_id",
            "event_type",
            "result",
            "object_type",
            "object_id",
            "object_repr",
            "details",
            "prev_hash",
            "hash",
        ]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet[AuditEvent]):
    """审计事件（仅安全审计员）：按账号、类型、结果、时间范围筛选。"""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    permission_classes = [CanReadAudit]

    def get_queryset(self) -> QuerySet[Any]:
        return AuditEvent.objects.all()
