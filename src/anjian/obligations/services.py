"""Write path of direct reporting and its reminders. Filings go through the kernel's
``save_object`` (which runs the model's clean(): period format, applicability, deadline)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.core.scope import scope_for
from anjian.core.services import delete_object, save_object
from anjian.enterprises.models import Enterprise
from anjian.notices.services import send_notice
from anjian.obligations.models import DutySubmission, ReportingDuty
from anjian.obligations.periods import Period, current_period, rolling_period
from anjian.obligations.status import UNSUBMITTED, enterprise_status


def save_submission(
    submission: DutySubmission, *, user: Any, scope_error_field: str | None = None
) -> DutySubmission:
    """An enterprise's filing time is the server's clock, never a date it types in; a regulator
    recording a paper filing may set it."""
    if user is not None and not is_regulator(user):
        if submission._state.adding:
            submission.submitted_at = timezone.now()
        else:
            stored = (
                DutySubmission.objects.filter(pk=submission.pk).values_list("submitted_at", flat=True).first()
            )
            if stored is not None:
                submission.submitted_at = stored
    return save_object(submission, user=user, scope_error_field=scope_error_field)


delete_submission = delete_object

REMIND_WITHIN_DAYS = 7


def is_regulator(user: Any) -> bool:
    """A government user who may act on filings (not an enterprise, not an administrator)."""
    scope = scope_for(user)
    return (
        not scope.nothing
        and scope.enterprise_id is None
        and bool(user.has_perm("obligations.change_dutysubmission"))
    )


def reminder_key(duty: ReportingDuty, period: Period, enterprise_id: int) -> str:
    return f"obligations:{duty.code}:{period.label}:{enterprise_id}"


def remind_enterprises(duty: ReportingDuty, period: Period, enterprise_ids: Iterable[int]) -> int:
    """Send the duty's reminder to every active user of each enterprise; the number of new notices
    (an enterprise already reminded for this duty and period gets nothing new)."""
    users = User.objects.filter(
        organization__enterprise_id__in=list(enterprise_ids), is_active=True
    ).select_related("organization")
    title = _("直报提醒：%(duty)s（%(period)s）") % {"duty": duty.name, "period": period.label}
    body = _("请于 %(deadline)s 前完成报送。") % {"deadline": period.deadline.isoformat()}
    sent = 0
    for user in users:
        enterprise_id = user.organization.enterprise_id
        assert enterprise_id is not None
        key = reminder_key(duty, period, enterprise_id)
        if send_notice(user, title, body, reverse("home"), key) is not None:
            sent += 1
    return sent


def remind_unsubmitted(duty: ReportingDuty, period: Period, enterprises: Any, today: date) -> int:
    rows = enterprise_status(duty, period, enterprises, today).filter(duty_status__in=UNSUBMITTED)
    return remind_enterprises(duty, period, rows.values_list("pk", flat=True))


def remind_due_soon(today: date | None = None) -> int:
    """Reminders for every duty due within ``REMIND_WITHIN_DAYS`` days (the scheduler's job)."""
    today = today or timezone.localdate()
    sent = 0
    for duty in ReportingDuty.objects.filter(active=True):
        if duty.rule.rolling:
            sent += _remind_rolling(duty, today)
            continue
        period = current_period(duty.rule, today)
        if 0 <= (period.deadline - today).days <= REMIND_WITHIN_DAYS:
            sent += remind_unsubmitted(duty, period, Enterprise.objects.all(), today)
    return sent


def _remind_rolling(duty: ReportingDuty, today: date) -> int:
    last = DutySubmission.objects.filter(duty=duty, enterprise=OuterRef("pk")).order_by().values("enterprise")
    rows = (
        Enterprise.objects.filter(duty.enterprise_filter())
        .annotate(last=Subquery(last.annotate(m=Max("submitted_at")).values("m")[:1]))
        .filter(last__isnull=False)
        .values_list("pk", "last")
    )
    sent = 0
    for pk, last_filed in rows:
        period = rolling_period(duty.rule, today, timezone.localdate(last_filed))
        if 0 <= (period.deadline - today).days <= REMIND_WITHIN_DAYS:
            due = Period(period.deadline.isoformat(), period.start, period.end, period.deadline)
            sent += remind_enterprises(duty, due, [pk])
    return sent


LICENCE_REMINDER_DAYS = (7, 30, 90)


def remind_expiring_licences(today: date | None = None) -> int:
    """Licence expiry reminders 90, 30 and 7 days before the end of validity: one notice per
    licence, validity end and threshold, to every active user of the licence's enterprise."""
    from anjian.enterprises.models import Licence

    today = today or timezone.localdate()
    expiring = Licence.objects.filter(
        valid_to__gte=today, valid_to__lte=today + timedelta(days=max(LICENCE_REMINDER_DAYS))
    )
    licences = list(expiring.select_related("enterprise"))
    users_by_enterprise: dict[int, list[User]] = {}
    for user in User.objects.filter(
        organization__enterprise_id__in={licence.enterprise_id for licence in licences}, is_active=True
    ).select_related("organization"):
        enterprise_id = user.organization.enterprise_id if user.organization else None
        if enterprise_id is not None:
            users_by_enterprise.setdefault(enterprise_id, []).append(user)
    sent = 0
    for licence in licences:
        days_left = (licence.valid_to - today).days
        threshold = min(days for days in LICENCE_REMINDER_DAYS if days_left <= days)
        title = _("证照即将到期：%(kind)s %(number)s") % {
            "kind": licence.get_kind_display(),
            "number": licence.number,
        }
        body = _("%(enterprise)s 的证照将于 %(date)s 到期（剩 %(days)d 天），请及时办理延续。") % {
            "enterprise": licence.enterprise.name,
            "date": licence.valid_to.isoformat(),
            "days": days_left,
        }
        key = f"licence:{licence.pk}:{licence.valid_to.isoformat()}:{threshold}"
        for user in users_by_enterprise.get(licence.enterprise_id, []):
            if send_notice(user, title, body, reverse("home"), key) is not None:
                sent += 1
    return sent
