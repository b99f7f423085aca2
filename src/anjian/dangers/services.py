"""Write path of hidden dangers and supervised rectification (挂牌督办).

Every verb validates, writes through the kernel's ``save_object`` (change log with who and when)
and sends its notices in the same transaction. A refused move raises ``ValidationError`` with a
Chinese message and changes nothing; a missing role raises ``PermissionDenied``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import AgencyLevel, Organization, OrgType, User
from anjian.core.attachments import add_attachment, attachments_of
from anjian.core.scope import scope_for
from anjian.core.services import delete_object, save_object
from anjian.dangers.models import (
    DangerSource,
    DangerStatus,
    HiddenDanger,
    ListingProgress,
    ListingStatus,
    SupervisionListing,
    review_days,
)
from anjian.notices.services import send_notice
from anjian.regions.models import Region

# The life cycle (Order 16; issue #6 part 2): every other move is refused.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    DangerStatus.REPORTED: frozenset({DangerStatus.RECTIFYING}),
    DangerStatus.RECTIFYING: frozenset({DangerStatus.AWAITING_VERIFICATION}),
    DangerStatus.AWAITING_VERIFICATION: frozenset({DangerStatus.CLOSED, DangerStatus.RECTIFYING}),
    DangerStatus.CLOSED: frozenset(),
}
ORDER_HINT = "已登记 → 整改中 → 待验收 → 已销号"

LEVEL_RANK: dict[str, int] = {
    AgencyLevel.COUNTY: 1,
    AgencyLevel.CITY: 2,
    AgencyLevel.PROVINCIAL: 3,
    AgencyLevel.NATIONAL: 4,
}
REGULATOR_TYPES = (OrgType.AGENCY, OrgType.COAL_SUPERVISION)


@dataclass(frozen=True)
class Evidence:
    """What a verification rests on: a note and the verifier (besides uploaded attachments)."""

    note: str = ""
    verified_by: str = ""


# --- who is acting ---------------------------------------------------------------------------


def display_name(user: Any) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "username", "") or "")


def is_enterprise_user(user: Any) -> bool:
    return user is not None and scope_for(user).enterprise_id is not None


def is_regulator(user: Any) -> bool:
    """A government user (or a superuser) acting for a regulator, not an enterprise."""
    if user is None:
        return False
    if getattr(user, "is_superuser", False):
        return True
    org = getattr(user, "organization", None)
    return bool(org is not None and org.is_government and not scope_for(user).nothing)


def regulator_rank(user: Any) -> int:
    """County 1, city 2, province 3, national 4; 0 for anyone who cannot list for supervision."""
    if getattr(user, "is_superuser", False):
        return LEVEL_RANK[AgencyLevel.NATIONAL]
    org = getattr(user, "organization", None)
    if org is None or not is_regulator(user):
        return 0
    return LEVEL_RANK.get(org.level, 0)


def _require_visible(danger: HiddenDanger, user: Any) -> None:
    if user is not None and not HiddenDanger.objects.visible_to(user).filter(pk=danger.pk).exists():
        raise PermissionDenied(_("该隐患不在您的管辖范围内。"))


def _require_change(user: Any) -> None:
    if user is not None and not user.has_perm("dangers.change_hiddendanger"):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


# --- regulators of a place -------------------------------------------------------------------


def regulator_levels(region: Region, sector: str) -> list[list[Organization]]:
    """The regulator organisations responsible for ``region`` and ``sector``, nearest level first
    (county, city, province, national); levels with no organisation on the platform are skipped."""
    chain: list[Region] = []
    node: Region | None = region
    while node is not None:
        chain.append(node)
        node = node.parent
    orgs = Organization.objects.filter(org_type__in=REGULATOR_TYPES).filter(region__in=chain)
    by_region: dict[str, list[Organization]] = {}
    for org in orgs.order_by("name"):
        if org.sectors and sector not in org.sectors:
            continue
        assert org.region_id is not None
        by_region.setdefault(org.region_id, []).append(org)
    levels = [by_region[r.code] for r in chain if r.code in by_region]
    national = [
        org
        for org in Organization.objects.filter(
            org_type__in=REGULATOR_TYPES, region__isnull=True, level=AgencyLevel.NATIONAL
        ).order_by("name")
        if not org.sectors or sector in org.sectors
    ]
    if national:
        levels.append(national)
    return levels


def users_of(orgs: Iterable[Organization]) -> list[User]:
    return list(User.objects.filter(organization__in=list(orgs), is_active=True).order_by("pk"))


def enterprise_users(enterprise_id: int) -> list[User]:
    return list(User.objects.filter(organization__enterprise_id=enterprise_id, is_active=True).order_by("pk"))


def notify(users: Iterable[User], title: str, body: str, link: str, key: str) -> int:
    return sum(1 for user in users if send_notice(user, title, body, link, key) is not None)


# --- hidden dangers --------------------------------------------------------------------------


def _stored(danger: HiddenDanger) -> HiddenDanger | None:
    return HiddenDanger.objects.filter(pk=danger.pk).first() if danger.pk else None


@transaction.atomic
def save_danger(
    danger: HiddenDanger, *, user: Any, scope_error_field: str | None = "enterprise"
) -> HiddenDanger:
    """Register or change a hidden danger. ``region``/``sector`` follow the enterprise; a major one
    is reported to the regulator automatically (once)."""
    stored = _stored(danger)
    if stored is not None:
        if stored.status == DangerStatus.CLOSED:
            raise ValidationError(_("已销号的隐患不能修改。"))
        if stored.is_major and not danger.is_major and stored.active_listing() is not None:
            raise ValidationError({"level": [_("该隐患正在挂牌督办，不能改为一般隐患。")]})
        if is_enterprise_user(user):
            _check_enterprise_change(stored, danger)
    danger.copy_enterprise_jurisdiction()
    newly_major = danger.is_major and danger.reported_to_regulator_at is None
    if newly_major:
        danger.reported_to_regulator_at = timezone.now()
    save_object(danger, user=user, scope_error_field=scope_error_field)
    if newly_major:
        report_major_to_regulator(danger)
    return danger


# Fields of a hidden danger registered by a regulator (inspection, complaint) only the regulator
# may change.
REGULATOR_FIELDS = ("deadline", "source", "found_by", "found_at")


def _check_enterprise_change(stored: HiddenDanger, danger: HiddenDanger) -> None:
    """An enterprise may not downgrade a major hidden danger (a regulator may), nor change the
    finding or the deadline of a hidden danger a regulator registered."""
    errors: dict[str, list[str]] = {}
    if stored.is_major and not danger.is_major:
        errors["level"] = [_("企业不能将重大隐患改为一般隐患，如确属误判请由监管部门修改。")]
    if stored.source != DangerSource.SELF_CHECK:
        for name in REGULATOR_FIELDS:
            if getattr(stored, name) != getattr(danger, name):
                label = getattr(HiddenDanger._meta.get_field(name), "verbose_name", name)
                errors[name] = [_("该隐患由监管部门登记，企业不能修改“%(field)s”。") % {"field": label}]
    if errors:
        raise ValidationError(errors)


def require_major_contents(danger: HiddenDanger, field: str = "to") -> None:
    """A major hidden danger must carry the Art. 14 report and Art. 15 plan contents."""
    missing = danger.missing_major_contents() if danger.is_major else []
    if missing:
        raise ValidationError(
            {
                field: [
                    _("重大隐患须补全重大隐患报告和治理方案内容，尚缺：%(fields)s。")
                    % {"fields": "、".join(missing)}
                ]
            }
        )


def report_major_to_regulator(danger: HiddenDanger) -> int:
    """The in-app report of a major hidden danger to the nearest regulator of its place (Art. 14)."""
    levels = regulator_levels(danger.region, danger.sector)
    if not levels:
        return 0
    title = _("重大事故隐患报告：%(enterprise)s") % {"enterprise": danger.enterprise.name}
    body = _("%(place)s：%(description)s（发现日期 %(found)s，整改期限 %(deadline)s）") % {
        "place": danger.place,
        "description": danger.description[:200],
        "found": danger.found_at.isoformat(),
        "deadline": danger.deadline.isoformat(),
    }
    return notify(users_of(levels[0]), title, body, danger.get_absolute_url(), f"dangers:major:{danger.uid}")


@transaction.atomic
def delete_danger(danger: HiddenDanger, *, user: Any) -> None:
    """Only a hidden danger still at "reported" and never listed may be deleted (a wrong entry);
    refusals are ``PermissionDenied`` like every refused delete (403 on pages and API)."""
    if danger.status != DangerStatus.REPORTED:
        raise PermissionDenied(_("隐患已进入整改流程，不能删除。"))
    if is_enterprise_user(user) and (danger.source != DangerSource.SELF_CHECK or danger.is_major):
        raise PermissionDenied(_("企业只能删除本企业自查登记、尚未整改的一般隐患。"))
    if danger.listings.exists():
        raise PermissionDenied(_("该隐患已挂牌督办，不能删除。"))
    for attachment in attachments_of(danger):
        delete_object(attachment, user=user)
    delete_object(danger, user=user)


def allowed_moves(danger: HiddenDanger, user: Any) -> list[str]:
    """The moves this user may try from the danger's state (for the action buttons)."""
    moves = []
    for to in sorted(ALLOWED_MOVES[danger.status]):
        try:
            _check_actor(danger, to, user)
        except (ValidationError, PermissionDenied):
            continue
        moves.append(to)
    return moves


