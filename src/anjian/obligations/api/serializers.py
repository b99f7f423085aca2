from __future__ import annotations

from typing import Any

from rest_framework import serializers

from anjian.core.api import BusinessModelSerializer
from anjian.enterprises.models import Enterprise
from anjian.obligations.models import DutySubmission, ReportingDuty


class DutySubmissionSerializer(BusinessModelSerializer):
    enterprise = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Enterprise.objects.all(),
        help_text="企业名录中的统一社会信用代码",
        error_messages={"does_not_exist": "企业名录中没有统一社会信用代码为 {value} 的企业。"},
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    duty = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ReportingDuty.objects.filter(active=True),
        help_text="报送义务代码",
        error_messages={"does_not_exist": "未知的报送义务代码：{value}。"},
    )
    is_late = serializers.BooleanField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:dutysubmission-detail")

    class Meta:
        model = DutySubmission
        fields = [
            "id",
            "url",
            "uid",
            "enterprise",
            "enterprise_name",
            "duty",
            "period",
            "submitted_at",
            "deadline",
            "is_late",
            "note",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uid", "deadline", "source_node", "version", "created_at", "updated_at"]
        validators: list[Any] = []  # uniqueness is reported by the model, as in the form
