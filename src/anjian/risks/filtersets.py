from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import AccidentType
from anjian.core.filtersets import BaseFilterSet, within_region
from anjian.industries.choices import Sector
from anjian.risks.choices import HazardFactor, PointKind, ResponsibleLevel, RiskLevel, RiskMethod
from anjian.risks.models import RiskPoint


class RiskPointFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc", label=_("企业统一社会信用代码"))
    region = django_filters.CharFilter(
        method="in_region", label=_("所在区域"), help_text=_("区划代码，含下级")
    )
    sector = django_filters.MultipleChoiceFilter(
        field_name="enterprise__sector", choices=Sector.choices, label=_("监管行业")
    )
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("风险点名称"))
    kind = django_filters.MultipleChoiceFilter(choices=PointKind.choices, label=_("风险点类型"))
    hazard_factor = django_filters.MultipleChoiceFilter(
        choices=HazardFactor.choices, label=_("危险有害因素类别")
    )
    accident_type = django_filters.ChoiceFilter(
        method="with_accident_type", choices=AccidentType.choices, label=_("可能导致的事故类型")
    )
    method = django_filters.MultipleChoiceFilter(choices=RiskMethod.choices, label=_("评价方法"))
    level = django_filters.MultipleChoiceFilter(choices=RiskLevel.choices, label=_("风险等级"))
    responsible_level = django_filters.MultipleChoiceFilter(
        choices=ResponsibleLevel.choices, label=_("管控层级")
    )
    review_before = django_filters.DateFilter(
        field_name="review_date", lookup_expr="lte", label=_("下次评估日期不晚于")
    )
    source_node = django_filters.CharFilter(label=_("来源节点"))

    class Meta:
        model = RiskPoint
        fields = [
            "q",
            "enterprise",
            "region",
            "sector",
            "name",
            "kind",
            "hazard_factor",
            "accident_type",
            "method",
            "level",
            "responsible_level",
            "review_before",
        ]
        # Fields with no filter on purpose (checked by tests/core/test_registry.py).
        unfiltered = [
            "location",
            "hazard_description",
            "accident_types",
            "likelihood",
            "exposure",
            "severity",
            "score",
            "level_rank",
            "config",
            "assessed_at",
            "measures_engineering",
            "measures_management",
            "measures_training",
            "measures_ppe",
            "measures_emergency",
            "responsible_unit",
            "responsible_person",
            "plan_x",
            "plan_y",
            "review_date",
        ]

    def search(self, queryset: QuerySet[RiskPoint], name: str, value: str) -> QuerySet[RiskPoint]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(location__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(enterprise__uscc=value)
        )

    def with_accident_type(self, queryset: QuerySet[RiskPoint], name: str, value: str) -> QuerySet[RiskPoint]:
        # Codes are stored joined by commas: match a whole code, so "fire" never matches "fire_x".
        if not value:
            return queryset
        return queryset.filter(
            Q(accident_types=value)
            | Q(accident_types__startswith=f"{value},")
            | Q(accident_types__endswith=f",{value}")
            | Q(accident_types__contains=f",{value},")
        )

    def in_region(self, queryset: QuerySet[RiskPoint], name: str, value: str) -> QuerySet[RiskPoint]:
        return within_region(queryset, "enterprise__region__code", value)