def _check_actor(danger: HiddenDanger, to: str, user: Any, *, via_delisting: bool = False) -> None:
    _require_change(user)
    verification = danger.status == DangerStatus.AWAITING_VERIFICATION
    if verification and danger.is_major and is_enterprise_user(user):
        raise ValidationError(_("重大隐患须由监管部门验收销号，企业不能自行验收本企业的重大隐患。"))
    if to == DangerStatus.CLOSED and not via_delisting:
        listing = danger.active_listing()
        if listing is not None:
            raise ValidationError(
                _("该重大隐患已挂牌督办（%(no)s），须由督办单位审核摘牌后销号。")
                % {"no": listing.document_no}
            )
    if verification and to == DangerStatus.RECTIFYING and not via_delisting:
        listing = danger.active_listing()
        if listing is not None:
            raise ValidationError(
                _("该重大隐患已挂牌督办（%(no)s），销号申请须由督办单位或其上级审核驳回。")
                % {"no": listing.document_no}
            )


@transaction.atomic
def transition_danger(
    danger: HiddenDanger,
    to: str,
    *,
    user: Any,
    reason: str = "",
    evidence: Evidence | None = None,
    via_delisting: bool = False,
) -> HiddenDanger:
    """Move a hidden danger along its life cycle; refused moves change nothing."""
    danger = HiddenDanger.objects.select_for_update().get(pk=danger.pk)
    if to not in DangerStatus.values:
        raise ValidationError({"to": [_("未知的隐患状态：%(to)s") % {"to": to}]})
    if user is not None:
        _require_visible(danger, user)
    if to not in ALLOWED_MOVES[danger.status]:
        raise ValidationError(
            {
                "to": [
                    _("不能将隐患从“%(from)s”变为“%(to)s”：须按 %(order)s 的顺序办理。")
                    % {
                        "from": DangerStatus(danger.status).label,
                        "to": DangerStatus(to).label,
                        "order": ORDER_HINT,
                    }
                ]
            }
        )
    _check_actor(danger, to, user, via_delisting=via_delisting)
    now = timezone.now()
    evidence = evidence or Evidence()
    if to == DangerStatus.RECTIFYING and danger.status == DangerStatus.REPORTED:
        require_major_contents(danger)
        danger.rejection_reason = ""
    elif to == DangerStatus.RECTIFYING:  # verification rejected
        if not reason.strip():
            raise ValidationError({"reason": [_("验收不通过、退回整改时必须填写理由。")]})
        danger.rejection_reason = reason.strip()[:500]
        danger.rectified_at = None
    elif to == DangerStatus.AWAITING_VERIFICATION:
        require_major_contents(danger)
        danger.rectified_at = now
    elif to == DangerStatus.CLOSED:
        # Only files added once rectification was reported count: the finding photos are no
        # verification evidence.
        has_files = danger.rectified_at is not None and (
            attachments_of(danger).filter(created_at__gte=danger.rectified_at).exists()
        )
        if not evidence.note.strip() and not has_files:
            raise ValidationError(
                {
                    "evidence": [
                        _("销号须有验收证据：请上传验收照片或附件，或填写验收意见（验收人默认为当前用户）。")
                    ]
                }
            )
        danger.verified_by = (evidence.verified_by.strip() or display_name(user))[:64]
        danger.verification_note = evidence.note.strip()
        danger.verified_at = now
        danger.closed_at = now
    danger.status = to
    save_object(danger, user=user)
    return danger


