from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from anjian.regions.models import Region, RegionLevel


class RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "longitude", "latitude", "is_standard", "valid_to"]


class RegionFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent_id", label=_("上级区划代码"))
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("级别"))
    q = django_filters.CharFilter(method="search", label=_("名称或代码"))
    within = django_filters.CharFilter(method="in_subtree", label=_("含下级的区划代码"))

    class Meta:
        model = Region
        fields = ["parent", "level", "q", "within"]

    def search(self, queryset: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))

    def in_subtree(self, queryset: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        """A 6-digit code selects that region's subtree; a 2- or 4-digit prefix is taken as is."""
        value = value.strip()
        if len(value) in (2, 4) and value.isdigit():
            return queryset.filter(code__startswith=value)
        region = Region.objects.filter(code=value).first()
        return queryset.filter(code__startswith=region.prefix) if region else queryset.none()


class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    """GB/T 2260 行政区划（参考数据，对所有登录用户可见）。"""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
