from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from anjian.core.api import BusinessModelSerializer
from anjian.enterprises.models import Enterprise
from anjian.hazards import gb18218
from anjian.hazards.models import HazardUnit, HazardUnitSubstance

PEOPLE_ERRORS: dict[str, Any] = {
    "invalid": "暴露人数应为整数。",
    "min_value": "暴露人数不能为负数。",
    "max_value": f"暴露人数超出合理范围（不超过 {gb18218.MAX_EXPOSED_PEOPLE}），请核对。",
    "required": "必须填写此项。",
    "null": "必须填写此项。",
}


@extend_schema_field(OpenApiTypes.NUMBER)
class QuantityField(serializers.Field):  # type: ignore[type-arg]
    """Tonnes, checked by the GB 18218 module (positive, at most 4 decimals, not absurd)."""

    def to_internal_value(self, data: Any) -> Any:
        try:
            return gb18218.parse_quantity(data)
        except ValueError as e:
            raise serializers.ValidationError(str(e)) from None

    def to_representation(self, value: Any) -> Any:
        return value


class SubstanceInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    cas = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text="CAS 号（表1物质）"
    )
    table1_row = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="表1序号（同一 CAS 号多个条目或无 CAS 号时）"
    )
    category = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="危险性类别代码（表2），如 W5.2"
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    quantity_t = QuantityField(help_text="最大设计量（吨）")


class AssessRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    substances = SubstanceInputSerializer(many=True, allow_empty=False)
    exposed_people = serializers.IntegerField(
        min_value=0, max_value=gb18218.MAX_EXPOSED_PEOPLE, error_messages=PEOPLE_ERRORS
    )


def _number(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=None, decimal_places=None, coerce_to_string=False, **kwargs)


class AssessItemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    cas = serializers.CharField()
    table1_row = serializers.IntegerField(allow_null=True)
    category = serializers.CharField(help_text="决定临界量或校正系数的危险性类别代码")
    q_source = serializers.ChoiceField(choices=["table1", "table2"], help_text="临界量 Q 的来源")
    quantity_t = _number(help_text="q：最大设计量（吨）")
    critical_quantity_t = _number(help_text="Q：临界量（吨）")
    q_over_q = _number(help_text="q/Q，向下舍入到 4 位小数")
    beta = _number(allow_null=True, help_text="β 校正系数")
    beta_source = serializers.CharField(help_text="table3、table4 或空（未确定类别）")
    beta_q_over_q = _number(allow_null=True, help_text="β·q/Q，向下舍入到 4 位小数")


class AssessResponseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    s = _number(help_text="S = Σq/Q，向下舍入到 4 位小数（判定用精确值）")
    r = _number(allow_null=True, help_text="R = α·Σβ·q/Q；S < 1 时为 null")
    is_major = serializers.BooleanField()
    grade = serializers.IntegerField(allow_null=True, help_text="1–4 级；不构成重大危险源时为 null")
    alpha = _number()
    exposed_people = serializers.IntegerField()
    edition = serializers.CharField(help_text="所用标准版本，如 GB 18218-2018")
    items = AssessItemSerializer(many=True)


class SubstanceSerializer(serializers.ModelSerializer[HazardUnitSubstance]):
    quantity_t = QuantityField(help_text="最大设计量（吨）")

    class Meta:
        model = HazardUnitSubstance
        fields = ["id", "cas", "table1_row", "category", "name", "quantity_t"]
        read_only_fields = ["id"]

    def to_representation(self, instance: HazardUnitSubstance) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["quantity_t"] = str(instance.quantity_t)
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        item = gb18218.SubstanceInput(
            quantity_t=attrs.get("quantity_t"),
            cas=attrs.get("cas", ""),
            table1_row=attrs.get("table1_row"),
            category=attrs.get("category", ""),
            name=attrs.get("name", ""),
        )
        try:
            gb18218.resolve(item, gb18218.tables())
        except gb18218.AssessmentError as e:
            raise serializers.ValidationError(e.errors[0]) from None
        return attrs


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "登记储存单元",
            value={
                "enterprise": "91110111100000017X",
                "name": "液氨储罐区",
                "kind": "storage",
                "boundary": "1 号防火堤内储罐组",
                "exposed_people": 120,
                "exposed_people_source": "2025 年街道常住人口统计",
                "substances": [{"cas": "7664-41-7", "quantity_t": "50"}],
            },
            request_only=True,
        )
    ]
)
class HazardUnitSerializer(BusinessModelSerializer):
    enterprise = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Enterprise.objects.all(),
        help_text="企业名录中的统一社会信用代码",
        error_messages={"does_not_exist": "企业名录中没有统一社会信用代码为 {value} 的企业。"},
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:hazardunit-detail")
    substances = SubstanceSerializer(many=True, required=False, help_text="提交时替换单元的全部物质")

    class Meta:
        model = HazardUnit
        fields = [
            "id",
            "url",
            "uid",
            "enterprise",
            "enterprise_name",
            "name",
            "kind",
            "boundary",
            "exposed_people",
            "exposed_people_source",
            "substances",
            "s",
            "r",
            "is_major",
            "grade",
            "table_edition",
            "assessed_at",
            "filing_status",
            "filing_note",
            "filed_at",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "uid",
            "s",
            "r",
            "is_major",
            "grade",
            "table_edition",
            "assessed_at",
            "filing_status",
            "filing_note",
            "filed_at",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs: dict[str, dict[str, Any]] = {"exposed_people": {"error_messages": PEOPLE_ERRORS}}
        validators: list[Any] = []  # uniqueness is reported by the model, as in the form

    def _save_with(self, unit: HazardUnit, rows: list[dict[str, Any]] | None) -> HazardUnit:
        if rows is not None:
            removed = list(unit.substances.all()) if unit.pk else []
            unit.pending_substances = ([HazardUnitSubstance(**row) for row in rows], removed)
        saved: HazardUnit = self._save_through_service(unit)
        return saved

    def create(self, validated_data: dict[str, Any]) -> HazardUnit:
        rows = validated_data.pop("substances", None)
        return self._save_with(HazardUnit(**validated_data), rows)

    def update(self, instance: HazardUnit, validated_data: dict[str, Any]) -> HazardUnit:
        rows = validated_data.pop("substances", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self._save_with(instance, rows)
