from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from anjian.core.api import BusinessModelSerializer
from anjian.core.scope import scope_for
from anjian.core.uscc import normalize_uscc
from anjian.enterprises.models import Enterprise
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
