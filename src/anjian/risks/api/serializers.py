from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from anjian.accidents.choices import AccidentType
from anjian.core.api import BusinessModelSerializer
from anjian.enterprises.models import Enterprise
from anjian.risks.models import RiskPoint


class AccidentTypesField(serializers.ListField):
    """A list of GB 6441 codes in the API; stored joined by commas."""

    def to_internal_value(self, data: Any) -> Any:
        return ",".join(super().to_internal_value(data))

    def to_representation(self, data: Any) -> list[Any]:
        return [code for code in (data or "").split(",") if code]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "登记一个 LEC 法评价的风险点",
            value={
                "enterprise": "91110111MA01BJ7Q0X",
                "name": "液氨储罐区",
                "location": "罐区 1 号防火堤",
                "kind": "place",
                "hazard_factor": "22",
                "accident_types": ["poisoning_suffocation", "vessel_explosion"],
                "method": "lec",
                "likelihood": "3",
                "exposure": "6",
                "severity": "40",
                "measures_engineering": "有毒气体检测报警，紧急切断阀",
                "responsible_level": "company",
                "responsible_person": "张伟",
            },
            request_only=True,
        )
    ]
)
class RiskPointSerializer(BusinessModelSerializer):
    enterprise = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Enterprise.objects.all(),
        help_text="企业名录中的统一社会信用代码（调用者管辖范围内）",
        error_messages={"does_not_exist": "您的管辖范围内没有统一社会信用代码为 {value} 的企业。"},
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:riskpoint-detail")
    accident_types = AccidentTypesField(
        child=serializers.ChoiceField(choices=AccidentType.choices),
        allow_empty=False,
        help_text="GB 6441 事故类别代码，至少一种",
        error_messages={"empty": "请至少选择一种可能导致的事故类型。"},
    )
    config_name = serializers.CharField(source="config.__str__", read_only=True, default="")

    class Meta:
        model = RiskPoint
        fields = [
            "id",
            "url",
            "uid",
            "enterprise",
            "enterprise_name",
            "name",
            "location",
            "kind",
            "hazard_factor",
            "hazard_description",
            "accident_types",
            "method",
            "likelihood",
            "exposure",
            "severity",
            "score",
            "level",
            "config",
            "config_name",
            "assessed_at",
            "measures_engineering",
            "measures_management",
            "measures_training",
            "measures_ppe",
            "measures_emergency",
            "responsible_level",
            "responsible_unit",
            "responsible_person",
            "plan_x",
            "plan_y",
            "review_date",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "uid",
            "score",
            "level",
            "config",
            "assessed_at",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        validators: list[Any] = []  # uniqueness is reported by the model, as in the form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None and user.is_authenticated:
            # An enterprise outside the caller's scope answers like an unknown one.
            fields: Any = self.fields
            fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
