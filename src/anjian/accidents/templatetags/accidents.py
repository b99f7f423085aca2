from __future__ import annotations

from typing import Any

from django import template

from anjian.accidents.models import ReportStep
from anjian.accidents.services import receive_error

register = template.Library()


@register.filter
def receivable_by(step: ReportStep, user: Any) -> bool:
    """Whether ``user`` may confirm receipt at ``step`` now."""
    return step.received_at is None and receive_error(step, user) is None


@register.filter
def late_now(step: ReportStep) -> bool:
    return step.is_late()
