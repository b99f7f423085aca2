from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from anjian.core.api import BusinessModelSerializer
from anjian.dangerstats.models import DangerStatReport
from anjian.enterprises.models import Enterprise


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "填报第一季度统计表（数字留空则自动统计）",
            value={
                "enterprise": "91110111MA01BJ7Q0X",
                "year": 2026,
                "period": "q1",
                "principal": "王建国",
                "note": "",
            },
            request_only=True,
        )
    ]
)
class DangerStatReportSerializer(BusinessModelSerializer):
    enterprise = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Enterprise.objects.all(),
        help_text="企业名录中的统一社会信用代码（调用者管辖范围内）",
        error_messages={"does_not_exist": "您的管辖范围内没有统一社会信用代码为 {value} 的企业。"},
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:dangerstatreport-detail")
    status = serializers.CharField(
        read_only=True, help_text="draft 未报送、submitted 按时报送、late 逾期报送"
    )
    rectification_rate = serializers.FloatField(read_only=True, allow_null=True, help_text="整改率（%）")

    class Meta:
        model = DangerStatReport
        fields = [
            "id",
            "url",
            "uid",
            "enterprise",
            "enterprise_name",
            "region",
            "sector",
            "year",
            "period",
            "general_found",
            "general_rectified",
            "major_found",
            "major_rectified",
            "overdue",
            "listed",
            "funds",
            "rectification_rate",
            "note",
            "principal",
            "deadline",
            "submitted_at",
            "late",
            "status",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["region", "sector", "deadline", "submitted_at", "late"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None and user.is_authenticated:
            # An enterprise outside the caller's scope answers like an unknown one.
            fields: Any = self.fields
            fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
