"""Write path of monitoring: points, the alarm life cycle, escalation and offline detection.

Alarms are raised by the ingest worker (``apply_transitions``, no acting user) and moved on by
people: ``acknowledge`` → ``handle`` (cause and measures) → closed, automatically when the
values have recovered, or by ``close`` once handled. Escalation (``escalate``) notifies the
enterprise's duty officers at once, then the county, city and provincial regulators when the
alarm stays unacknowledged for the configured minutes; notices carry dedupe keys, so the job
may run as often as wanted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import GOVERNMENT_TYPES, User
from anjian.accounts.roles import RoleCode
from anjian.core.registry import write_outbox
from anjian.core.services import delete_object, save_object
from anjian.monitoring import rules as R
from anjian.monitoring.models import (
    Alarm,
    AlarmKind,
    AlarmStatus,
    EscalationLevel,
    MonitoringPoint,
    PointStatus,
)
from anjian.monitoring.storage import to_datetime
from anjian.notices.services import send_notice
from anjian.regions.models import Region

save_point = save_object
delete_point = delete_object

_NOT_CLOSED = ~Q(status=AlarmStatus.CLOSED)


def _local_open(point_id: int, kind: str) -> Alarm | None:
    """The not-closed alarm of this node for a point and kind, locked until the transaction ends
    (alarms received from other nodes are read-only copies: this node never changes them)."""
    alarm: Alarm | None = (
        Alarm.objects.select_for_update()
        .filter(_NOT_CLOSED, point_id=point_id, kind=kind, source_node=settings.NODE_CODE)
        .order_by("pk")
        .first()
    )
    return alarm


def _value(value: float | None) -> float | None:
    """A reading value for an alarm row (an offline point that never reported has none)."""
    return None if value is None or math.isnan(value) else value


# --- raised by the ingest worker ----------------------------------------------------------------


def open_alarm(transition: R.Transition, enterprise_id: int) -> Alarm:
    """The alarm of a condition that started: a new one, or the one of its kind still not closed
    (recovered but unhandled, or opened by another worker) updated with the new value. The
    enterprise is notified by ``notify_opened`` once the alarm is committed."""
    value = _value(transition.value)
    alarm = _local_open(transition.point_id, transition.kind)
    if alarm is not None:
        # A shared record: the change gets a new version and an exchange outbox row.
        alarm.peak_value = transition.peak if alarm.peak_value is None else _worse(alarm, transition.peak)
        alarm.recovered_at = None
        alarm.last_value = value
        return save_object(alarm, user=None)
    return save_object(
        Alarm(
            point_id=transition.point_id,
            enterprise_id=enterprise_id,
            kind=transition.kind,
            opened_at=to_datetime(transition.t),
            threshold=transition.threshold,
            first_value=value,
            peak_value=transition.peak,
            last_value=value,
        ),
        user=None,
    )


def _worse(alarm: Alarm, value: float) -> float:
    peak = alarm.peak_value if alarm.peak_value is not None else value
    return min(peak, value) if alarm.kind in (AlarmKind.LOW, AlarmKind.LOW_LOW) else max(peak, value)


def recover_alarm(transition: R.Transition) -> Alarm | None:
    """The condition ended: the alarm closes if it was handled, else it waits for the handling."""
    alarm = _local_open(transition.point_id, transition.kind)
    if alarm is None:
        return None
    alarm.recovered_at = to_datetime(transition.t)
    alarm.last_value = _value(transition.value)
    if transition.kind != AlarmKind.OFFLINE:
        alarm.peak_value = _worse(alarm, transition.peak)
    if alarm.status == AlarmStatus.HANDLED:
        alarm.status = AlarmStatus.CLOSED
        alarm.closed_at = alarm.recovered_at
    return save_object(alarm, user=None)  # a new version and its exchange outbox row


def update_peaks(peaks: dict[tuple[int, str], tuple[float, float]]) -> None:
    """The peak and last value of alarms still active at the end of a batch (the hot path: a few
    bulk statements per batch). The peak is shared with other nodes, so the alarms whose peak
    changed get a new version and an exchange outbox row; the last value alone is local."""
    if not peaks:
        return
    rows = (
        Alarm.objects.select_for_update()
        .filter(_NOT_CLOSED, point_id__in={point_id for point_id, _kind in peaks})
        .filter(source_node=settings.NODE_CODE)
        .only("pk", "point_id", "kind", "peak_value", "last_value", "version")
    )
    changed: list[Alarm] = []
    last_only: list[Alarm] = []
    for row in rows:
        found = peaks.get((row.point_id, row.kind))
        if found is None:
            continue
        peak, last = found
        new_peak = _worse(row, peak)
        if new_peak != row.peak_value:
            row.peak_value, row.last_value = new_peak, last
            row.version = F("version") + 1
            changed.append(row)
        elif last != row.last_value:
            row.last_value = last
            last_only.append(row)
    if last_only:
        Alarm.objects.bulk_update(last_only, ["last_value"])
    if changed:
        Alarm.objects.bulk_update(changed, ["peak_value", "last_value", "version"])
        fresh = Alarm.objects.filter(pk__in=[row.pk for row in changed]).select_related("point", "enterprise")
        for alarm in fresh.order_by("pk"):
            write_outbox(alarm, "upsert")


def apply_transitions(transitions: Iterable[R.Transition], enterprise_of: dict[int, int]) -> list[Alarm]:
    """Alarms for the transitions of a batch, in order; the alarms opened (or re-opened)."""
    opened = []
    for transition in transitions:
        if transition.opened:
            opened.append(open_alarm(transition, enterprise_of[transition.point_id]))
        else:
            recover_alarm(transition)
    return opened


def notify_opened(alarms: Iterable[Alarm]) -> int:
    """Tell the enterprise's duty officers about new alarms (after the batch is committed, so a
    slow notice never delays the alarm rows of the next readings)."""
    sent = 0
    for alarm in alarms:
        if alarm.escalation_level < EscalationLevel.ENTERPRISE:
            with transaction.atomic():
                sent += notify(alarm, EscalationLevel.ENTERPRISE)
    return sent


# --- moved on by people -------------------------------------------------------------------------


def _check_status(alarm: Alarm, allowed: tuple[str, ...], action: str) -> None:
    if alarm.status not in allowed:
        raise ValidationError(
            _("报警当前状态为“%(status)s”，不能%(action)s。")
            % {"status": alarm.get_status_display(), "action": action}
        )


@transaction.atomic
def acknowledge(alarm: Alarm, *, user: Any) -> Alarm:
    _check_status(alarm, (AlarmStatus.OPEN,), _("确认"))
    alarm.status = AlarmStatus.ACKNOWLEDGED
    alarm.acknowledged_at = timezone.now()
    alarm.acknowledged_by = user if getattr(user, "pk", None) else None
    return save_object(alarm, user=user)


@transaction.atomic
def handle(alarm: Alarm, *, user: Any, cause: str, measures: str) -> Alarm:
    """Record the cause and the measures; an alarm whose values have recovered closes at once."""
    _check_status(alarm, (AlarmStatus.OPEN, AlarmStatus.ACKNOWLEDGED, AlarmStatus.HANDLED), _("处置"))
    now = timezone.now()
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at = now
        alarm.acknowledged_by = user if getattr(user, "pk", None) else None
    alarm.cause, alarm.measures = cause.strip(), measures.strip()
    alarm.status = AlarmStatus.HANDLED
    alarm.handled_at = now
    alarm.handled_by = user if getattr(user, "pk", None) else None
    alarm.full_clean()
    if alarm.recovered_at is not None:
        alarm.status = AlarmStatus.CLOSED
        alarm.closed_at = now
    return save_object(alarm, user=user)


@transaction.atomic
def close(alarm: Alarm, *, user: Any) -> Alarm:
    """Close a handled alarm whose condition has not been seen to recover (e.g. a dismantled sensor)."""
    _check_status(alarm, (AlarmStatus.HANDLED,), _("关闭"))
    alarm.status = AlarmStatus.CLOSED
    alarm.closed_at = timezone.now()
    return save_object(alarm, user=user)


# --- escalation ---------------------------------------------------------------------------------

_AGENCY_LEVELS = {
    EscalationLevel.COUNTY: "county",
    EscalationLevel.CITY: "city",
    EscalationLevel.PROVINCE: "province",
}


def recipients(alarm: Alarm, level: int) -> list[User]:
    """Who is told at ``level``: the enterprise's safety officers and administrators, or the users
    of the regulators of the enterprise's county, city or province that supervise its sector."""
    enterprise = alarm.enterprise
    users = User.objects.filter(is_active=True).select_related("organization")
    if level == EscalationLevel.ENTERPRISE:
        return list(
            users.filter(
                organization__enterprise_id=enterprise.pk,
                roles__code__in=[RoleCode.ENTERPRISE_SAFETY_OFFICER, RoleCode.ENTERPRISE_ADMIN],
            ).distinct()
        )
    wanted = _AGENCY_LEVELS.get(EscalationLevel(level))
    region: Region | None = enterprise.region
    while region is not None and region.level != wanted:
        region = region.parent
    if region is None:
        return []  # no such level above this enterprise (a municipality has no city level)
    found = []
    for user in users.filter(
        organization__region_id=region.code, organization__org_type__in=GOVERNMENT_TYPES
    ):
        org = user.organization
        assert org is not None
        if (not org.sectors or enterprise.sector in org.sectors) and user.has_perm("monitoring.view_alarm"):
            found.append(user)
    return found


