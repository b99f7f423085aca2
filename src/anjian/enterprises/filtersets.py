from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anjian.core.filtersets import BaseFilterSet
from anjian.enterprises.models import Enterprise, EnterpriseStatus
from anjian.industries.choices import Sector


class EnterpriseFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    sector = django_filters.MultipleChoiceFilter(choices=Sector.choices, label=_("监管行业"))
    status = django_filters.MultipleChoiceFilter(choices=EnterpriseStatus.choices, label=_("经营状态"))
    region = django_filters.CharFilter(
        method="in_region", label=_("所在区域"), help_text=_("区划代码，含下级")
    )
    industry = django_filters.CharFilter(field_name="industry_id", label=_("国民经济行业"))
    uscc = django_filters.CharFilter(lookup_expr="iexact", label=_("统一社会信用代码"))
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("企业名称"))
    address = django_filters.CharFilter(lookup_expr="icontains", label=_("地址"))
    legal_representative = django_filters.CharFilter(lookup_expr="icontains", label=_("法定代表人"))
    source_node = django_filters.CharFilter(label=_("来源节点"))

    class Meta:
        model = Enterprise
        fields = [
            "q",
            "sector",
            "status",
            "region",
            "industry",
            "uscc",
            "name",
            "address",
            "legal_representative",
        ]
        # Fields with no filter on purpose (checked by tests/core/test_filtersets.py).
        unfiltered = [
            "contact_phone",
            "longitude",
            "latitude",
            "legacy_reg_no",
            "uscc_override",
            "uscc_override_reason",
        ]

    def search(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(uscc__icontains=value) | Q(address__icontains=value)
        )

    def in_region(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        from anjian.regions.models import Region

        region = Region.objects.filter(code=value.strip()).first()
        if region is None:
            return queryset.none()
        return queryset.filter(region__code__startswith=region.prefix)
