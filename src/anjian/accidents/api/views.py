from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.accidents import services
from anjian.accidents.api.serializers import (
    GradeRequestSerializer,
    GradeResponseSerializer,
    ReportStepSerializer,
    RevisionSerializer,
    SupplementSerializer,
)
from anjian.accidents.choices import AccidentGrade
from anjian.accidents.grading import grade_accident
from anjian.accidents.models import AccidentReport, ReportStep


class GradeView(APIView):
    """Decree 493 grade of an accident from its figures (pure: nothing is read or written)."""

    @extend_schema(
        request=GradeRequestSerializer,
        responses={200: GradeResponseSerializer},
        examples=[
            OpenApiExample(
                "重伤人数决定等级",
                value={"deaths": 2, "serious_injuries": 60, "direct_loss_yuan": 1000000},
                request_only=True,
            ),
            OpenApiExample(
                "结果",
                value={
                    "grade": "major",
                    "grade_label": "重大事故",
                    "decided_by": ["serious_injuries"],
                    "report_up_to": "national",
                    "provisional": False,
                    "explanation": "重大事故，由重伤（含急性工业中毒）人数决定",
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        data = GradeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = grade_accident(**data.validated_data)
        return Response(
            {
                "grade": result.grade,
                "grade_label": str(AccidentGrade(result.grade).label),
                "decided_by": list(result.decided_by),
                "report_up_to": result.report_up_to,
                "provisional": result.provisional,
                "explanation": result.explanation(),
            }
        )


def _report(request: Request, pk: int, action: str) -> AccidentReport:
    if not request.user.has_perm(f"accidents.{action}_accidentreport"):
        raise PermissionDenied("您没有执行此操作的权限。")
    report: AccidentReport = get_object_or_404(AccidentReport.objects.visible_to(request.user), pk=pk)
    return report


class SupplementAPIView(APIView):
    """续报/补报: the figures that changed; answers the new immutable version."""

    @extend_schema(request=SupplementSerializer, responses={201: RevisionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        report = _report(request, pk, "change")
        data = SupplementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        note, reason = values.pop("note"), values.pop("reason")
        revision = services.file_supplement(
            report, user=request.user, figures=values, note=note, reason=reason
        )
        return Response(RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)


class ReceiptAPIView(APIView):
    """The caller's department confirms receipt of the report at ``level``."""

    @extend_schema(request=None, responses={200: ReportStepSerializer})
    def post(self, request: Request, pk: int, level: str) -> Response:
        report = _report(request, pk, "view")
        step = get_object_or_404(ReportStep, report=report, level=level)
        try:
            step = services.confirm_receipt(step, user=request.user)
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from e
        return Response(ReportStepSerializer(step).data)
