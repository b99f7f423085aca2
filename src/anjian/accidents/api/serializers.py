from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from anjian.accidents.choices import AccidentGrade, ReportLevel
from anjian.accidents.models import NOT_NEGATIVE, AccidentReport, AccidentRevision, Investigation, ReportStep
from anjian.core.api import BusinessModelSerializer
from anjian.core.scope import scope_for
from anjian.enterprises.api.serializers import RegionCodeField
from anjian.enterprises.models import Enterprise
from anjian.regions.forms import region_scope_error
from anjian.regions.models import Region

COUNT_ERRORS: dict[str, Any] = {
    "min_value": NOT_NEGATIVE,
    "invalid": "人数应为整数。",
    "required": "必须填写此项。",
    "null": "必须填写此项。",
}
LOSS_ERRORS: dict[str, Any] = {
    "min_value": "直接经济损失不能为负数。",
    "invalid": "直接经济损失应为数字（元）。",
    "max_digits": "直接经济损失数额过大。",
    "max_whole_digits": "直接经济损失数额过大。",
    "max_decimal_places": "直接经济损失最多保留两位小数（分）。",
}


class ReportStepSerializer(serializers.ModelSerializer[ReportStep]):
    jurisdiction_name = serializers.CharField(read_only=True)
    late = serializers.SerializerMethodField()

    class Meta:
        model = ReportStep
        fields = [
            "sequence",
            "level",
            "jurisdiction",
            "jurisdiction_name",
            "triggered_at",
            "due_at",
            "received_at",
            "received_by_org",
            "satisfied_at",
            "satisfied_by_level",
            "late",
        ]
        read_only_fields = fields

    def get_late(self, step: ReportStep) -> bool:
        return step.is_late()


class RevisionSerializer(serializers.ModelSerializer[AccidentRevision]):
    class Meta:
        model = AccidentRevision
        fields = [
            "number",
            "kind",
            "deaths",
            "missing",
            "serious_injuries",
            "minor_injuries",
            "direct_loss_yuan",
            "grade",
            "previous_grade",
            "changes",
            "note",
            "reason",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "报送较大事故",
            value={
                "unit_name": "井陉县某建材有限公司",
                "sector": "industry_trade",
                "region": "130121",
                "occurred_at": "2026-11-20T09:30:00+08:00",
                "place": "厂区原料仓库",
                "accident_type": "collapse",
                "course": "仓库料仓坍塌，造成作业人员被埋。",
                "deaths": 3,
                "serious_injuries": 2,
                "direct_loss_yuan": None,
                "measures": "已组织救援，现场警戒。",
                "reporter": "张三",
                "reporter_phone": "13800000000",
            },
            request_only=True,
        )
    ]
)
class AccidentReportSerializer(BusinessModelSerializer):
    region = RegionCodeField(queryset=Region.objects.all(), help_text="事故发生地县级行政区划代码（6 位）")
    region_name = serializers.CharField(source="region.name", read_only=True)
    enterprise = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Enterprise.objects.all(),
        required=False,
        allow_null=True,
        help_text="企业名录中的统一社会信用代码",
        error_messages={"does_not_exist": "企业名录中没有统一社会信用代码为 {value} 的企业。"},
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:accidentreport-detail")
    decided_by = serializers.SerializerMethodField()

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "enterprise" in fields and scope_for(request.user).enterprise_id is None:
            # Regulators pick only enterprises they may see: a code outside the scope reads as
            # unknown. (An enterprise user gets the precise "only your own unit" message instead.)
            fields["enterprise"].queryset = Enterprise.objects.visible_to(request.user)  # type: ignore[attr-defined]
        return fields

    grade_explanation = serializers.CharField(read_only=True)
    steps = ReportStepSerializer(many=True, read_only=True)
    revisions = RevisionSerializer(many=True, read_only=True)

    class Meta:
        model = AccidentReport
        fields = [
            "id",
            "url",
            "uid",
            "enterprise",
            "unit_name",
            "sector",
            "industry",
            "region",
            "region_name",
            "occurred_at",
            "place",
            "accident_type",
            "course",
            "deaths",
            "missing",
            "serious_injuries",
            "minor_injuries",
            "direct_loss_yuan",
            "measures",
            "reporter",
            "reporter_phone",
            "grade",
            "decided_by",
            "grade_provisional",
            "grade_explanation",
            "status",
            "steps",
            "revisions",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "uid",
            "grade",
            "grade_provisional",
            "status",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs: dict[str, dict[str, Any]] = {
            name: {"error_messages": COUNT_ERRORS}
            for name in ("deaths", "missing", "serious_injuries", "minor_injuries")
        } | {"direct_loss_yuan": {"error_messages": LOSS_ERRORS}}

    def get_decided_by(self, report: AccidentReport) -> list[str]:
        return [c for c in report.grade_basis.split(",") if c]

    def validate_region(self, region: Region) -> Region:
        if error := region_scope_error(scope_for(self.context["request"].user), region):
            raise serializers.ValidationError(error)
        return region


class GradeRequestSerializer(serializers.Serializer[dict[str, Any]]):
    deaths = serializers.IntegerField(min_value=0, help_text="死亡人数", error_messages=COUNT_ERRORS)
    serious_injuries = serializers.IntegerField(
        min_value=0, help_text="重伤人数（含急性工业中毒）", error_messages=COUNT_ERRORS
    )
    direct_loss_yuan = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        min_value=0,
        allow_null=True,
        coerce_to_string=False,
        help_text="直接经济损失（元）；null 表示尚不清楚（所得等级为下限）",
        error_messages=LOSS_ERRORS | {"required": "必须填写直接经济损失（不清楚时填 null）。"},
    )
    missing = serializers.IntegerField(
        min_value=0, required=False, default=0, help_text="下落不明人数（默认与死亡人数合并计算）",
        error_messages=COUNT_ERRORS,
    )  # fmt: skip


