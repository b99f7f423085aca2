from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from anjian.accounts.api.serializers import OrganizationSerializer, UserSerializer
from anjian.accounts.filtersets import OrganizationFilterSet, UserFilterSet
from anjian.accounts.models import Organization, User
from anjian.core.api import ReadOnlyScopedViewSet


class OrganizationViewSet(ReadOnlyScopedViewSet):
    """机构：账号管理员可见全部，其他用户仅见数据范围内的机构。"""

    model = Organization
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().select_related("region")


class UserViewSet(ReadOnlyScopedViewSet):
    """用户：账号管理员可见全部，其他用户仅见数据范围内机构的用户。"""

    model = User
    serializer_class = UserSerializer
    filterset_class = UserFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().select_related("organization").prefetch_related("roles")
