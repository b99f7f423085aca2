from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anjian.core.filtersets import BaseFilterSet, within_region
from anjian.industries.choices import Sector
from anjian.registration.models import EnterpriseRegistration, RegistrationStatus


class RegistrationFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    status = django_filters.MultipleChoiceFilter(choices=RegistrationStatus.choices, label=_("状态"))
    sector = django_filters.MultipleChoiceFilter(choices=Sector.choices, label=_("监管行业"))
    region = django_filters.CharFilter(
        method="in_region", label=_("所在区域"), help_text=_("区划代码，含下级")
    )

    class Meta:
        model = EnterpriseRegistration
        fields = ["q", "status", "sector", "region"]

    def search(
        self, queryset: QuerySet[EnterpriseRegistration], name: str, value: str
    ) -> QuerySet[EnterpriseRegistration]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(uscc__icontains=value) | Q(tracking_number__iexact=value)
        )

    def in_region(
        self, queryset: QuerySet[EnterpriseRegistration], name: str, value: str
    ) -> QuerySet[EnterpriseRegistration]:
        return within_region(queryset, "region__code", value)
