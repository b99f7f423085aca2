"""Actions beyond the generated viewsets: the hidden-danger life-cycle transition and the
supervised rectification steps. Outside the caller's scope: 404; refused: 400 with the reason."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.audit.services import record_denied_access
from anjian.dangers import services
from anjian.dangers.api.serializers import (
    HiddenDangerSerializer,
    SupervisionListingSerializer,
    TransitionSerializer,
)
from anjian.dangers.models import HiddenDanger, SupervisionListing


def _refused(error: DjangoValidationError) -> ValidationError:
    detail = get_error_detail(error)
    if isinstance(detail, list):
        return ValidationError({"detail": detail})
    return ValidationError(detail)


def _require(request: Request, perm: str) -> None:
    if not request.user or not request.user.is_authenticated:
        raise PermissionDenied("您没有执行此操作的权限。")
    if not request.user.has_perm(perm):
        raise PermissionDenied("您没有执行此操作的权限。")


class DangerTransitionView(APIView):
    """Move a hidden danger along ``reported → rectifying → awaiting_verification → closed``
    (or back to ``rectifying`` with a reason when verification fails)."""

    @extend_schema(
        request=TransitionSerializer,
        responses={200: HiddenDangerSerializer},
        examples=[
            OpenApiExample("开始整改", value={"to": "rectifying"}, request_only=True),
            OpenApiExample(
                "验收不通过", value={"to": "rectifying", "reason": "防爆电气仍未更换"}, request_only=True
            ),
            OpenApiExample(
                "验收销号",
                value={"to": "closed", "note": "现场复查，已整改到位", "verified_by": "李四"},
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        _require(request, "dangers.change_hiddendanger")
        danger = HiddenDanger.objects.visible_to(request.user).filter(pk=pk).first()
        if danger is None:
            record_denied_access(request, HiddenDanger, pk, reason="scope")
            raise NotFound
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        try:
            danger = services.transition_danger(
                danger,
                values["to"],
                user=request.user,
                reason=values.get("reason", ""),
                evidence=services.Evidence(
                    note=values.get("note", ""), verified_by=values.get("verified_by", "")
                ),
            )
        except DjangoValidationError as e:
            raise _refused(e) from e
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from e
        return Response(HiddenDangerSerializer(danger, context={"request": request}).data)


class ListingActionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    action = serializers.ChoiceField(
        choices=["progress", "apply_closure", "delist", "reject"],
        help_text="progress 报告进展；apply_closure 申请销号（须已上传证据附件）；delist 摘牌；reject 驳回",
    )
    content = serializers.CharField(
        required=False, allow_blank=True, help_text="进展内容、销号说明或审核意见/驳回理由"
    )


class ListingActionView(APIView):
    """Supervised rectification steps on one listing."""

    @extend_schema(
        request=ListingActionSerializer,
        responses={200: SupervisionListingSerializer},
        examples=[
            OpenApiExample(
                "报告进展", value={"action": "progress", "content": "已完成设备采购"}, request_only=True
            ),
            OpenApiExample(
                "驳回", value={"action": "reject", "content": "现场复查仍有泄漏"}, request_only=True
            ),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        _require(request, "dangers.view_supervisionlisting")
        listing = SupervisionListing.objects.visible_to(request.user).filter(pk=pk).first()
        if listing is None:
            record_denied_access(request, SupervisionListing, pk, reason="scope")
            raise NotFound
        data = ListingActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        action, content = data.validated_data["action"], data.validated_data.get("content", "")
        try:
            if action == "progress":
                services.report_progress(listing, user=request.user, content=content)
            elif action == "apply_closure":
                services.apply_for_closure(listing, user=request.user, note=content)
            elif action == "delist":
                services.delist(listing, user=request.user, note=content)
            else:
                services.reject_closure(listing, user=request.user, reason=content)
        except DjangoValidationError as e:
            raise _refused(e) from e
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from e
        listing.refresh_from_db()
        return Response(SupervisionListingSerializer(listing, context={"request": request}).data)
