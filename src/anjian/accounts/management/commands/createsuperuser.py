"""Refuses superusers outside development: production has no all-powerful account (MLPS 2.2, 2.4)."""

from typing import Any

from django.conf import settings
from django.contrib.auth.management.commands import createsuperuser
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    help = "仅限开发环境（ANJIAN_DEBUG=1）。生产环境请用 anjian bootstrap_admins 创建三员账号。"

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "生产环境不设超级用户（三员分立）。"
                "请用 anjian bootstrap_admins 创建系统管理员、安全管理员和安全审计员。"
            )
        super().handle(*args, **options)