# --- supervised rectification (挂牌督办) ------------------------------------------------------


def _require_lister(user: Any) -> None:
    if not user.has_perm("dangers.add_supervisionlisting") or regulator_rank(user) == 0:
        raise PermissionDenied(_("只有县级以上监管部门可以挂牌督办重大隐患。"))


@transaction.atomic
def save_listing(
    listing: SupervisionListing, *, user: Any, scope_error_field: str | None = "danger"
) -> SupervisionListing:
    """List a major hidden danger for supervision (the issuing authority is the user's
    organisation), or change the listing's document number, deadline or requirements."""
    if user is not None:
        _require_lister(user)
        if (
            listing.danger_id
            and not HiddenDanger.objects.visible_to(user).filter(pk=listing.danger_id).exists()
        ):
            raise ValidationError({"danger": [_("该隐患不在您的管辖范围内，不能挂牌督办。")]})
    if listing._state.adding:
        org = getattr(user, "organization", None)
        if org is None:
            raise PermissionDenied(_("只有县级以上监管部门可以挂牌督办重大隐患。"))
        listing.authority = org
    elif user is not None:
        _require_authority_or_higher(listing, user)
        if listing.status == ListingStatus.DELISTED:
            raise ValidationError(_("已摘牌的督办不能修改。"))
    return save_object(listing, user=user, scope_error_field=scope_error_field)


