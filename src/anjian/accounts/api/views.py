from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.accounts.administration import assign_organization, assign_roles, role_set_errors
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


class CanManageRoles(permissions.BasePermission):
    message = "只有安全管理员可以分配角色和数据范围。"

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("accounts.manage_roles"))


class RoleAssignmentSerializer(serializers.Serializer[Any]):
    roles = serializers.ListField(child=serializers.CharField(), allow_empty=True, help_text="角色代码列表")

    def validate_roles(self, value: list[str]) -> list[str]:
        if errors := role_set_errors(value):
            raise serializers.ValidationError(errors)
        return value


class ScopeAssignmentSerializer(serializers.Serializer[Any]):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), allow_null=True)


class UserViewSet(ReadOnlyScopedViewSet):
    """用户：账号管理员可见全部，其他用户仅见数据范围内机构的用户。角色与数据范围只能由安全管理员
    分配（三员分立）。"""

    model = User
    serializer_class = UserSerializer
    filterset_class = UserFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().select_related("organization").prefetch_related("roles")

    @extend_schema(request=RoleAssignmentSerializer, responses=UserSerializer)
    @action(detail=True, methods=["post"], permission_classes=[CanManageRoles])
    def roles(self, request: Request, pk: str | None = None) -> Response:
        target = self.get_object()
        serializer = RoleAssignmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assign_roles(target, serializer.validated_data["roles"], actor=request.user, request=request._request)
        return Response(UserSerializer(target, context={"request": request}).data)

    @extend_schema(request=ScopeAssignmentSerializer, responses=UserSerializer)
    @action(detail=True, methods=["post"], permission_classes=[CanManageRoles])
    def scope(self, request: Request, pk: str | None = None) -> Response:
        target = self.get_object()
        serializer = ScopeAssignmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assign_organization(
            target, serializer.validated_data["organization"], actor=request.user, request=request._request
        )
        return Response(UserSerializer(target, context={"request": request}).data)
