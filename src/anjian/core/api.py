"""API base classes: the serializer writes through the service layer (so the model's
``full_clean()`` runs), the viewset filters every queryset by the caller's scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.request import Request
from rest_framework.views import APIView

from anjian.audit.services import record_denied_access
from anjian.core.fields import mask
from anjian.core.registry import ModelSpec

_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
}


class RolePermission(permissions.BasePermission):
    """The role must grant the action on the model (403); the scope decides which rows (404)."""

    message = "您没有执行此操作的权限。"

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        model = view.get_queryset().model  # type: ignore[attr-defined]
        action = _ACTIONS.get(request.method or "GET", "delete")
        return bool(request.user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}"))


class BusinessModelSerializer(serializers.ModelSerializer[Any]):
    """Creates and updates through the model's registered service verb."""

    spec: ModelSpec

    def _save_through_service(self, instance: Any) -> Any:
        user = self.context["request"].user
        try:
            return self.spec.save(instance, user=user, scope_error_field=self.spec.scope_error_field)
        except DjangoValidationError as e:
            raise ValidationError(detail=get_error_detail(e)) from e

    def to_representation(self, instance: Any) -> Any:
        """Personal identifiers are masked for callers without the ``personal`` permission."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not request.user.has_perm(self.spec.perm("personal")):
            for field in instance._meta.concrete_fields:
                if getattr(field, "personal", False) and data.get(field.name):
                    data[field.name] = mask(str(data[field.name]))
        return data

    def create(self, validated_data: dict[str, Any]) -> Any:
        return self._save_through_service(self.spec.model(**validated_data))

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self._save_through_service(instance)


class ScopedModelViewSet(viewsets.ModelViewSet[Any]):
    """The API of a registered model; ``for_spec`` makes one per ``ModelSpec``."""

    spec: ModelSpec
    permission_classes = [RolePermission]

    @classmethod
    def for_spec(cls, spec: ModelSpec) -> type[ScopedModelViewSet]:
        name = f"{spec.model.__name__}ViewSet"
        doc = f"{spec.model._meta.verbose_name}：仅返回调用者数据范围内的记录。"
        attrs = {
            "spec": spec,
            "serializer_class": spec.serializer,
            "filterset_class": spec.filterset,
            "__doc__": doc,
        }
        return type(name, (cls,), attrs)

    def get_queryset(self) -> QuerySet[Any]:
        queryset = self.spec.model.objects.visible_to(self.request.user)
        queryset = queryset.select_related(*self.spec.select_related)
        return queryset.prefetch_related(*self.spec.prefetch_related)  # type: ignore[no-any-return]

    def get_object(self) -> Any:
        try:
            return super().get_object()
        except Http404:
            record_denied_access(self.request, self.spec.model, self.kwargs.get("pk"), reason="scope")
            raise

    def perform_destroy(self, instance: Any) -> None:
        self.spec.delete(instance, user=self.request.user)


class ReadOnlyScopedViewSet(viewsets.ReadOnlyModelViewSet[Any]):
    model: Any
    permission_classes = [RolePermission]

    def get_queryset(self) -> QuerySet[Any]:
        return self.model.objects.visible_to(self.request.user)  # type: ignore[no-any-return]
