"""Deployment checks (``anjian check --deploy``): no superuser on a production node."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def no_superuser_in_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    from anjian.accounts.models import User

    try:
        names = list(User.objects.filter(is_superuser=True).values_list("username", flat=True)[:5])
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    if not names:
        return []
    return [
        Error(
            f"生产节点存在超级用户：{'、'.join(names)}。超级用户不受三员分立和数据范围约束。",
            hint="停用这些账号，改由 anjian bootstrap_admins 创建的三员账号管理。",
            id="anjian.E001",
        )
    ]
