"""Detail-page helpers: the status timeline read from the change log, and the actions the
current user may take on a hidden danger or a supervision listing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.core.exceptions import PermissionDenied, ValidationError

from anjian.core.choices import color_of
from anjian.dangers import services
from anjian.dangers.models import DangerStatus, ListingStatus, SupervisionListing

register = template.Library()


@dataclass(frozen=True)
class TimelineEntry:
    time: Any
    user: str
    label: str
    color: str
    note: str


@register.simple_tag
def status_timeline(changes: Any, choices_name: str = "danger") -> list[TimelineEntry]:
    """Each change of the ``status`` field (and the registration), oldest first."""
    choices: Any = DangerStatus if choices_name == "danger" else ListingStatus
    entries = []
    for change in reversed(list(changes)):
        after = change.after or {}
        before = change.before or {}
        if change.action == "create" or before.get("status") != after.get("status"):
            status = str(after.get("status"))
            if status not in choices.values:
                continue
            note = (
                after.get("rejection_reason")
                or after.get("review_note")
                or after.get("verification_note")
                or ""
            )
            if change.action == "create":
                note = ""
            entries.append(
                TimelineEntry(
                    time=change.time,
                    user=change.user_name,
                    label=str(choices(status).label),
                    color=color_of(choices, status),
                    note=str(note),
                )
            )
    return entries


@register.simple_tag
def danger_moves(danger: Any, user: Any) -> list[tuple[str, str]]:
    """(status, label) of the moves this user may try from the danger's state."""
    return [(to, str(DangerStatus(to).label)) for to in services.allowed_moves(danger, user)]


@register.simple_tag
def listing_actions(listing: SupervisionListing, user: Any) -> dict[str, bool]:
    open_ = listing.status != ListingStatus.DELISTED
    reviewer = True
    try:
        services.require_reviewer(listing, user)
    except (ValidationError, PermissionDenied):
        reviewer = False
    return {
        "progress": open_,
        "apply": listing.status == ListingStatus.LISTED,
        "review": reviewer and listing.status == ListingStatus.CLOSURE_APPLIED,
    }
