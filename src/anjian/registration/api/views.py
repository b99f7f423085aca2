"""Registrations for the regulators of the jurisdiction: read-only through the API (review
decisions are taken on the review page, where the initial password is handed over)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from anjian.core.api import ReadOnlyScopedViewSet
from anjian.core.fields import mask
from anjian.registration.filtersets import RegistrationFilterSet
from anjian.registration.models import EnterpriseRegistration


class RegistrationSerializer(serializers.ModelSerializer[EnterpriseRegistration]):
    class Meta:
        model = EnterpriseRegistration
        fields = [
            "id",
            "uid",
            "tracking_number",
            "uscc",
            "name",
            "region",
            "sector",
            "contact_name",
            "contact_phone",
            "username",
            "status",
            "review_reason",
            "reviewed_at",
            "enterprise",
            "created_at",
        ]

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not request.user.has_perm("registration.personal_enterpriseregistration"):
            data["contact_phone"] = mask(data.get("contact_phone") or "")
        return data


class RegistrationViewSet(ReadOnlyScopedViewSet):
    """企业注册申请（只读）：仅返回调用者辖区、监管行业内的申请。"""

    model = EnterpriseRegistration
    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().select_related("region")
