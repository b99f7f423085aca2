"""Write path of accident reporting. Views, API and imports call these verbs; each is atomic,
validates, writes through the kernel (change log, scope re-check) and leaves nothing behind when
it refuses."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.chain import (
    ChainLevel,
    StepTimes,
    TimeLimits,
    chain_for_ancestry,
    due_times,
    required_chain,
)
from anjian.accidents.choices import AccidentStatus, InvestigationStatus, ReportLevel, RevisionKind
from anjian.accidents.models import (
    CASUALTY_FIELDS,
    AccidentReport,
    AccidentRevision,
    Investigation,
    ReportStep,
)
from anjian.accounts.models import AgencyLevel, OrgType
from anjian.core.scope import region_prefix, scope_for
from anjian.core.services import delete_object, save_object
from anjian.regions.models import Region

AGENCY_LEVEL = {
    ReportLevel.COUNTY: AgencyLevel.COUNTY,
    ReportLevel.CITY: AgencyLevel.CITY,
    ReportLevel.PROVINCE: AgencyLevel.PROVINCIAL,
    ReportLevel.NATIONAL: AgencyLevel.NATIONAL,
}


# --- who may file -------------------------------------------------------------------------------


def filer_error(report: AccidentReport, user: Any) -> str | None:
    """An enterprise reports its own accidents only (shared by form, API and import)."""
    if user is None:
        return None
    own = scope_for(user).enterprise_id
    if own is not None and report.enterprise_id != own:
        return _("您只能报送本单位的事故，不能为其他单位报送。")
    return None


# --- the report ---------------------------------------------------------------------------------


@transaction.atomic
def save_accident(
    report: AccidentReport, *, user: Any, scope_error_field: str | None = "region"
) -> AccidentReport:
    """File a new accident report (首报) or correct its descriptive fields.

    Casualties and loss change only through a supplementary report (``file_supplement``), which
    keeps every version.
    """
    if error := filer_error(report, user):
        raise ValidationError({"enterprise": [error]})
    creating = report._state.adding
    if not creating:
        current = AccidentReport.objects.get(pk=report.pk)
        changed = [name for name in CASUALTY_FIELDS if getattr(current, name) != getattr(report, name)]
        if changed:
            message = _("伤亡人数和直接经济损失的变化请通过续报/补报提交。")
            raise ValidationError({name: [message] for name in changed})
        moved = [name for name in CHAIN_FIELDS if getattr(current, name) != getattr(report, name)]
        received = Q(received_at__isnull=False) | Q(satisfied_at__isnull=False)
        if moved and current.steps.filter(received).exists():
            message = _("已有部门确认接收，事发区县、时间和事故类型不能再修改；更正请在续报中说明。")
            raise ValidationError({name.removesuffix("_id"): [message] for name in moved})
    else:
        moved = []
    saved = save_object(report, user=user, scope_error_field=scope_error_field)
    if creating:
        _add_revision(saved, user, kind=RevisionKind.INITIAL, changes={}, previous_grade="")
    if creating or moved:
        # Read the steps from the database: the caller may hold a prefetched (stale) list.
        # A corrected place, time or type changes who must receive the report and by when.
        for step in ReportStep.objects.filter(report=saved):
            delete_object(step, user=user)
        sync_chain(saved, user=user, triggered_at=saved.occurred_at)
        _confirm_own_level(saved, user)
    return saved


# The fields that decide the reporting chain: frozen once any level has received the report.
CHAIN_FIELDS = ("region_id", "occurred_at", "accident_type")


@transaction.atomic
def delete_accident(report: AccidentReport, *, user: Any) -> None:
    if Investigation.objects.filter(report=report).exists():
        raise PermissionDenied(_("该事故已立案调查，不能删除。"))
    delete_object(report, user=user)


def _add_revision(
    report: AccidentReport, user: Any, *, kind: str, changes: dict[str, Any], previous_grade: str,
    note: str = "", reason: str = "",
) -> AccidentRevision:  # fmt: skip
    number = (report.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    revision = AccidentRevision(
        report=report,
        number=number,
        kind=kind,
        note=note,
        reason=reason,
        changes=changes,
        previous_grade=previous_grade,
        **report.figures(),
    )
    revision.apply_grade(revision.compute_grade())
    return save_object(revision, user=user)


# --- the reporting chain ------------------------------------------------------------------------


def available_chain(region: Region) -> list[ChainLevel]:
    ancestry: list[tuple[str, str]] = []
    node: Region | None = region
    while node is not None:
        ancestry.append((node.code, node.level))
        node = node.parent
    return chain_for_ancestry(ancestry)


def sync_chain(report: AccidentReport, *, user: Any, triggered_at: datetime) -> list[ReportStep]:
    """Make the report's steps match its grade: add the levels it now requires (due from
    ``triggered_at`` on), drop levels no longer required that nobody has received, and recompute
    every due time."""
    required = required_chain(available_chain(report.region), report.grade)
    existing = {step.level: step for step in ReportStep.objects.filter(report=report)}
    levels = {item.level for item in required}
    for level, step in list(existing.items()):
        if level not in levels and not step.is_satisfied:
            delete_object(step, user=user)
            del existing[level]
    steps: list[ReportStep] = []
    for sequence, item in enumerate(required):
        step = (
            existing.pop(item.level)
            if item.level in existing
            else ReportStep(
                report=report,
                level=item.level,
                jurisdiction_id=item.region_code,
                triggered_at=triggered_at,
            )
        )
        step.sequence = sequence
        steps.append(step)
    steps.extend(sorted(existing.values(), key=lambda s: s.sequence))  # received above the requirement
    _save_with_dues(report, steps, user)
    _forget_prefetched(report)
    return steps


def _forget_prefetched(report: AccidentReport) -> None:
    """Drop the steps and versions a view may have prefetched: they changed underneath it."""
    getattr(report, "_prefetched_objects_cache", {}).clear()


def _save_with_dues(report: AccidentReport, steps: list[ReportStep], user: Any) -> None:
    times = [StepTimes(step.triggered_at, step.received_at) for step in steps]
    for step, due in zip(steps, due_times(report.occurred_at, times, TimeLimits.configured()), strict=True):
        step.due_at = due
        save_object(step, user=user)


def receive_error(step: ReportStep, user: Any) -> str | None:
    """Why ``user`` may not confirm receipt at ``step`` (None: they may)."""
    if user is None or not user.has_perm("accidents.change_accidentreport"):
        return _("您没有确认接收事故报告的权限。")
    if user.is_superuser:
        return None
    org = user.organization
    if org is None or org.org_type != OrgType.AGENCY:
        return _("只有应急管理部门可以确认接收事故报告。")
    if org.level != AGENCY_LEVEL[ReportLevel(step.level)]:
        return _("本环节应由%(level)s应急管理部门确认接收。") % {"level": ReportLevel(step.level).label}
    if step.level != ReportLevel.NATIONAL:
        prefix = region_prefix(org.region.code, org.region.level) if org.region else None
        if prefix is None or not step.report.region_id.startswith(prefix):
            return _("事故发生地不在贵单位管辖范围内。")
    return None


@transaction.atomic
def confirm_receipt(step: ReportStep, *, user: Any, at: datetime | None = None) -> ReportStep:
    """The department at ``step``'s level confirms it has the report. Lower levels that have not
    received it are satisfied by this skip-level report (越级上报)."""
    step = ReportStep.objects.select_for_update().select_related("report__region").get(pk=step.pk)
    if error := receive_error(step, user):
        raise PermissionDenied(error)
    if step.received_at is not None:
        raise ValidationError(_("%(level)s已于 %(time)s 确认接收。") % {
            "level": step.get_level_display(),
            "time": timezone.localtime(step.received_at).strftime("%Y-%m-%d %H:%M"),
        })  # fmt: skip
    now = at or timezone.now()
    step.received_at = now
    step.received_by = user if getattr(user, "pk", None) else None
    step.received_by_org = str(getattr(user, "organization", "") or "")
    step.satisfied_at = None
    step.satisfied_by_level = ""
    report = step.report
    steps = sorted(ReportStep.objects.filter(report=report), key=lambda s: s.sequence)
    steps = [step if s.pk == step.pk else s for s in steps]
    for lower in steps:
        if lower.sequence < step.sequence and not lower.is_satisfied:
            lower.satisfied_at = now
            lower.satisfied_by_level = step.level
    _save_with_dues(report, steps, user)
    _forget_prefetched(step.report)
    return step


def _confirm_own_level(report: AccidentReport, user: Any) -> None:
    """A department that files a report itself has it at its own level."""
    for step in ReportStep.objects.filter(report=report):
        if receive_error(step, user) is None and user is not None and not user.is_superuser:
            confirm_receipt(step, user=user)
            return


# --- supplementary reports (续报/补报) -----------------------------------------------------------


@transaction.atomic
def file_supplement(
    report: AccidentReport,
    *,
    user: Any,
    figures: dict[str, Any],
    note: str = "",
    reason: str = "",
    now: datetime | None = None,
) -> AccidentRevision:
    """Record a change of casualties or loss as a new immutable version, regrade the accident and,
    when the grade rises, extend the reporting chain to the level the new grade requires."""
    report = AccidentReport.objects.select_for_update().select_related("region").get(pk=report.pk)
    if error := filer_error(report, user):
        raise ValidationError({"enterprise": [error]})
    now = now or timezone.now()
    deadline = report.supplement_deadline()
    if now > deadline:
        raise ValidationError(
            _(
                "已超过补报期限：%(kind)s伤亡人数发生变化的，应在事故发生之日起 %(days)d 日内补报"
                "（截至 %(deadline)s）。"
            )
            % {
                "kind": report.get_accident_type_display(),
                "days": report.supplement_window_days(),
                "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
            }
        )
    changes: dict[str, list[Any]] = {}
    for name in CASUALTY_FIELDS:
        if name not in figures:
            continue
        before, after = getattr(report, name), figures[name]
        if name == "direct_loss_yuan" and after is not None:
            after = Decimal(str(after))
        if before != after:
            changes[name] = [_plain(before), _plain(after)]
            setattr(report, name, after)
    errors: dict[str, list[str]] = {}
    if not changes and not note.strip():
        errors["__all__"] = [_("与上一版本相比没有变化，请填写变化后的人数或进展情况。")]
    if "deaths" in changes and changes["deaths"][1] < changes["deaths"][0] and not reason.strip():
        errors["reason"] = [_("死亡人数减少时必须说明原因。")]
    if errors:
        raise ValidationError(errors)
    previous_grade = report.grade
    saved = save_object(report, user=user, scope_error_field="region")
    revision = _add_revision(
        saved, user, kind=RevisionKind.SUPPLEMENT, changes=changes, previous_grade=previous_grade,
        note=note, reason=reason,
    )  # fmt: skip
    if saved.grade != previous_grade:
        sync_chain(saved, user=user, triggered_at=now)
    _forget_prefetched(report)
    return revision


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


# --- investigation ------------------------------------------------------------------------------


@transaction.atomic
def save_investigation(
    investigation: Investigation, *, user: Any, scope_error_field: str | None = "report"
) -> Investigation:
    saved = save_object(investigation, user=user, scope_error_field=scope_error_field)
    status = (
        AccidentStatus.CLOSED if saved.status == InvestigationStatus.CLOSED else AccidentStatus.INVESTIGATING
    )
    report = saved.report
    if report.status != status:
        report.status = status
        save_object(report, user=user)
    return saved


@transaction.atomic
def delete_investigation(investigation: Investigation, *, user: Any) -> None:
    report = investigation.report
    delete_object(investigation, user=user)
    if report.status != AccidentStatus.REPORTING:
        report.status = AccidentStatus.REPORTING
        save_object(report, user=user)
