"""Who submitted, who is late and who never submitted, for a duty and a period: one SQL query
over the enterprises within the caller's scope (annotated, so it filters, sorts and pages)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors
from anjian.enterprises.models import Enterprise
from anjian.obligations.models import DutySubmission, ReportingDuty
from anjian.obligations.periods import Period


@with_colors(submitted="green", late="orange", never="red", pending="secondary")
class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("按时报送")
    LATE = "late", _("逾期报送")
    NEVER = "never", _("逾期未报")
    PENDING = "pending", _("未到期未报")


UNSUBMITTED = (SubmissionStatus.NEVER, SubmissionStatus.PENDING)


def submissions_for(duty: ReportingDuty, period: Period) -> QuerySet[DutySubmission]:
    """The filings that count for the period (a rolling duty: any filing within its window)."""
    rows: QuerySet[DutySubmission] = DutySubmission.objects.filter(duty=duty)
    if duty.rule.rolling:
        return rows.filter(submitted_at__date__gte=period.start)
    return rows.filter(period=period.label)


def enterprise_status(
    duty: ReportingDuty, period: Period, enterprises: QuerySet[Enterprise], today: date
) -> QuerySet[Any]:
    """``enterprises`` the duty applies to, annotated with ``duty_status`` and ``submitted_at``."""
    first = submissions_for(duty, period).filter(enterprise=OuterRef("pk")).order_by("submitted_at")
    late = ExpressionWrapper(Q(submitted_at__date__gt=F("deadline")), output_field=BooleanField())
    overdue = duty.rule.rolling or period.deadline < today
    return (
        enterprises.filter(duty.enterprise_filter())
        .annotate(
            submitted_at=Subquery(first.values("submitted_at")[:1]),
            submitted_late=Subquery(first.annotate(late=late).values("late")[:1]),
        )
        .annotate(
            duty_status=Case(
                When(
                    submitted_at__isnull=True,
                    then=Value(SubmissionStatus.NEVER if overdue else SubmissionStatus.PENDING),
                ),
                When(submitted_late=True, then=Value(SubmissionStatus.LATE)),
                default=Value(SubmissionStatus.SUBMITTED),
                output_field=models.CharField(),
            )
        )
    )


def status_counts(rows: QuerySet[Any]) -> dict[str, int]:
    counts: dict[str, Any] = dict(rows.order_by().values_list("duty_status").annotate(n=models.Count("id")))
    return {status.value: int(counts.get(status.value, 0)) for status in SubmissionStatus}
