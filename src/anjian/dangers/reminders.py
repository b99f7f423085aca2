"""Reminders and escalation of hidden dangers, run by ``anjian remind`` (the periodic scheduler).

Idempotent: every notice carries a dedupe key naming the event (the danger, its deadline, the
stage), so running the command again, or twice a day, sends nothing new. A changed deadline is a
new event.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import Organization, User
from anjian.dangers.models import DangerLevel, DangerStatus, HiddenDanger, ListingStatus, SupervisionListing
from anjian.dangers.services import enterprise_users, notify, regulator_levels, users_of
from anjian.notices.models import Notice
from anjian.regions.models import Region


@dataclass
class ReminderCounts:
    due_soon: int = 0
    overdue: int = 0
    escalated: int = 0
    review_overdue: int = 0

    def __str__(self) -> str:
        return (
            f"hidden danger deadline reminders: {self.due_soon}; overdue notices: {self.overdue}; "
            f"escalations: {self.escalated}; overdue closure reviews: {self.review_overdue}"
        )


class _Directory:
    """The regulator levels of a place and the users of an organisation or enterprise, looked up
    once per run (many dangers share a county)."""

    def __init__(self) -> None:
        self._levels: dict[tuple[str, str], list[list[Organization]]] = {}
        self._users: dict[tuple[int, ...], list[User]] = {}
        self._enterprise: dict[int, list[User]] = {}

    def levels(self, region: Region, sector: str) -> list[list[Organization]]:
        key = (region.code, sector)
        if key not in self._levels:
            self._levels[key] = regulator_levels(region, sector)
        return self._levels[key]

    def users(self, orgs: list[Organization]) -> list[User]:
        key = tuple(org.pk for org in orgs)
        if key not in self._users:
            self._users[key] = users_of(orgs)
        return self._users[key]

    def enterprise(self, enterprise_id: int) -> list[User]:
        if enterprise_id not in self._enterprise:
            self._enterprise[enterprise_id] = enterprise_users(enterprise_id)
        return self._enterprise[enterprise_id]


def _already_sent(keys: Iterable[str]) -> set[tuple[int, str]]:
    """(recipient, key) of the notices already sent for these keys: one query per 500 keys
    instead of one per recipient (``send_notice`` stays the guard against races)."""
    unique = sorted(set(keys))
    sent: set[tuple[int, str]] = set()
    for start in range(0, len(unique), 500):
        rows = Notice.objects.filter(key__in=unique[start : start + 500]).values_list("recipient_id", "key")
        sent.update(rows)
    return sent


def _fresh(users: Iterable[User], key: str, sent: set[tuple[int, str]]) -> list[User]:
    return [user for user in users if user.is_active and (user.pk, key) not in sent]


def _due_key(danger: HiddenDanger) -> str:
    return f"dangers:due:{danger.uid}:{danger.deadline.isoformat()}"


def _overdue_key(danger: HiddenDanger) -> str:
    return f"dangers:overdue:{danger.uid}:{danger.deadline.isoformat()}"


def _escalation_key(danger: HiddenDanger, stage: int) -> str:
    return f"dangers:escalate:{danger.uid}:{danger.deadline.isoformat()}:{stage}"


def remind_due_soon(today: datetime.date, directory: _Directory | None = None) -> int:
    """To the responsible person's account (or, without one, the enterprise's users)."""
    last = today + datetime.timedelta(days=settings.DANGER_REMIND_DAYS)
    dangers = list(
        HiddenDanger.objects.exclude(status=DangerStatus.CLOSED)
        .filter(deadline__gte=today, deadline__lte=last)
        .select_related("enterprise", "responsible_user")
    )
    directory = directory or _Directory()
    already = _already_sent(_due_key(danger) for danger in dangers)
    sent = 0
    for danger in dangers:
        key = _due_key(danger)
        users = _fresh(
            [danger.responsible_user]
            if danger.responsible_user
            else directory.enterprise(danger.enterprise_id),
            key,
            already,
        )
        if not users:
            continue
        title = _("隐患整改即将到期：%(place)s") % {"place": danger.place}
        body = _("%(enterprise)s 的隐患“%(description)s”整改期限为 %(deadline)s（剩 %(days)d 天）。") % {
            "enterprise": danger.enterprise.name,
            "description": danger.description[:60],
            "deadline": danger.deadline.isoformat(),
            "days": (danger.deadline - today).days,
        }
        sent += notify(users, title, body, danger.get_absolute_url(), key)
    return sent


def notify_overdue(today: datetime.date, directory: _Directory | None = None) -> int:
    """To the enterprise (its head and safety staff: the enterprise's users) and its regulator."""
    directory = directory or _Directory()
    dangers = list(HiddenDanger.objects.overdue(today).select_related("enterprise", "region"))
    already = _already_sent(_overdue_key(danger) for danger in dangers)
    sent = 0
    for danger in dangers:
        key = _overdue_key(danger)
        levels = directory.levels(danger.region, danger.sector)
        regulators = directory.users(levels[0]) if levels else []
        users = _fresh(directory.enterprise(danger.enterprise_id) + regulators, key, already)
        if not users:
            continue
        title = _("隐患整改已逾期：%(enterprise)s") % {"enterprise": danger.enterprise.name}
        body = _("%(level)s“%(description)s”（%(place)s）整改期限 %(deadline)s 已过，尚未销号。") % {
            "level": danger.get_level_display(),
            "description": danger.description[:60],
            "place": danger.place,
            "deadline": danger.deadline.isoformat(),
        }
        sent += notify(users, title, body, danger.get_absolute_url(), key)
    return sent


def escalate_overdue_major(today: datetime.date, directory: _Directory | None = None) -> int:
    """An overdue major hidden danger goes one regulator level up for every
    ``DANGER_ESCALATE_DAYS`` days overdue (county → city → province → national)."""
    step = max(1, settings.DANGER_ESCALATE_DAYS)
    first = today - datetime.timedelta(days=step)
    dangers = list(
        HiddenDanger.objects.overdue(today)
        .filter(level=DangerLevel.MAJOR, deadline__lte=first)
        .select_related("enterprise", "region")
    )
    directory = directory or _Directory()
    stages_of = {danger.pk: (today - danger.deadline).days // step for danger in dangers}
    already = _already_sent(
        _escalation_key(danger, stage) for danger in dangers for stage in range(1, stages_of[danger.pk] + 1)
    )
    sent = 0
    for danger in dangers:
        levels = directory.levels(danger.region, danger.sector)
        for stage in range(1, min(stages_of[danger.pk], len(levels) - 1) + 1):
            key = _escalation_key(danger, stage)
            users = _fresh(directory.users(levels[stage]), key, already)
            if not users:
                continue
            title = _("重大隐患逾期未整改（提级督促）：%(enterprise)s") % {
                "enterprise": danger.enterprise.name
            }
            body = _("重大隐患“%(description)s”整改期限 %(deadline)s，已逾期 %(days)d 天，请督促整改。") % {
                "description": danger.description[:60],
                "deadline": danger.deadline.isoformat(),
                "days": (today - danger.deadline).days,
            }
            sent += notify(users, title, body, danger.get_absolute_url(), key)
    return sent


def remind_review_overdue(today: datetime.date) -> int:
    """Closure applications not reviewed within the review window: to the listing authority."""
    listings = SupervisionListing.objects.filter(
        status=ListingStatus.CLOSURE_APPLIED, review_deadline__lt=today
    ).select_related("authority", "danger__enterprise")
    sent = 0
    for listing in listings:
        assert listing.review_deadline is not None
        title = _("挂牌督办销号审核已超期：%(no)s") % {"no": listing.document_no}
        body = _("%(enterprise)s 的销号申请应于 %(deadline)s 前完成现场审核。") % {
            "enterprise": listing.danger.enterprise.name,
            "deadline": listing.review_deadline.isoformat(),
        }
        key = f"dangers:review-overdue:{listing.uid}:{listing.review_deadline.isoformat()}"
        sent += notify(users_of([listing.authority]), title, body, listing.get_absolute_url(), key)
    return sent


def send_danger_reminders(today: datetime.date | None = None) -> ReminderCounts:
    today = today or timezone.localdate()
    directory = _Directory()
    return ReminderCounts(
        due_soon=remind_due_soon(today, directory),
        overdue=notify_overdue(today, directory),
        escalated=escalate_overdue_major(today, directory),
        review_overdue=remind_review_overdue(today),
    )