def notify(alarm: Alarm, level: int) -> int:
    """Send the alarm's notice to the recipients of ``level`` (once per alarm and level)."""
    title = _("监测报警：%(enterprise)s %(point)s %(kind)s") % {
        "enterprise": alarm.enterprise.name,
        "point": alarm.point.name,
        "kind": alarm.get_kind_display(),
    }
    body = _("%(time)s 起，点位 %(code)s（%(location)s）%(kind)s，峰值 %(peak)s %(unit)s。") % {
        "time": timezone.localtime(alarm.opened_at).strftime("%Y-%m-%d %H:%M:%S"),
        "code": alarm.point.code,
        "location": alarm.point.location or alarm.point.name,
        "kind": alarm.get_kind_display(),
        "peak": "—" if alarm.peak_value is None else f"{alarm.peak_value:g}",
        "unit": alarm.point.unit,
    }
    if level > EscalationLevel.ENTERPRISE:
        body += _("报警超过规定时间未确认，已逐级上报。")
    link = reverse("monitoring:alarm_detail", args=[alarm.pk])
    sent = 0
    for user in recipients(alarm, level):
        if send_notice(user, title, body, link, f"monitoring:alarm:{alarm.uid}:{level}") is not None:
            sent += 1
    if alarm.escalation_level < level:
        _raise_level(alarm, level)
    return sent


