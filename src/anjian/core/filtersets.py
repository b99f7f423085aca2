from __future__ import annotations

from typing import Any, TypeVar

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

Q = TypeVar("Q", bound=QuerySet[Any])


def within_region(queryset: Q, path: str, code: str) -> Q:
    """Rows whose region (``path`` ends in ``__code``) is the region ``code`` or below it; an
    unknown code matches nothing. The region filter of every FilterSet."""
    from anjian.regions.models import Region

    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        return queryset.none()
    return queryset.filter(**{f"{path}__startswith": region.prefix})


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
