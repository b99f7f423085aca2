from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from anjian.accounts.models import User
from anjian.core.api import BusinessModelSerializer
from anjian.dangers.forms import listable_dangers, responsible_candidates
from anjian.dangers.models import ChecklistItem, DangerStatus, HiddenDanger, SupervisionListing
from anjian.enterprises.models import Enterprise


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "检查发现重大隐患",
            value={
                "enterprise": "91110111MA01BJ7Q0X",
                "place": "液氯充装站",
                "description": "液氯充装未使用万向管道充装系统",
                "category": 7,
                "level": "major",
                "source": "inspection",
                "found_by": "张三",
                "found_at": "2026-11-20",
                "deadline": "2026-12-31",
                "responsible_person": "王建国",
                "funds": "12.50",
            },
            request_only=True,
        )
    ]
)
class HiddenDangerSerializer(BusinessModelSerializer):
    enterprise = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Enterprise.objects.all(),
        help_text="企业名录中的统一社会信用代码（调用者管辖范围内）",
        error_messages={"does_not_exist": "您的管辖范围内没有统一社会信用代码为 {value} 的企业。"},
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    category = serializers.PrimaryKeyRelatedField(
        queryset=ChecklistItem.objects.filter(active=True),
        required=False,
        allow_null=True,
        help_text="排查清单条目 id；重大隐患判定标准条目即为重大隐患",
    )
    responsible_user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text="接收整改期限提醒的账号（用户名）",
    )
    is_overdue = serializers.BooleanField(read_only=True, help_text="未销号且已过整改期限")
    url = serializers.HyperlinkedIdentityField(view_name="api:hiddendanger-detail")

    class Meta:
        model = HiddenDanger
        fields = [
            "id",
            "url",
            "uid",
            "enterprise",
            "enterprise_name",
            "region",
            "sector",
            "place",
            "description",
            "category",
            "level",
            "source",
            "complaint_reference",
            "found_by",
            "found_at",
            "deadline",
            "responsible_person",
            "responsible_user",
            "measures",
            "funds",
            "interim_safeguards",
            "current_state",
            "harm_analysis",
            "plan_targets",
            "plan_methods",
            "plan_funding",
            "plan_organisation",
            "plan_time_limits",
            "plan_safety_measures",
            "status",
            "is_overdue",
            "reported_to_regulator_at",
            "rectified_at",
            "verified_by",
            "verified_at",
            "verification_note",
            "closed_at",
            "rejection_reason",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "uid",
            "region",
            "sector",
            "status",
            "reported_to_regulator_at",
            "rectified_at",
            "verified_by",
            "verified_at",
            "verification_note",
            "closed_at",
            "rejection_reason",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None and user.is_authenticated:
            fields: Any = self.fields
            fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
            fields["responsible_user"].queryset = responsible_candidates(user)


class TransitionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    to = serializers.ChoiceField(choices=DangerStatus.choices, help_text="目标状态")
    reason = serializers.CharField(required=False, allow_blank=True, help_text="验收不通过、退回整改的理由")
    note = serializers.CharField(required=False, allow_blank=True, help_text="验收意见（销号时）")
    verified_by = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="验收人（默认为调用者）"
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "挂牌督办",
            value={
                "danger": 1,
                "document_no": "京应急督〔2026〕1号",
                "listed_at": "2026-11-25",
                "deadline": "2027-02-28",
                "requirements": "立即停止液氯充装作业，2027 年 2 月底前完成万向管道充装系统改造。",
            },
            request_only=True,
        )
    ]
)
class SupervisionListingSerializer(BusinessModelSerializer):
    danger = serializers.PrimaryKeyRelatedField(
        queryset=HiddenDanger.objects.all(), help_text="调用者管辖范围内尚未销号的重大隐患 id"
    )
    authority = serializers.CharField(source="authority.name", read_only=True)
    enterprise_name = serializers.CharField(source="danger.enterprise.name", read_only=True)
    is_review_overdue = serializers.BooleanField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:supervisionlisting-detail")

    class Meta:
        model = SupervisionListing
        fields = [
            "id",
            "url",
            "uid",
            "danger",
            "enterprise_name",
            "authority",
            "document_no",
            "listed_at",
            "deadline",
            "requirements",
            "status",
            "closure_applied_at",
            "review_deadline",
            "is_review_overdue",
            "reviewed_at",
            "review_note",
            "delisted_at",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "uid",
            "status",
            "closure_applied_at",
            "review_deadline",
            "reviewed_at",
            "review_note",
            "delisted_at",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None and user.is_authenticated:
            fields: Any = self.fields
            instance = self.instance if isinstance(self.instance, SupervisionListing) else None
            fields["danger"].queryset = listable_dangers(user, instance)
