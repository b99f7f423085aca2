from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.demo import load_demo


class Command(BaseCommand):
    help = "创建演示机构、演示账号与企业数据（可重复执行）。仅用于开发与演示环境。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="在 ANJIAN_DEBUG=0 的环境中也载入（演示账号的密码是公开的，切勿用于生产节点）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "演示数据含公开密码的账号，只能在开发环境（ANJIAN_DEBUG=1）载入；"
                "确需载入请加 --allow-production。"
            )
        result = load_demo()
        self.stdout.write(
            f"demo: {result.organizations} organisations, {result.users} demo users, "
            f"{result.enterprises_created} enterprises created ({result.enterprises_total} in all)"
        )
        # Apps that bring demo records of their own have a ``demo.py`` with an idempotent
        # ``load_demo() -> str`` (the line to print); they run after the enterprises and users.
        for config in apps.get_app_configs():
            if config.name.startswith("anjian.") and find_spec(f"{config.name}.demo") is not None:
                self.stdout.write(import_module(f"{config.name}.demo").load_demo())
