"""Write path of major hazard sources: every change to a unit or its substances recomputes and
stores the GB 18218 assessment in the same transaction, with the table edition used."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.services import delete_object, save_object
from anjian.hazards import gb18218
from anjian.hazards.models import FilingStatus, HazardUnit, HazardUnitSubstance


def assessment_error(error: gb18218.AssessmentError, rows: Sequence[HazardUnitSubstance]) -> ValidationError:
    """The pure module's errors as one validation error naming the row and field."""
    messages: dict[str, list[str]] = {}
    for index, fields in error.errors.items():
        for name, texts in fields.items():
            if index is None:
                messages.setdefault(name, []).extend(texts)
                continue
            label = str(rows[index]) if index < len(rows) else str(index + 1)
            prefix = _("第 %(n)d 种物质（%(name)s）：") % {"n": index + 1, "name": label}
            messages.setdefault("substances", []).extend(prefix + text for text in texts)
    return ValidationError(messages)


def normalize_substance(substance: HazardUnitSubstance, resolved: gb18218.ResolvedSubstance) -> None:
    """Store the identity the tables resolved: normalised CAS, Table 1 row and name."""
    substance.cas = resolved.cas
    substance.table1_row = resolved.table1_row
    substance.name = resolved.name
    substance.category = ", ".join(gb18218.split_categories(substance.category))


def apply_assessment(unit: HazardUnit, rows: Sequence[HazardUnitSubstance]) -> gb18218.Assessment:
    """Assess ``rows`` as the unit's substances and set the stored result on ``unit`` (unsaved)."""
    try:
        result = gb18218.assess([row.as_input() for row in rows], unit.exposed_people)
    except gb18218.AssessmentError as e:
        raise assessment_error(e, rows) from e
    for row, item in zip(rows, result.items, strict=True):
        normalize_substance(row, item.substance)
    stored = (unit.s, unit.r, unit.grade, unit.is_major, unit.table_edition)
    unit.s, unit.r, unit.grade = result.s, result.r, result.grade
    unit.is_major, unit.table_edition = result.is_major, result.edition
    if stored != (unit.s, unit.r, unit.grade, unit.is_major, unit.table_edition) or unit.assessed_at is None:
        unit.assessed_at = timezone.now()
        if unit.pk and unit.filing_status != FilingStatus.DRAFT:
            # A changed result makes the filed record out of date: it has to be filed again.
            unit.filing_status, unit.filing_note = FilingStatus.DRAFT, ""
    return result


@transaction.atomic
def save_unit(
    unit: HazardUnit,
    *,
    user: Any,
    scope_error_field: str | None = "enterprise",
    substances: Sequence[HazardUnitSubstance] | None = None,
    removed: Sequence[HazardUnitSubstance] = (),
) -> HazardUnit:
    """Create or change a unit. ``substances`` (when given, or pending from the edit page) is the
    unit's full new list of substances and ``removed`` those to delete; otherwise the stored
    substances are reassessed."""
    if substances is None and unit.pending_substances is not None:
        substances, removed = unit.pending_substances
        unit.pending_substances = None
    rows = list(substances) if substances is not None else (list(unit.substances.all()) if unit.pk else [])
    if unit.pk and user is not None and not _is_regulator(user) and _filed(unit):
        # An enterprise changing a unit it has filed must file it again.
        unit.filing_status = FilingStatus.DRAFT
    apply_assessment(unit, rows)
    save_object(unit, user=user, scope_error_field=scope_error_field)
    if substances is not None:
        for row in removed:
            if row.pk:
                delete_object(row, user=user)
        for row in rows:
            row.unit = unit
            save_object(row, user=user)
    return unit


@transaction.atomic
def add_substance(unit: HazardUnit, substance: HazardUnitSubstance, *, user: Any) -> HazardUnitSubstance:
    save_unit(unit, user=user, substances=[*unit.substances.all(), substance])
    return substance


@transaction.atomic
def remove_substance(substance: HazardUnitSubstance, *, user: Any) -> None:
    unit = substance.unit
    keep = [s for s in unit.substances.all() if s.pk != substance.pk]
    save_unit(unit, user=user, substances=keep, removed=[substance])


@transaction.atomic
def delete_unit(unit: HazardUnit, *, user: Any) -> None:
    if user is not None and not _is_regulator(user) and _filed(unit):
        raise PermissionDenied(
            _("已提交或已受理备案的重大危险源不能由企业删除；如需注销，请联系属地监管部门。")
        )
    for substance in unit.substances.all():
        delete_object(substance, user=user)
    delete_object(unit, user=user)


# --- filing with the regulator (备案) ------------------------------------------------------------


def _filed(unit: HazardUnit) -> bool:
    """The unit, as stored, is filed with or accepted by the regulator."""
    stored = HazardUnit.objects.filter(pk=unit.pk).values_list("filing_status", flat=True).first()
    return stored in (FilingStatus.FILED, FilingStatus.ACCEPTED)


def _is_regulator(user: Any) -> bool:
    org = getattr(user, "organization", None)
    return bool(getattr(user, "is_superuser", False) or (org is not None and org.is_government))


@transaction.atomic
def submit_filing(unit: HazardUnit, *, user: Any) -> HazardUnit:
    """The enterprise (or its regulator on its behalf) files an identified major hazard source."""
    if not unit.is_major:
        raise ValidationError(_("该单元未构成重大危险源，无需备案。"))
    if unit.filing_status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        raise ValidationError(
            _("当前备案状态为“%(status)s”，不能提交。") % {"status": unit.get_filing_status_display()}
        )
    unit.filing_status, unit.filing_note, unit.filed_at = FilingStatus.FILED, "", timezone.now()
    return save_object(unit, user=user)


@transaction.atomic
def review_filing(unit: HazardUnit, *, user: Any, accept: bool, reason: str = "") -> HazardUnit:
    """The regulator accepts the filing, or returns it with a reason."""
    if not _is_regulator(user):
        raise PermissionDenied(_("只有监管部门可以受理或退回备案。"))
    if unit.filing_status != FilingStatus.FILED:
        raise ValidationError(
            _("当前备案状态为“%(status)s”，不能审核。") % {"status": unit.get_filing_status_display()}
        )
    if not accept and not reason.strip():
        raise ValidationError({"filing_note": [_("退回备案时必须填写理由。")]})
    unit.filing_status = FilingStatus.ACCEPTED if accept else FilingStatus.RETURNED
    unit.filing_note = "" if accept else reason.strip()[:200]
    return save_object(unit, user=user)
