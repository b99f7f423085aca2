from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.accounts import lockout
from anjian.audit.events import EventType
from anjian.audit.services import record_event


class Command(BaseCommand):
    help = "解除账号（或来源地址）因登录失败次数过多造成的锁定。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="", help="要解锁的用户名")
        parser.add_argument("--ip", default="", help="同时（或只）解锁这个来源地址")

    def handle(self, *args: Any, **options: Any) -> None:
        username, ip = options["username"], options["ip"]
        if not username and not ip:
            raise CommandError("请指定用户名或 --ip 来源地址。")
        removed = lockout.unlock(username=username, ip=ip)
        record_event(
            EventType.LOCKOUT,
            username=username,
            details={"action": "unlock", "username": username, "ip": ip, "counters": removed},
        )
        target = "、".join(item for item in (username, ip) if item)
        if removed:
            self.stdout.write(f"已解锁：{target}")
        else:
            self.stdout.write(f"{target} 没有锁定或失败记录。")
