from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from anjian.accounts.models import APIToken, User
from anjian.accounts.services import issue_token, revoke_token


class Command(BaseCommand):
    help = "为用户签发接口令牌并打印（只保存其摘要，令牌仅显示这一次）；或用 --revoke 吊销令牌。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="")
        parser.add_argument("--days", type=int, default=0, help="有效天数；0 表示不过期")
        parser.add_argument("--description", default="", help="用途说明")
        parser.add_argument(
            "--allow-ip",
            default="",
            help="允许的来源地址或网段，逗号分隔（如 10.1.0.0/16,192.0.2.7）；不填表示不限",
        )
        parser.add_argument("--revoke", metavar="PREFIX", default="", help="吊销前缀为 PREFIX 的令牌")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["revoke"]:
            self.revoke(options["revoke"], options["username"])
            return
        if not options["username"]:
            raise CommandError("请指定用户名。")
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在：{options['username']}")
        if not user.is_active:
            raise CommandError(f"账号已停用：{user.username}")
        expires = timezone.now() + timedelta(days=options["days"]) if options["days"] > 0 else None
        try:
            _token, key = issue_token(
                user, description=options["description"], expires_at=expires, allowed_ips=options["allow_ip"]
            )
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from e
        self.stdout.write(key)

    def revoke(self, prefix: str, username: str) -> None:
        tokens = APIToken.objects.select_related("user").filter(prefix=prefix)
        if username:
            tokens = tokens.filter(user__username=username)
        found = list(tokens[:2])
        if not found:
            raise CommandError(f"没有前缀为 {prefix} 的令牌。")
        if len(found) > 1:
            raise CommandError(f"前缀 {prefix} 对应多个令牌，请同时指定用户名。")
        token = found[0]
        if revoke_token(token):
            self.stdout.write(f"已吊销：{token.user.username} {token.prefix}…")
        else:
            self.stdout.write(f"令牌 {token.prefix}… 此前已吊销。")
