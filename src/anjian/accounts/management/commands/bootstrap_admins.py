"""Creates the first system administrator, security administrator and auditor of a node.

Each gets a random initial password, printed once, that must be changed at the first login.
Refused when any administrator account exists already: later accounts are created in the UI.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from anjian.accounts.models import AgencyLevel, Organization, OrgType, Role, User
from anjian.accounts.passwords import character_classes, set_initial_password
from anjian.accounts.roles import ADMIN_ROLES, RoleCode
from anjian.audit.events import EventType
from anjian.audit.services import record_event

ALPHABET = string.ascii_letters + string.digits + "@#%+=-"


def initial_password(length: int = 16) -> str:
    """A random password holding all four character classes."""
    while True:
        password = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if character_classes(password) == 4:
            return password


class Command(BaseCommand):
    help = "创建本节点首批三员账号（系统管理员、安全管理员、安全审计员），初始密码只显示一次。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organization", required=True, help="三员所属机构名称（不存在时按本节点管理机构创建）"
        )
        parser.add_argument("--region", default="", help="新建机构时的管辖区划代码；国家节点留空")
        parser.add_argument("--sysadmin", default="sysadmin", help="系统管理员账号")
        parser.add_argument("--secadmin", default="secadmin", help="安全管理员账号")
        parser.add_argument("--auditor", default="auditor", help="安全审计员账号")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(roles__code__in=ADMIN_ROLES).exists():
            raise CommandError("本节点已有管理员账号；后续账号请由系统管理员在“系统管理 → 用户”中创建。")
        wanted = {
            RoleCode.SYSTEM_ADMIN: options["sysadmin"],
            RoleCode.SECURITY_ADMIN: options["secadmin"],
            RoleCode.AUDITOR: options["auditor"],
        }
        if len(set(wanted.values())) != 3:
            raise CommandError("三员账号必须是三个不同的账号（三员分立）。")
        taken = User.objects.filter(username__in=wanted.values()).values_list("username", flat=True)
        if taken:
            raise CommandError(f"账号已存在：{'、'.join(taken)}")
        with transaction.atomic():
            org = Organization.objects.filter(name=options["organization"]).first()
            if org is None:
                region = options["region"] or None
                org = Organization.objects.create(
                    name=options["organization"],
                    org_type=OrgType.AGENCY,
                    level=AgencyLevel.PROVINCIAL if region else AgencyLevel.NATIONAL,
                    region_id=region,
                )
            for role, username in wanted.items():
                user = User(username=username, organization=org, full_name=str(RoleCode(role).label))
                password = initial_password()
                set_initial_password(user, password)
                user.roles.set([Role.objects.get(code=role)])
                record_event(
                    EventType.ROLE_CHANGE,
                    user=user,
                    obj=user,
                    details={"bootstrap": True, "after": [str(role)]},
                )
                self.stdout.write(f"{RoleCode(role).label}\t{username}\t{password}")
        self.stdout.write("初始密码只显示这一次；三人首次登录时必须修改密码。")
