from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anjian.core.filtersets import BaseFilterSet, within_region
from anjian.hazards.models import FilingStatus, HazardGrade, HazardUnit, UnitKind
from anjian.industries.choices import Sector


class HazardUnitFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc", label=_("企业统一社会信用代码"))
    region = django_filters.CharFilter(
        method="in_region", label=_("所在区域"), help_text=_("区划代码，含下级")
    )
    sector = django_filters.MultipleChoiceFilter(
        field_name="enterprise__sector", choices=Sector.choices, label=_("监管行业")
    )
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("单元名称"))
    kind = django_filters.MultipleChoiceFilter(choices=UnitKind.choices, label=_("单元类型"))
    is_major = django_filters.BooleanFilter(label=_("构成重大危险源"))
    grade = django_filters.MultipleChoiceFilter(choices=HazardGrade.choices, label=_("重大危险源级别"))
    filing_status = django_filters.MultipleChoiceFilter(choices=FilingStatus.choices, label=_("备案状态"))
    table_edition = django_filters.CharFilter(label=_("辨识标准版本"))
    cas = django_filters.CharFilter(field_name="substances__cas", distinct=True, label=_("含 CAS 号"))
    source_node = django_filters.CharFilter(label=_("来源节点"))

    class Meta:
        model = HazardUnit
        fields = [
            "q",
            "enterprise",
            "region",
            "sector",
            "name",
            "kind",
            "is_major",
            "grade",
            "filing_status",
            "table_edition",
            "cas",
        ]
        # Fields with no filter on purpose (checked by tests/core/test_registry.py).
        unfiltered = [
            "boundary",
            "exposed_people",
            "exposed_people_source",
            "s",
            "r",
            "assessed_at",
            "filing_note",
            "filed_at",
        ]

    def search(self, queryset: QuerySet[HazardUnit], name: str, value: str) -> QuerySet[HazardUnit]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(enterprise__name__icontains=value) | Q(enterprise__uscc=value)
        )

    def in_region(self, queryset: QuerySet[HazardUnit], name: str, value: str) -> QuerySet[HazardUnit]:
        return within_region(queryset, "enterprise__region__code", value)
