from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.fields import get_error_detail
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core.api import ReadOnlyScopedViewSet
from anjian.core.scope import scope_for
from anjian.enterprises.models import Enterprise
from anjian.monitoring import services
from anjian.monitoring.api.serializers import (
    AlarmSerializer,
    HandleSerializer,
    ReadingBatchSerializer,
    ReadingResultSerializer,
)
from anjian.monitoring.filtersets import AlarmFilterSet
from anjian.monitoring.models import Alarm
from anjian.monitoring.pipeline import REASONS, Pipeline


class EnterpriseSender(permissions.BasePermission):
    """An enterprise (or its gateway's) account that may change its own monitoring points."""

    message = "只有企业（或其数据网关）账号可以上传监测数据。"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.has_perm("monitoring.change_monitoringpoint")):
            return False
        return scope_for(user).enterprise_id is not None


class ReadingsView(APIView):
    """Readings over HTTP in the MQTT batch format, for the calling enterprise's own points."""

    permission_classes = [EnterpriseSender]

    @extend_schema(request=ReadingBatchSerializer, responses={200: ReadingResultSerializer})
    def post(self, request: Request) -> Response:
        body = ReadingBatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enterprise_id = scope_for(request.user).enterprise_id
        uscc = Enterprise.objects.filter(pk=enterprise_id).values_list("uscc", flat=True).first()
        if uscc is None:
            raise PermissionDenied(EnterpriseSender.message)
        pipeline = Pipeline(db_dedupe=True)
        pipeline.refresh(enterprise_id=enterprise_id)
        accepted = 0
        reasons: dict[str, int] = {}
        for batch in body.validated_data["batches"]:
            outcome = pipeline.add(uscc, batch["point"], batch["readings"])
            accepted += outcome.accepted
            for reason, count in outcome.rejected.items():
                reasons[reason] = reasons.get(reason, 0) + count
        pipeline.flush()
        pipeline.flush_aggregates()
        result = {
            "accepted": accepted,
            "rejected": sum(reasons.values()),
            "reasons": reasons,
            "messages": {reason: str(REASONS[reason]) for reason in reasons},
        }
        return Response(ReadingResultSerializer(result).data, status=status.HTTP_200_OK)


class CanViewAlarms(permissions.BasePermission):
    message = "您没有执行此操作的权限。"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("monitoring.view_alarm"))


class AlarmViewSet(ReadOnlyScopedViewSet):
    """监测报警：仅返回调用者数据范围内的报警；确认、处置、关闭走同一服务层。"""

    model = Alarm
    serializer_class = AlarmSerializer
    filterset_class = AlarmFilterSet
    # Reading needs the view permission; the actions check the change permission themselves.
    permission_classes = [CanViewAlarms]

    def get_queryset(self) -> QuerySet[Alarm]:
        alarms: QuerySet[Alarm] = Alarm.objects.visible_to(self.request.user)
        return alarms.select_related("enterprise", "point")

    def _act(self, request: Request, verb: Any, **kwargs: Any) -> Response:
        if not request.user.has_perm("monitoring.change_alarm"):
            raise PermissionDenied("您没有执行此操作的权限。")
        alarm = self.get_object()
        try:
            alarm = verb(alarm, user=request.user, **kwargs)
        except DjangoValidationError as e:
            raise DRFValidationError(detail=get_error_detail(e)) from e
        return Response(AlarmSerializer(alarm).data)

    @extend_schema(request=None, responses={200: AlarmSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, services.acknowledge)

    @extend_schema(request=HandleSerializer, responses={200: AlarmSerializer})
    @action(detail=True, methods=["post"])
    def handle(self, request: Request, pk: str | None = None) -> Response:
        data = HandleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._act(request, services.handle, **data.validated_data)

    @extend_schema(request=None, responses={200: AlarmSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, services.close)
