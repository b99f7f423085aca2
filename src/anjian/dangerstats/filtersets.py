from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anjian.core.filtersets import BaseFilterSet, within_region
from anjian.dangerstats.models import DangerStatReport, ReportPeriod
from anjian.industries.choices import Sector


class DangerStatReportFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc", label=_("企业统一社会信用代码"))
    region = django_filters.CharFilter(
        method="in_region", label=_("所在区域"), help_text=_("区划代码，含下级")
    )
    sector = django_filters.MultipleChoiceFilter(choices=Sector.choices, label=_("监管行业"))
    year = django_filters.NumberFilter(label=_("统计年度"))
    period = django_filters.MultipleChoiceFilter(choices=ReportPeriod.choices, label=_("统计期"))
    submitted_at = django_filters.BooleanFilter(
        field_name="submitted_at", lookup_expr="isnull", exclude=True, label=_("已报送")
    )
    late = django_filters.BooleanFilter(label=_("逾期报送"))
    deadline = django_filters.DateFilter(label=_("报送期限"))
    source_node = django_filters.CharFilter(label=_("来源节点"))

    class Meta:
        model = DangerStatReport
        fields = ["q", "enterprise", "region", "sector", "year", "period", "submitted_at", "late", "deadline"]
        # Fields with no filter on purpose (checked by tests/core/test_registry.py): the figures
        # and free text of a table.
        unfiltered = [
            "general_found",
            "general_rectified",
            "major_found",
            "major_rectified",
            "overdue",
            "listed",
            "funds",
            "note",
            "principal",
        ]

    def search(
        self, queryset: QuerySet[DangerStatReport], name: str, value: str
    ) -> QuerySet[DangerStatReport]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc=value))

    def in_region(
        self, queryset: QuerySet[DangerStatReport], name: str, value: str
    ) -> QuerySet[DangerStatReport]:
        return within_region(queryset, "region__code", value)
