from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from anjian.audit.archive import ArchiveError, archive_before, verify_chain


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链；archive --before 日期 导出并清理早于该日期的事件。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计事件哈希链")
        archive = sub.add_parser("archive", help="归档并清理早于指定日期的事件")
        archive.add_argument("--before", required=True, help="日期 YYYY-MM-DD（本地时区零点）")
        archive.add_argument("--dir", default=None, help="归档文件目录，默认 var/audit-archive")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            count, broken = verify_chain()
            if broken is not None:
                raise CommandError(
                    f"审计链断裂：事件 {broken.event_id}：{broken.reason}（此前 {count} 条校验通过）"
                )
            self.stdout.write(f"审计链完整：{count} 条事件校验通过")
            return
        try:
            day = datetime.strptime(options["before"], "%Y-%m-%d").date()
        except ValueError as e:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['before']}") from e
        before = timezone.make_aware(datetime.combine(day, time.min))
        directory = Path(options["dir"]) if options["dir"] else Path(settings.VAR_DIR) / "audit-archive"
        try:
            result = archive_before(before, directory)
        except ArchiveError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"已归档 {result.count} 条事件：{result.path}")
