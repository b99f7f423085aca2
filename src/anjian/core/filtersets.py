from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _


class BaseFilterSet(django_filters.FilterSet):
    """Base of every FilterSet. One FilterSet per model serves both the list page's filter form
    and the API's query parameters, so they cannot disagree."""

    created_after = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label=_("创建时间起")
    )
    created_before = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lte", label=_("创建时间止")
    )
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("更新时间起")
    )
