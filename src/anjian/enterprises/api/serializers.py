from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from anjian.core.api import BusinessModelSerializer
from anjian.core.attachments import file_field_url
from anjian.core.scope import scope_for
from anjian.core.uscc import normalize_uscc
from anjian.enterprises.models import (
    EmergencyDrill,
    EmergencyPlan,
    EmergencyResource,
    Enterprise,
    ExpiryStatus,
    Licence,
    OccupationalHealth,
    SafetyPerson,
    StandardisationGrade,
    TrainingRecord,
)
from anjian.industries.choices import sector_scope_error
from anjian.regions.forms import region_scope_error
from anjian.regions.models import Region


class RegionCodeField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    default_error_messages = {
        "does_not_exist": "未知的行政区划代码：{pk_value}",
        "incorrect_type": "行政区划代码应为 6 位数字字符串。",
    }


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "登记企业",
            value={
                "uscc": "91110108551385082Q",
                "name": "北京某化工有限公司",
                "region": "110108",
                "sector": "hazchem",
                "industry": "26",
                "address": "北京市海淀区某路 1 号",
                "legal_representative": "张三",
                "longitude": "116.298056",
                "latitude": "39.959912",
                "status": "operating",
            },
            request_only=True,
        )
    ]
)
class EnterpriseSerializer(BusinessModelSerializer):
    region = RegionCodeField(queryset=Region.objects.all(), help_text="县级行政区划代码（6 位）")
    region_name = serializers.CharField(source="region.name", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:enterprise-detail")

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "url",
            "uid",
            "uscc",
            "name",
            "region",
            "region_name",
            "sector",
            "industry",
            "address",
            "legal_representative",
            "contact_phone",
            "longitude",
            "latitude",
            "status",
            "legacy_reg_no",
            "uscc_override",
            "uscc_override_reason",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uid", "source_node", "version", "created_at", "updated_at"]
        # Uniqueness is reported by the model, with the message the form and import use.
        extra_kwargs: dict[str, dict[str, Any]] = {"uscc": {"validators": []}}

    def validate_uscc(self, value: str) -> str:
        code = normalize_uscc(value)
        if self.instance is not None and code != self.instance.uscc:
            raise serializers.ValidationError(_("统一社会信用代码登记后不能修改。"))
        return code

    def validate_region(self, region: Region) -> Region:
        if error := region_scope_error(scope_for(self.context["request"].user), region):
            raise serializers.ValidationError(error)
        return region

    def validate_sector(self, sector: str) -> str:
        if error := sector_scope_error(scope_for(self.context["request"].user), sector):
            raise serializers.ValidationError(error)
        return sector


class VisibleEnterpriseField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """An enterprise by its unified social credit code, among those the caller can see."""

    default_error_messages = {
        "does_not_exist": "企业名录中没有统一社会信用代码为 {value} 的企业，或该企业不在您的管辖范围内。",
        "invalid": "统一社会信用代码格式无效。",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "企业名录中的统一社会信用代码")
        super().__init__(slug_field="uscc", queryset=Enterprise.objects.all(), **kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        queryset = Enterprise.objects.all()
        return queryset.visible_to(request.user) if request is not None else queryset

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value(normalize_uscc(data) if isinstance(data, str) else data)


_RECORD_READ_ONLY = ["uid", "source_node", "version", "created_at", "updated_at"]
_RECORD_HEAD = ["id", "url", "uid", "enterprise", "enterprise_name"]
_RECORD_TAIL = ["source_node", "version", "created_at", "updated_at"]


class EnterpriseRecordSerializer(BusinessModelSerializer):
    enterprise = VisibleEnterpriseField()
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "登记安全生产许可证",
            value={
                "enterprise": "91110108551385082Q",
                "kind": "safety_production",
                "number": "（京）WH安许证字〔2024〕000123",
                "issuer": "北京市应急管理局",
                "valid_from": "2024-03-01",
                "valid_to": "2027-02-28",
                "licensed_scope": "危险化学品生产",
            },
            request_only=True,
        )
    ]
)
class LicenceSerializer(EnterpriseRecordSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:licence-detail")
    expiry_status = serializers.ChoiceField(
        choices=ExpiryStatus.choices,
        read_only=True,
        help_text="valid、within_90、within_30、within_7 或 expired",
    )

    class Meta:
        model = Licence
        fields = [
            *_RECORD_HEAD,
            "kind",
            "number",
            "issuer",
            "valid_from",
            "valid_to",
            "expiry_status",
            "licensed_scope",
            *_RECORD_TAIL,
        ]
        read_only_fields = _RECORD_READ_ONLY
        validators: list[Any] = []  # uniqueness is reported by the model, as in the form


class StandardisationGradeSerializer(EnterpriseRecordSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:standardisationgrade-detail")
    expiry_status = serializers.ChoiceField(choices=ExpiryStatus.choices, read_only=True)

    class Meta:
        model = StandardisationGrade
        fields = [
            *_RECORD_HEAD,
            "grade",
            "certificate_number",
            "valid_until",
            "expiry_status",
            *_RECORD_TAIL,
        ]
        read_only_fields = _RECORD_READ_ONLY


class SafetyPersonSerializer(EnterpriseRecordSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:safetyperson-detail")
    expiry_status = serializers.ChoiceField(choices=ExpiryStatus.choices, read_only=True, allow_null=True)

    class Meta:
        model = SafetyPerson
        fields = [
            *_RECORD_HEAD,
            "name",
            "role",
            "id_number",
            "certificate_kind",
            "certificate_number",
            "valid_to",
            "expiry_status",
            *_RECORD_TAIL,
        ]
        read_only_fields = _RECORD_READ_ONLY


class TrainingRecordSerializer(EnterpriseRecordSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:trainingrecord-detail")

    class Meta:
        model = TrainingRecord
        fields = [*_RECORD_HEAD, "course", "hours", "people", "held_on", *_RECORD_TAIL]
        read_only_fields = _RECORD_READ_ONLY


class OccupationalHealthSerializer(EnterpriseRecordSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:occupationalhealth-detail")

    class Meta:
        model = OccupationalHealth
        fields = [
            *_RECORD_HEAD,
            "hazard_factor",
            "exposed_workers",
            "last_monitored_on",
            "result",
            "note",
            *_RECORD_TAIL,
        ]
        read_only_fields = _RECORD_READ_ONLY


class EmergencyPlanSerializer(EnterpriseRecordSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:emergencyplan-detail")
    file_url = serializers.SerializerMethodField(
        help_text="预案文件的下载地址（在数据范围内可下载）；文件在预案页面上传"
    )

    class Meta:
        model = EmergencyPlan
        fields = [*_RECORD_HEAD, "title", "level", "filed_with", "revised_on", "file_url", *_RECORD_TAIL]
        read_only_fields = _RECORD_READ_ONLY

    def get_file_url(self, plan: EmergencyPlan) -> str | None:
        return file_field_url(plan, "file") if plan.file else None


class EmergencyResourceSerializer(EnterpriseRecordSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:emergencyresource-detail")

    class Meta:
        model = EmergencyResource
        fields = [*_RECORD_HEAD, "kind", "name", "quantity", "unit", "location", *_RECORD_TAIL]
        read_only_fields = _RECORD_READ_ONLY


class EmergencyDrillSerializer(EnterpriseRecordSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:emergencydrill-detail")

    class Meta:
        model = EmergencyDrill
        fields = [*_RECORD_HEAD, "held_on", "scenario", "participants", "evaluation", *_RECORD_TAIL]
        read_only_fields = _RECORD_READ_ONLY
