from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from anjian.accounts.models import APIToken, User


class Command(BaseCommand):
    help = "为用户签发接口令牌并打印（只保存其摘要，令牌仅显示这一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=0, help="有效天数；0 表示不过期")
        parser.add_argument("--description", default="", help="用途说明")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在：{options['username']}")
        if not user.is_active:
            raise CommandError(f"账号已停用：{user.username}")
        expires = timezone.now() + timedelta(days=options["days"]) if options["days"] > 0 else None
        _token, key = APIToken.issue(user, description=options["description"], expires_at=expires)
        self.stdout.write(key)
