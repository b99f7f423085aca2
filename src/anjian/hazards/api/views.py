from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.hazards import gb18218
from anjian.hazards.api.serializers import AssessRequestSerializer, AssessResponseSerializer


class HasBusinessRole(permissions.BasePermission):
    """Any business role (each may view hazard units); administrator roles hold none."""

    message = "您没有执行此操作的权限。"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("hazards.view_hazardunit"))


def _errors(error: gb18218.AssessmentError) -> dict[str, Any]:
    """The same shape as DRF's own nested errors: ``{"substances": {"1": {"cas": [...]}}}``."""
    detail: dict[str, Any] = {}
    items: dict[str, dict[str, list[str]]] = {}
    for index, fields in error.errors.items():
        if index is None:
            detail.update(fields)
        else:
            items[str(index)] = fields
    if items:
        detail["substances"] = items
    return detail


class AssessView(APIView):
    """GB 18218 identification and grading of one unit (pure: nothing is read or written)."""

    permission_classes = [HasBusinessRole]

    @extend_schema(
        request=AssessRequestSerializer,
        responses={200: AssessResponseSerializer},
        examples=[
            OpenApiExample(
                "氯 20 吨加 W5.2 类易燃液体 10 吨",
                value={
                    "substances": [
                        {"cas": "7782-50-5", "quantity_t": 20},
                        {"category": "W5.2", "quantity_t": 10},
                    ],
                    "exposed_people": 120,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = AssessRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        substances = data.validated_data["substances"]
        try:
            result = gb18218.assess(
                [gb18218.SubstanceInput(**item) for item in substances],
                data.validated_data["exposed_people"],
            )
        except gb18218.AssessmentError as e:
            raise ValidationError(_errors(e)) from e
        return Response(AssessResponseSerializer(result.as_dict()).data)