class GradeResponseSerializer(serializers.Serializer[dict[str, Any]]):
    grade = serializers.ChoiceField(choices=AccidentGrade.choices)
    grade_label = serializers.CharField()
    decided_by = serializers.ListField(child=serializers.CharField())
    report_up_to = serializers.ChoiceField(choices=[c for c in ReportLevel.choices if c[0] != "county"])
    provisional = serializers.BooleanField()
    explanation = serializers.CharField()


class SupplementSerializer(serializers.Serializer[dict[str, Any]]):
    deaths = serializers.IntegerField(min_value=0, required=False, error_messages=COUNT_ERRORS)
    missing = serializers.IntegerField(min_value=0, required=False, error_messages=COUNT_ERRORS)
    serious_injuries = serializers.IntegerField(min_value=0, required=False, error_messages=COUNT_ERRORS)
    minor_injuries = serializers.IntegerField(min_value=0, required=False, error_messages=COUNT_ERRORS)
    direct_loss_yuan = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        min_value=0,
        allow_null=True,
        required=False,
        error_messages=LOSS_ERRORS,
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class InvestigationSerializer(BusinessModelSerializer):
    report = serializers.PrimaryKeyRelatedField(queryset=AccidentReport.objects.all())
    url = serializers.HyperlinkedIdentityField(view_name="api:investigation-detail")
    deadline = serializers.DateTimeField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Investigation
        fields = [
            "id",
            "url",
            "uid",
            "report",
            "organized_by",
            "team_leader",
            "team_members",
            "extension_days",
            "extension_reason",
            "appraisal_days",
            "findings",
            "responsibility",
            "rectification",
            "report_file",
            "submitted_on",
            "status",
            "published",
            "deadline",
            "is_overdue",
            "source_node",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uid", "report_file", "source_node", "version", "created_at", "updated_at"]

    def validate_report(self, report: AccidentReport) -> AccidentReport:
        user = self.context["request"].user
        if not AccidentReport.objects.visible_to(user).filter(pk=report.pk).exists():
            raise serializers.ValidationError("事故不存在或不在您的管辖范围内。")
        if self.instance is not None and report.pk != self.instance.report_id:
            raise serializers.ValidationError("调查所属的事故不能更改。")
        return report
