from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.fields import get_error_detail
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.accounts.administration import (
    assign_organization,
    assign_roles,
    create_account,
    reset_password,
    role_set_errors,
    set_account_active,
)
from anjian.accounts.api.serializers import (
    AccountCreateSerializer,
    NewAccountSerializer,
    OrganizationSerializer,
    UserSerializer,
)
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


class CanManageUsers(permissions.BasePermission):
    message = "只有系统管理员可以管理账号。"

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("accounts.manage_users"))


class PasswordResetSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    initial_password = serializers.CharField()
    must_change_password = serializers.BooleanField()


def _service_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(get_error_detail(error))


class RoleAssignmentSerializer(serializers.Serializer[Any]):
    roles = serializers.ListField(child=serializers.CharField(), allow_empty=True, help_text="角色代码列表")

    def validate_roles(self, value: list[str]) -> list[str]:
        if errors := role_set_errors(value):
            raise serializers.ValidationError(errors)
        return value


class ScopeAssignmentSerializer(serializers.Serializer[Any]):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), allow_null=True)


class UserViewSet(ReadOnlyScopedViewSet):
    """用户：账号管理员可见全部，其他用户仅见数据范围内机构的用户。账号的创建、停用、启用和密码
    重置只能由系统管理员操作；角色与数据范围只能由安全管理员分配（三员分立）。"""

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

    def get_permissions(self) -> Sequence[Any]:
        if self.action == "create":
            return [CanManageUsers()]
        return super().get_permissions()

    @extend_schema(request=AccountCreateSerializer, responses={201: NewAccountSerializer})
    def create(self, request: Request) -> Response:
        """新建账号（系统管理员）：没有角色，初始密码只在本次应答中返回一次，首次登录时必须修改。"""
        serializer = AccountCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user, password = create_account(
                request.user,
                data["username"],
                data["full_name"],
                data["organization"],
                data["phone"],
                request=request._request,
            )
        except DjangoValidationError as e:
            raise _service_error(e) from e
        body = NewAccountSerializer(user, context={"request": request, "initial_password": password}).data
        response = Response(body, status=status.HTTP_201_CREATED)
        add_never_cache_headers(response)
        return response

    def _set_active(self, request: Request, active: bool) -> Response:
        target = self.get_object()
        try:
            set_account_active(request.user, target, active, request=request._request)
        except DjangoValidationError as e:
            raise _service_error(e) from e
        return Response(UserSerializer(target, context={"request": request}).data)

    @extend_schema(request=None, responses=UserSerializer)
    @action(detail=True, methods=["post"], permission_classes=[CanManageUsers])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        """停用账号（系统管理员）：立即结束该账号的全部会话。"""
        return self._set_active(request, False)

    @extend_schema(request=None, responses=UserSerializer)
    @action(detail=True, methods=["post"], permission_classes=[CanManageUsers])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        """启用账号（系统管理员）。"""
        return self._set_active(request, True)

    @extend_schema(request=None, responses=PasswordResetSerializer)
    @action(detail=True, methods=["post"], url_path="reset-password", permission_classes=[CanManageUsers])
    def reset_password(self, request: Request, pk: str | None = None) -> Response:
        """重置密码（系统管理员）：新的初始密码只在本次应答中返回一次，下次登录时必须修改。"""
        target = self.get_object()
        try:
            password = reset_password(request.user, target, request=request._request)
        except DjangoValidationError as e:
            raise _service_error(e) from e
        body = {
            "id": target.pk,
            "username": target.username,
            "initial_password": password,
            "must_change_password": target.must_change_password,
        }
        response = Response(PasswordResetSerializer(body).data)
        add_never_cache_headers(response)
        return response
