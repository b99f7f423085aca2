"""``anjian remind``: deadline reminders for the periodic scheduler. Idempotent: every notice has
a dedupe key, so running it twice sends nothing new."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from anjian.dangers.reminders import send_danger_reminders
from anjian.obligations.services import remind_due_soon, remind_expiring_licences


class Command(BaseCommand):
    help = (
        "Send in-app reminders: reporting duties due within 7 days, licences expiring in 90/30/7 days, "
        "hidden danger deadlines, overdue notices and escalations, overdue closure reviews."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        duties = remind_due_soon()
        licences = remind_expiring_licences()
        self.stdout.write(f"duty reminders sent: {duties}; licence reminders sent: {licences}")
        self.stdout.write(str(send_danger_reminders()))
