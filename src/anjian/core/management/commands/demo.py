from typing import Any

from django.core.management.base import BaseCommand

from anjian.demo import load_demo


class Command(BaseCommand):
    help = "创建演示机构、演示账号与企业数据（可重复执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        self.stdout.write(
            f"demo: {result.organizations} organisations, {result.users} demo users, "
            f"{result.enterprises_created} enterprises created ({result.enterprises_total} in all)"
        )
