from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.dangerstats.forms import StatisticsFilterForm
from anjian.dangerstats.stats import danger_statistics


class StatisticsRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField(help_text="地区代码前缀、行业代码或月份（YYYY-MM）")
    name = serializers.CharField()
    found = serializers.IntegerField(help_text="统计期内发现的隐患（项）")
    rectified = serializers.IntegerField(help_text="其中已销号（项）")
    rate = serializers.FloatField(allow_null=True, help_text="整改率（%）")
    overdue = serializers.IntegerField(help_text="未销号且已过整改期限（项）")
    major_found = serializers.IntegerField()
    major_rectified = serializers.IntegerField()
    funds = serializers.CharField(help_text="整改资金（万元）")
    listed = serializers.IntegerField(help_text="统计期内挂牌督办（项）")
    delisted = serializers.IntegerField(help_text="统计期内摘牌（项）")


class StatisticsResponseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    start = serializers.DateField()
    end = serializers.DateField(help_text="统计期最后一天")
    total = StatisticsRowSerializer()
    by_region = StatisticsRowSerializer(many=True)
    by_sector = StatisticsRowSerializer(many=True)
    by_month = StatisticsRowSerializer(many=True)


class StatisticsAPIView(APIView):
    """隐患排查治理统计：按调用者数据范围，按地区（下一级）、行业、月份汇总。"""

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=["year", "quarter", "month", "custom"]),
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter("quarter", OpenApiTypes.INT),
            OpenApiParameter("month", OpenApiTypes.INT),
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
            OpenApiParameter("sector", OpenApiTypes.STR),
            OpenApiParameter("region", OpenApiTypes.STR, description="区划代码：统计该地区并按其下一级分组"),
        ],
        responses={200: StatisticsResponseSerializer},
    )
    def get(self, request: Request) -> Response:
        if not request.user.has_perm("dangers.view_hiddendanger"):
            raise PermissionDenied("您没有执行此操作的权限。")
        form = StatisticsFilterForm(request.query_params or None, user=request.user)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        stats = danger_statistics(
            request.user,
            form.period(timezone.localdate()),
            sector=form.chosen_sector(),
            region=form.chosen_region(),
        )
        body: dict[str, Any] = {
            "start": stats.period.start,
            "end": stats.period.last_day,
            "total": stats.total.as_dict(),
            "by_region": [row.as_dict() for row in stats.by_region],
            "by_sector": [row.as_dict() for row in stats.by_sector],
            "by_month": [row.as_dict() for row in stats.by_month],
        }
        return Response(StatisticsResponseSerializer(body).data)