def _raise_level(alarm: Alarm, level: int) -> None:
    """Record the level told (a shared field: new version and exchange outbox row)."""
    if alarm.source_node == settings.NODE_CODE:
        with transaction.atomic():
            current = Alarm.objects.select_for_update().get(pk=alarm.pk)
            if current.escalation_level < level:
                current.escalation_level = level
                save_object(current, user=None)
                alarm.version = current.version
    alarm.escalation_level = level


def due_level(alarm: Alarm, now: datetime) -> int:
    """The highest level that should know about an unacknowledged alarm by ``now``."""
    minutes = (now - alarm.opened_at).total_seconds() / 60
    level = int(EscalationLevel.ENTERPRISE)
    for step, limit in enumerate(settings.MONITORING_ESCALATION_MINUTES[:3], start=2):
        if minutes >= limit:
            level = step
    return level


def escalate(now: datetime | None = None) -> int:
    """Notify the next levels of every unacknowledged alarm that waited too long; notices sent."""
    now = now or timezone.now()
    sent = 0
    # Alarms received from other nodes are escalated by the node that raised them.
    alarms = Alarm.objects.filter(status=AlarmStatus.OPEN, source_node=settings.NODE_CODE).select_related(
        "enterprise__region", "point"
    )
    for alarm in alarms:
        target = due_level(alarm, now)
        for level in range(alarm.escalation_level + 1, target + 1):
            sent += notify(alarm, level)
    return sent


# --- offline detection ----------------------------------------------------------------------------


def detect_offline(now: datetime | None = None) -> int:
    """Open an offline alarm for every active point silent for N reporting cycles (the scheduler's
    job; the ingest worker checks its own points on a timer too). A point that has never reported
    of this node counts as silent since it was created (copies of other nodes' points report to
    their own node). The number opened."""
    now = now or timezone.now()
    now_ms = int(now.timestamp() * 1000)
    cycles = settings.MONITORING_OFFLINE_CYCLES
    points = (
        MonitoringPoint.objects.filter(active=True)
        .filter(Q(status__isnull=False) | Q(source_node=settings.NODE_CODE))
        .select_related("status")
    )
    already = set(
        Alarm.objects.filter(_NOT_CLOSED, kind=AlarmKind.OFFLINE).values_list("point_id", flat=True)
    )
    opened = 0
    for point in points.iterator(chunk_size=2000):
        status = getattr(point, "status", None)
        if status is not None:
            last_t, last_value = status.last_t, status.last_value
        else:
            last_t, last_value = int(point.created_at.timestamp() * 1000), math.nan
        silent_ms = now_ms - last_t
        if point.pk in already or silent_ms < point.cycle_s * 1000 * cycles:
            continue
        transition = R.Transition(
            point.pk, R.OFFLINE, True, now_ms, last_value, float(point.cycle_s * cycles), 0.0
        )
        with transaction.atomic():
            open_alarm(transition, point.enterprise_id)
        opened += 1
    return opened


def point_states(point_ids: Iterable[int] | None = None) -> dict[int, tuple[int, float]]:
    """Last ``(t, value)`` of points from the status table (for a worker starting up)."""
    rows = PointStatus.objects.all()
    if point_ids is not None:
        rows = rows.filter(point_id__in=list(point_ids))
    return {pk: (t, v) for pk, t, v in rows.values_list("point_id", "last_t", "last_value")}


def active_conditions(enterprise_id: int | None = None) -> dict[int, dict[str, float]]:
    """Alarm conditions not yet recovered, per point (a worker starting up continues them)."""
    found: dict[int, dict[str, float]] = {}
    alarms = Alarm.objects.filter(_NOT_CLOSED, recovered_at__isnull=True)
    if enterprise_id is not None:
        alarms = alarms.filter(enterprise_id=enterprise_id)
    rows = alarms.values_list("point_id", "kind", "peak_value")
    for point_id, kind, peak in rows:
        found.setdefault(point_id, {})[kind] = peak if peak is not None else 0.0
    return found
