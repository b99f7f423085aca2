from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from anjian.core.api import BusinessModelSerializer
from anjian.enterprises.models import Enterprise
from anjian.hazards.models import HazardUnit
from anjian.monitoring.models import Alarm, MonitoringPoint


class MonitoringPointSerializer(BusinessModelSerializer):
    enterprise = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Enterprise.objects.all(),
        help_text="企业名录中的统一社会信用代码",
        error_messages={"does_not_exist": "企业名录中没有统一社会信用代码为 {value} 的企业。"},
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    hazard_unit = serializers.PrimaryKeyRelatedField(
        queryset=HazardUnit.objects.all(), required=False, allow_null=True
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:monitoringpoint-detail")

    class Meta:
        model = MonitoringPoint
        fields = [
            "id",
            "url",
            "uid",
            "enterprise",
            "enterprise_name",
            "hazard_unit",
            "code",
            "name",
            "point_type",
            "unit",
            "range_low",
            "range_high",
            "location",
            "placement",
            "low_low",
            "low",
            "high",
            "high_high",
            "hysteresis",
            "alarm_at",
            "power_off_at",
            "restore_at",
            "rate_limit",
            "threshold_basis",
            "cycle_s",
            "active",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uid", "source_node", "version", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unit = attrs.get("hazard_unit")
        enterprise = attrs.get("enterprise") or getattr(self.instance, "enterprise", None)
        if unit is not None and enterprise is not None and unit.enterprise_id != enterprise.pk:
            raise serializers.ValidationError({"hazard_unit": ["重大危险源单元不属于该企业。"]})
        return attrs


class AlarmSerializer(serializers.ModelSerializer[Alarm]):
    enterprise: serializers.SlugRelatedField[Enterprise] = serializers.SlugRelatedField(
        slug_field="uscc", read_only=True
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    point_code = serializers.CharField(source="point.code", read_only=True)
    point_name = serializers.CharField(source="point.name", read_only=True)

    class Meta:
        model = Alarm
        fields = [
            "id",
            "uid",
            "enterprise",
            "enterprise_name",
            "point",
            "point_code",
            "point_name",
            "kind",
            "status",
            "opened_at",
            "threshold",
            "first_value",
            "peak_value",
            "last_value",
            "recovered_at",
            "acknowledged_at",
            "handled_at",
            "cause",
            "measures",
            "closed_at",
            "escalation_level",
            "version",
        ]
        read_only_fields = fields


class HandleSerializer(serializers.Serializer):  # type: ignore[type-arg]
    cause = serializers.CharField(help_text="原因分析")
    measures = serializers.CharField(help_text="处置措施")


class ReadingSerializer(serializers.Serializer):  # type: ignore[type-arg]
    t = serializers.IntegerField(help_text="读数时间，Unix 纪元毫秒")
    v = serializers.FloatField(help_text="数值")
    q = serializers.IntegerField(required=False, help_text="质量码：0 正常，2 标校，其他为故障")


class PointBatchSerializer(serializers.Serializer):  # type: ignore[type-arg]
    point = serializers.CharField(help_text="点位编码（调用者所属企业的点位）")
    readings = serializers.JSONField(help_text="与 MQTT 报文相同：一个读数对象 {t, v, q} 或读数对象数组")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "两个点位的一批读数",
            value={
                "batches": [
                    {
                        "point": "CH4-101",
                        "readings": [{"t": 1764385200000, "v": 0.42}, {"t": 1764385210000, "v": 0.44}],
                    },
                    {"point": "T-201-L", "readings": {"t": 1764385200000, "v": 6.8, "q": 0}},
                ]
            },
            request_only=True,
        )
    ]
)
class ReadingBatchSerializer(serializers.Serializer):  # type: ignore[type-arg]
    batches = PointBatchSerializer(many=True, allow_empty=False)


class ReadingResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    accepted = serializers.IntegerField(help_text="接收的读数")
    rejected = serializers.IntegerField(help_text="拒收的读数")
    reasons = serializers.DictField(child=serializers.IntegerField(), help_text="拒收原因 → 条数")
    messages = serializers.DictField(child=serializers.CharField(), help_text="拒收原因的中文说明")