def _require_authority_or_higher(listing: SupervisionListing, user: Any) -> None:
    """Only the issuing authority or a higher level may change or withdraw a listing."""
    authority = Organization.objects.get(pk=listing.authority_id)
    if getattr(user, "organization_id", None) != authority.pk and regulator_rank(user) <= LEVEL_RANK.get(
        authority.level, 0
    ):
        raise PermissionDenied(
            _("该隐患由%(authority)s挂牌督办，只有挂牌单位或其上级可以修改或删除。")
            % {"authority": authority.name}
        )


@transaction.atomic
def delete_listing(listing: SupervisionListing, *, user: Any) -> None:
    if user is not None:
        _require_authority_or_higher(listing, user)
    if listing.status != ListingStatus.LISTED or listing.progress.exists():
        raise PermissionDenied(_("督办已有进展或已申请销号，不能删除；请审核后摘牌。"))
    delete_object(listing, user=user)


def _visible_listing(listing: SupervisionListing, user: Any) -> SupervisionListing:
    current: SupervisionListing | None = (
        SupervisionListing.objects.select_for_update().filter(pk=listing.pk).first()
    )
    if current is None or (
        user is not None and not SupervisionListing.objects.visible_to(user).filter(pk=listing.pk).exists()
    ):
        raise PermissionDenied(_("该督办不在您的管辖范围内。"))
    return current


@transaction.atomic
def report_progress(
    listing: SupervisionListing, *, user: Any, content: str, reported_on: datetime.date | None = None
) -> ListingProgress:
    _require_change(user)
    listing = _visible_listing(listing, user)
    if listing.status == ListingStatus.DELISTED:
        raise ValidationError(_("已摘牌的督办不能再报告进展。"))
    if not content.strip():
        raise ValidationError({"content": [_("请填写整改进展。")]})
    progress = ListingProgress(
        listing=listing, content=content.strip(), reported_on=reported_on or timezone.localdate()
    )
    return save_object(progress, user=user)


