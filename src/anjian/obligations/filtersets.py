from __future__ import annotations

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anjian.core.filtersets import BaseFilterSet, within_region
from anjian.industries.choices import Sector
from anjian.obligations.models import DutySubmission, ReportingDuty


class DutySubmissionFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc", label=_("企业统一社会信用代码"))
    region = django_filters.CharFilter(
        method="in_region", label=_("所在区域"), help_text=_("区划代码，含下级")
    )
    sector = django_filters.MultipleChoiceFilter(
        field_name="enterprise__sector", choices=Sector.choices, label=_("监管行业")
    )
    duty = django_filters.ModelChoiceFilter(
        queryset=ReportingDuty.objects.all(), to_field_name="code", label=_("报送义务")
    )
    period = django_filters.CharFilter(label=_("报送期"))
    submitted_after = django_filters.IsoDateTimeFilter(
        field_name="submitted_at", lookup_expr="gte", label=_("报送时间起")
    )
    submitted_before = django_filters.IsoDateTimeFilter(
        field_name="submitted_at", lookup_expr="lte", label=_("报送时间止")
    )
    source_node = django_filters.CharFilter(label=_("来源节点"))
    late = django_filters.BooleanFilter(method="filter_late", label=_("逾期报送"))

    class Meta:
        model = DutySubmission
        fields = [
            "q",
            "enterprise",
            "region",
            "sector",
            "duty",
            "period",
            "submitted_after",
            "submitted_before",
            "late",
        ]
        # Fields with no filter on purpose (checked by tests/core/test_registry.py).
        # (submitted_at is filtered through submitted_after / submitted_before.)
        unfiltered = ["submitted_at", "deadline", "note"]

    def search(self, queryset: QuerySet[DutySubmission], name: str, value: str) -> QuerySet[DutySubmission]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value) | Q(enterprise__uscc=value) | Q(duty__name__icontains=value)
        )

    def in_region(
        self, queryset: QuerySet[DutySubmission], name: str, value: str
    ) -> QuerySet[DutySubmission]:
        return within_region(queryset, "enterprise__region__code", value)

    def filter_late(
        self, queryset: QuerySet[DutySubmission], name: str, value: bool | None
    ) -> QuerySet[DutySubmission]:
        if value is None:
            return queryset
        late = Q(deadline__isnull=False, submitted_at__date__gt=F("deadline"))
        return queryset.filter(late) if value else queryset.exclude(late)
