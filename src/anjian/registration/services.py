"""Write path of enterprise self-registration: submit (anyone, on the internet node), approve and
reject (the regulator of the application's region and sector).

Approval is the one service-level path that creates an account outside the system
administrator's account management: the account belongs to the enterprise the regulator has just
registered, holds only the enterprise administrator role, and its creation is audited like any other.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.administration import generate_password, username_taken, validate_account
from anjian.accounts.models import Organization, OrgType, Role, User
from anjian.accounts.passwords import set_initial_password
from anjian.accounts.roles import RoleCode
from anjian.audit.events import EventType
from anjian.audit.services import record_event
from anjian.core.services import save_object
from anjian.core.uscc import normalize_uscc
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import save_enterprise
from anjian.registration.models import EnterpriseRegistration, RegistrationStatus

CHANGE_PERM = "registration.change_enterpriseregistration"


def enterprise_uscc_errors(uscc: str) -> list[str]:
    """The enterprise registry's own refusal of a code already registered (its message names the
    existing enterprise's region), so that an application and the registry cannot disagree."""
    probe = Enterprise(uscc=normalize_uscc(uscc))
    others = [field.name for field in Enterprise._meta.concrete_fields if field.name != "uscc"]
    try:
        probe.validate_unique(exclude=others)
    except ValidationError as e:
        return list(e.message_dict.get("uscc", e.messages))
    return []


def registration_conflicts(
    uscc: str, username: str, *, exclude_pk: int | None = None
) -> dict[str, list[str]]:
    """Why an application cannot be accepted now: the code is registered or already applied for,
    or the account name is taken or already applied for."""
    uscc, username = normalize_uscc(uscc), username.strip()
    pending = EnterpriseRegistration.objects.filter(status=RegistrationStatus.PENDING).exclude(pk=exclude_pk)
    errors: dict[str, list[str]] = {}
    if uscc:
        if found := enterprise_uscc_errors(uscc):
            errors["uscc"] = found
        elif pending.filter(uscc=uscc).exists():
            errors["uscc"] = [_("该统一社会信用代码已有待审核的注册申请，请勿重复提交。")]
    if username and (username_taken(username) or pending.filter(username__iexact=username).exists()):
        errors["username"] = [_("账号“%(username)s”已被使用，请换一个。") % {"username": username}]
    return errors


@transaction.atomic
def submit_registration(
    registration: EnterpriseRegistration, *, request: HttpRequest | None = None
) -> EnterpriseRegistration:
    """Accept an application from the public page (no user: the applicant has no account yet)."""
    if errors := registration_conflicts(registration.uscc, registration.username):
        raise ValidationError(errors)
    registration.status = RegistrationStatus.PENDING
    save_object(registration, user=None)
    record_event(
        EventType.REGISTRATION_SUBMIT,
        request=request,
        username=registration.username,
        obj=registration,
        details={
            "tracking_number": registration.tracking_number,
            "uscc": registration.uscc,
            "region": registration.region_id,
            "sector": registration.sector,
        },
    )
    return registration


def may_review(user: Any, registration: EnterpriseRegistration) -> bool:
    """A regulator (government organisation) with the change permission whose scope covers the
    application's region and sector."""
    if user is None or not user.has_perm(CHANGE_PERM):
        return False
    org = getattr(user, "organization", None)
    if not (user.is_superuser or (org is not None and org.is_government)):
        return False
    return bool(EnterpriseRegistration.objects.visible_to(user).filter(pk=registration.pk).exists())


def _locked_pending(registration: EnterpriseRegistration, user: Any) -> EnterpriseRegistration:
    if not may_review(user, registration):
        raise PermissionDenied(_("只有该申请所在区域、所属行业的监管部门可以审核。"))
    current: EnterpriseRegistration = EnterpriseRegistration.objects.select_for_update().get(
        pk=registration.pk
    )
    if not current.is_pending:
        raise ValidationError(
            _("该申请已处理（%(status)s），不能重复审核。") % {"status": current.get_status_display()}
        )
    return current


def _organization_name(name: str, uscc: str) -> str:
    if Organization.objects.filter(name=name).exists():
        return f"{name}（{uscc}）"
    return name


@transaction.atomic
def approve_registration(
    registration: EnterpriseRegistration, *, user: Any, request: HttpRequest | None = None
) -> tuple[Enterprise, User, str]:
    """Register the enterprise (as the approving regulator, so the scope re-check applies), create
    its organisation and its enterprise administrator with an initial password. Returns the
    enterprise, the account and the password, which is shown once and never stored in clear."""
    current = _locked_pending(registration, user)
    enterprise = Enterprise(
        uscc=current.uscc,
        name=current.name,
        region=current.region,
        sector=current.sector,
        contact_phone=current.contact_phone,
    )
    save_enterprise(enterprise, user=user)
    organization = Organization(
        name=_organization_name(current.name, current.uscc),
        org_type=OrgType.ENTERPRISE,
        region=current.region,
        sectors=[current.sector],
        enterprise=enterprise,
        uscc=current.uscc,
    )
    organization.full_clean()
    organization.save()
    account = validate_account(current.username, current.contact_name, organization, current.contact_phone)
    password = generate_password(account)
    try:
        with transaction.atomic():
            set_initial_password(account, password)
    except IntegrityError as e:  # the account name was taken meanwhile
        raise ValidationError(
            {"username": [_("账号“%(username)s”已存在。") % {"username": account.username}]}
        ) from e
    account.roles.set([Role.objects.get_or_create(code=RoleCode.ENTERPRISE_ADMIN)[0]])
    current.status = RegistrationStatus.APPROVED
    current.reviewed_at = timezone.now()
    current.reviewed_by = user
    current.enterprise = enterprise
    save_object(current, user=user)
    record_event(
        EventType.ACCOUNT_CREATE,
        request=request,
        user=user,
        obj=account,
        details={"username": account.username, "organization": str(organization), "via": "registration"},
    )
    record_event(
        EventType.ROLE_CHANGE,
        request=request,
        user=user,
        obj=account,
        details={"before": [], "after": [RoleCode.ENTERPRISE_ADMIN.value], "via": "registration"},
    )
    record_event(
        EventType.REGISTRATION_APPROVE,
        request=request,
        user=user,
        obj=current,
        details={
            "tracking_number": current.tracking_number,
            "enterprise": enterprise.pk,
            "uscc": enterprise.uscc,
            "username": account.username,
        },
    )
    registration.refresh_from_db()
    return enterprise, account, password


@transaction.atomic
def reject_registration(
    registration: EnterpriseRegistration, reason: str, *, user: Any, request: HttpRequest | None = None
) -> EnterpriseRegistration:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"review_reason": [_("驳回申请时必须填写理由。")]})
    current = _locked_pending(registration, user)
    current.status = RegistrationStatus.REJECTED
    current.review_reason = reason[:500]
    current.reviewed_at = timezone.now()
    current.reviewed_by = user
    save_object(current, user=user)
    record_event(
        EventType.REGISTRATION_REJECT,
        request=request,
        user=user,
        obj=current,
        details={"tracking_number": current.tracking_number, "reason": current.review_reason},
    )
    registration.refresh_from_db()
    return current