@transaction.atomic
def apply_for_closure(
    listing: SupervisionListing, *, user: Any, note: str, files: Sequence[Any] = ()
) -> SupervisionListing:
    """The enterprise applies for closure (销号申请) with evidence; the regulator must review by
    ``review_deadline`` (ANJIAN_DANGER_REVIEW_DAYS after the application). The evidence must be
    new: files uploaded after the listing (or after the last rejected application), never the
    photos taken when the danger was found."""
    _require_change(user)
    listing = _visible_listing(listing, user)
    if listing.status != ListingStatus.LISTED:
        raise ValidationError(
            _("当前督办状态为“%(status)s”，不能申请销号。") % {"status": listing.get_status_display()}
        )
    danger = listing.danger
    if not note.strip():
        raise ValidationError({"note": [_("请填写整改完成情况说明。")]})
    require_major_contents(danger, "note")
    for upload in files:
        add_attachment(danger, upload, user=user, description=_("销号申请证据"))
    since = max(filter(None, [listing.created_at, listing.reviewed_at]))
    if not attachments_of(danger).filter(created_at__gte=since).exists():
        raise ValidationError(
            {
                "files": [
                    _(
                        "申请销号须上传整改完成的照片或证明材料（挂牌督办后上传的新材料，发现隐患时的照片不能作为证据）。"
                    )
                ]
            }
        )
    if danger.status == DangerStatus.REPORTED:
        # Applying for closure is the end of rectification: the plan must be complete.
        danger = transition_danger(danger, DangerStatus.RECTIFYING, user=user)
    if danger.status == DangerStatus.RECTIFYING:
        transition_danger(danger, DangerStatus.AWAITING_VERIFICATION, user=user)
    today = timezone.localdate()
    listing.status = ListingStatus.CLOSURE_APPLIED
    listing.closure_applied_at = timezone.now()
    listing.review_deadline = today + datetime.timedelta(days=review_days())
    listing.review_note = ""
    save_object(listing, user=user)
    title = _("挂牌督办销号申请待审核：%(no)s") % {"no": listing.document_no}
    body = _("%(enterprise)s 已申请销号，请于 %(deadline)s 前完成现场审核。") % {
        "enterprise": danger.enterprise.name,
        "deadline": listing.review_deadline.isoformat(),
    }
    key = f"dangers:closure-applied:{listing.uid}:{listing.closure_applied_at.isoformat()}"
    notify(users_of([listing.authority]), title, body, listing.get_absolute_url(), key)
    return listing


def require_reviewer(listing: SupervisionListing, user: Any) -> None:
    if not user.has_perm("dangers.change_supervisionlisting") or regulator_rank(user) == 0:
        raise PermissionDenied(_("只有监管部门可以审核挂牌督办销号申请。"))
    authority_rank = LEVEL_RANK.get(listing.authority.level, 0)
    if (
        getattr(user, "organization_id", None) != listing.authority_id
        and regulator_rank(user) <= authority_rank
    ):
        raise ValidationError(
            _("该隐患由%(authority)s挂牌督办，须由挂牌单位或其上级审核。")
            % {"authority": listing.authority.name}
        )


@transaction.atomic
def delist(listing: SupervisionListing, *, user: Any, note: str = "") -> SupervisionListing:
    """The regulator's review passes: the listing is delisted (摘牌) and the hidden danger closed."""
    listing = _visible_listing(listing, user)
    require_reviewer(listing, user)
    if listing.status != ListingStatus.CLOSURE_APPLIED:
        raise ValidationError(_("企业尚未申请销号，不能摘牌。"))
    # The report and plan may have been emptied (or the danger upgraded) since the application.
    require_major_contents(listing.danger, "note")
    now = timezone.now()
    listing.status = ListingStatus.DELISTED
    listing.reviewed_at = now
    listing.delisted_at = now
    listing.review_note = note.strip() or _("现场审核通过，予以摘牌销号。")
    save_object(listing, user=user)
    transition_danger(
        listing.danger,
        DangerStatus.CLOSED,
        user=user,
        evidence=Evidence(note=listing.review_note, verified_by=display_name(user)),
        via_delisting=True,
    )
    return listing


@transaction.atomic
def reject_closure(listing: SupervisionListing, *, user: Any, reason: str) -> SupervisionListing:
    """The review fails: back to "listed" with the reason; the hidden danger back to rectifying."""
    listing = _visible_listing(listing, user)
    require_reviewer(listing, user)
    if listing.status != ListingStatus.CLOSURE_APPLIED:
        raise ValidationError(_("企业尚未申请销号，无需审核。"))
    if not reason.strip():
        raise ValidationError({"reason": [_("驳回销号申请时必须填写理由。")]})
    listing.status = ListingStatus.LISTED
    listing.reviewed_at = timezone.now()
    listing.review_note = reason.strip()
    listing.review_deadline = None
    save_object(listing, user=user)
    danger = listing.danger
    if danger.status == DangerStatus.AWAITING_VERIFICATION:
        transition_danger(danger, DangerStatus.RECTIFYING, user=user, reason=reason, via_delisting=True)
    title = _("挂牌督办销号申请被驳回：%(no)s") % {"no": listing.document_no}
    key = f"dangers:closure-rejected:{listing.uid}:{listing.reviewed_at.isoformat()}"
    notify(enterprise_users(danger.enterprise_id), title, reason.strip(), listing.get_absolute_url(), key)
    return listing
