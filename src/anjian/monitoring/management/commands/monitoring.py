"""``anjian monitoring tick`` (offline detection and escalation, for the scheduler) and
``anjian monitoring prune`` (retention of raw readings and rollups)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from anjian.monitoring import services, storage


class Command(BaseCommand):
    help = "监测预警定时任务：tick（离线检测、未确认报警逐级上报）；prune（按保存期限删除原始数据与统计）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["tick", "prune"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "tick":
            offline = services.detect_offline()
            notices = services.escalate()
            self.stdout.write(f"offline alarms opened: {offline}; escalation notices sent: {notices}")
            return
        result = storage.prune(
            timezone.localdate(), settings.MONITORING_RAW_DAYS, settings.MONITORING_ROLLUP_DAYS
        )
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in result.items()))
