"""Write path of the statistical tables: save (pre-filling blank figures from the enterprise's
records), submit (signed by the principal person in charge, late flag against the deadline),
delete (drafts only)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.services import delete_object, save_object
from anjian.dangerstats.models import FIGURE_FIELDS, DangerStatReport, ReportPeriod
from anjian.dangerstats.reports import enterprise_figures


def _refuse_if_submitted(report: DangerStatReport) -> None:
    if report.pk and DangerStatReport.objects.filter(pk=report.pk, submitted_at__isnull=False).exists():
        raise ValidationError(_("该统计表已报送，不能再修改或删除；如需更正，请联系属地监管部门。"))


def prefill(report: DangerStatReport) -> None:
    """Blank figures take the values the enterprise's own records give for the period."""
    if not report.enterprise_id or not report.year or report.period not in ReportPeriod.values:
        return
    blank = [name for name in FIGURE_FIELDS if getattr(report, name) is None]
    if not blank:
        return
    figures = enterprise_figures(report.enterprise_id, report.year, report.period)
    for name in blank:
        setattr(report, name, figures[name])


@transaction.atomic
def save_report(
    report: DangerStatReport, *, user: Any, scope_error_field: str | None = None
) -> DangerStatReport:
    _refuse_if_submitted(report)
    report.derive()
    prefill(report)
    return save_object(report, user=user, scope_error_field=scope_error_field)


@transaction.atomic
def refresh_figures(report: DangerStatReport, *, user: Any) -> DangerStatReport:
    """Recount every figure of a draft from the enterprise's records now (corrections are
    replaced: the note says why a figure differs, so it is kept)."""
    _refuse_if_submitted(report)
    for name in FIGURE_FIELDS:
        setattr(report, name, None)
    return save_report(report, user=user)


@transaction.atomic
def submit_report(report: DangerStatReport, *, user: Any) -> DangerStatReport:
    """Send the table to the regulators: it needs the principal's signature, and is late when sent
    after the deadline day (Asia/Shanghai)."""
    _refuse_if_submitted(report)
    if not report.principal.strip():
        raise ValidationError({"principal": [_("报送前须由主要负责人签字（填写主要负责人姓名）。")]})
    now = timezone.now()
    report.derive()
    prefill(report)
    report.submitted_at = now
    report.late = timezone.localdate(now) > report.deadline
    return save_object(report, user=user)


@transaction.atomic
def delete_report(report: DangerStatReport, *, user: Any) -> None:
    if report.submitted_at is not None:
        raise PermissionDenied(_("该统计表已报送，不能删除。"))
    delete_object(report, user=user)
