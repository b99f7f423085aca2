"""The enterprise's own duties on its home page: each duty's current period, deadline and status."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from anjian.core.scope import scope_for
from anjian.enterprises.models import Enterprise
from anjian.obligations.models import DutySubmission, ReportingDuty
from anjian.obligations.periods import current_period
from anjian.obligations.status import SubmissionStatus, enterprise_status

register = template.Library()


@register.simple_tag
def enterprise_duties(user: Any) -> list[dict[str, Any]]:
    enterprise_id = scope_for(user).enterprise_id
    if enterprise_id is None:
        return []
    today = timezone.localdate()
    own = Enterprise.objects.filter(pk=enterprise_id)
    rows = []
    for duty in ReportingDuty.objects.filter(active=True):
        last = (
            DutySubmission.objects.filter(enterprise_id=enterprise_id, duty=duty)
            .order_by("-submitted_at")
            .values_list("submitted_at", flat=True)
            .first()
        )
        period = current_period(duty.rule, today, timezone.localdate(last) if last else None)
        found = enterprise_status(duty, period, own, today).values_list("duty_status", flat=True).first()
        if found is None:
            continue  # the duty does not apply to this enterprise
        status = SubmissionStatus(found)
        rows.append(
            {
                "duty": duty,
                "period": period,
                "status": status,
                "color": {"submitted": "green", "late": "orange", "never": "red"}.get(status, "secondary"),
                "days_left": (period.deadline - today).days,
            }
        )
    return rows
