from __future__ import annotations

import django_filters
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import AccidentGrade, AccidentStatus, AccidentType, InvestigationStatus
from anjian.accidents.models import AccidentReport, Investigation, ReportStep
from anjian.core.filtersets import BaseFilterSet, within_region
from anjian.industries.choices import Sector


class AccidentReportFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    region = django_filters.CharFilter(
        method="in_region", label=_("事故发生地"), help_text=_("区划代码，含下级")
    )
    grade = django_filters.MultipleChoiceFilter(choices=AccidentGrade.choices, label=_("事故等级"))
    accident_type = django_filters.MultipleChoiceFilter(choices=AccidentType.choices, label=_("事故类别"))
    sector = django_filters.MultipleChoiceFilter(choices=Sector.choices, label=_("监管行业"))
    status = django_filters.MultipleChoiceFilter(choices=AccidentStatus.choices, label=_("状态"))
    occurred_at = django_filters.IsoDateTimeFromToRangeFilter(label=_("发生时间"))
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc", label=_("事故单位统一社会信用代码"))
    unit_name = django_filters.CharFilter(lookup_expr="icontains", label=_("事故单位名称"))
    industry = django_filters.CharFilter(field_name="industry_id", label=_("国民经济行业"))
    deaths = django_filters.NumberFilter(lookup_expr="gte", label=_("死亡人数不少于"))
    serious_injuries = django_filters.NumberFilter(lookup_expr="gte", label=_("重伤人数不少于"))
    direct_loss_yuan = django_filters.NumberFilter(lookup_expr="gte", label=_("直接经济损失不少于（元）"))
    late = django_filters.BooleanFilter(method="has_late_steps", label=_("有超时未报环节"))
    source_node = django_filters.CharFilter(label=_("来源节点"))

    class Meta:
        model = AccidentReport
        fields = [
            "q",
            "region",
            "grade",
            "accident_type",
            "sector",
            "status",
            "occurred_at",
            "enterprise",
            "unit_name",
            "industry",
            "deaths",
            "serious_injuries",
            "direct_loss_yuan",
            "late",
        ]
        # Fields with no filter on purpose (checked by tests/core/test_registry.py).
        unfiltered = [
            "place",
            "course",
            "measures",
            "reporter",
            "reporter_phone",
            "missing",
            "minor_injuries",
            "grade_basis",
            "grade_provisional",
        ]

    def search(self, queryset: QuerySet[AccidentReport], name: str, value: str) -> QuerySet[AccidentReport]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(unit_name__icontains=value) | Q(place__icontains=value) | Q(course__icontains=value)
        )

    def in_region(
        self, queryset: QuerySet[AccidentReport], name: str, value: str
    ) -> QuerySet[AccidentReport]:
        return within_region(queryset, "region__code", value)

    def has_late_steps(
        self, queryset: QuerySet[AccidentReport], name: str, value: bool | None
    ) -> QuerySet[AccidentReport]:
        if value is None:
            return queryset
        now = timezone.now()
        late = ReportStep.objects.filter(report=OuterRef("pk")).filter(
            Q(received_at__gt=F("due_at"))
            | Q(received_at__isnull=True, satisfied_at__isnull=True, due_at__lt=now)
            | Q(received_at__isnull=True, satisfied_at__gt=F("due_at"))
        )
        return queryset.filter(Exists(late)) if value else queryset.exclude(Exists(late))


class InvestigationFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    status = django_filters.MultipleChoiceFilter(choices=InvestigationStatus.choices, label=_("状态"))
    region = django_filters.CharFilter(
        method="in_region", label=_("事故发生地"), help_text=_("区划代码，含下级")
    )
    grade = django_filters.MultipleChoiceFilter(
        field_name="report__grade", choices=AccidentGrade.choices, label=_("事故等级")
    )
    report = django_filters.NumberFilter(field_name="report_id", label=_("事故编号"))
    team_leader = django_filters.CharFilter(lookup_expr="icontains", label=_("调查组组长"))
    organized_by = django_filters.CharFilter(lookup_expr="icontains", label=_("组织调查的机关"))
    submitted_on = django_filters.DateFromToRangeFilter(label=_("调查报告提交日期"))
    published = django_filters.BooleanFilter(label=_("公开（案例库）"))
    source_node = django_filters.CharFilter(label=_("来源节点"))

    class Meta:
        model = Investigation
        fields = [
            "q",
            "status",
            "region",
            "grade",
            "report",
            "team_leader",
            "organized_by",
            "submitted_on",
            "published",
        ]
        unfiltered = [
            "team_members",
            "extension_days",
            "extension_reason",
            "appraisal_days",
            "findings",
            "responsibility",
            "rectification",
            "report_file",
        ]

    def search(self, queryset: QuerySet[Investigation], name: str, value: str) -> QuerySet[Investigation]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(report__unit_name__icontains=value)
            | Q(report__course__icontains=value)
            | Q(findings__icontains=value)
            | Q(responsibility__icontains=value)
            | Q(rectification__icontains=value)
        )

    def in_region(self, queryset: QuerySet[Investigation], name: str, value: str) -> QuerySet[Investigation]:
        return within_region(queryset, "report__region__code", value)
