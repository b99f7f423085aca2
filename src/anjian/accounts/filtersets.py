from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anjian.accounts.models import AgencyLevel, Organization, OrgType, User
from anjian.accounts.roles import RoleCode


class OrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("机构名称"))
    org_type = django_filters.ChoiceFilter(choices=OrgType.choices, label=_("机构类型"))
    level = django_filters.ChoiceFilter(choices=AgencyLevel.choices, label=_("层级"))
    region = django_filters.CharFilter(field_name="region_id", label=_("管辖区域"))

    class Meta:
        model = Organization
        fields = ["q", "org_type", "level", "region"]


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("所属机构"))
    role = django_filters.ChoiceFilter(field_name="roles__code", choices=RoleCode.choices, label=_("角色"))
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = User
        fields = ["q", "organization", "role", "is_active"]

    def search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))
