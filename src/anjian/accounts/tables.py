from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from anjian.accounts.models import Organization, User
from anjian.core.tables import BaseTable


class OrganizationTable(BaseTable):
    name = tables.Column(verbose_name=_("机构名称"))
    org_type = tables.Column(verbose_name=_("机构类型"))
    level = tables.Column(verbose_name=_("层级"))
    region = tables.Column(accessor="region__name", verbose_name=_("管辖区域"), default=_("全国"))
    sectors = tables.Column(verbose_name=_("监管行业"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Organization
        fields = ("name", "org_type", "level", "region", "sectors")

    def render_sectors(self, record: Organization) -> str:
        from anjian.industries.choices import Sector

        return "、".join(str(Sector(code).label) for code in record.sectors) or str(_("全部"))


class UserTable(BaseTable):
    username = tables.Column(verbose_name=_("账号"))
    full_name = tables.Column(verbose_name=_("姓名"))
    organization = tables.Column(accessor="organization__name", verbose_name=_("所属机构"))
    roles = tables.Column(empty_values=(), verbose_name=_("角色"), orderable=False)
    is_active = tables.BooleanColumn(verbose_name=_("启用"))
    last_login = tables.DateTimeColumn(verbose_name=_("最近登录"), format="Y-m-d H:i")
    # Shown to the account administrators only (UserListView excludes it for everyone else); the
    # template offers each administrator role its own actions.
    actions = tables.TemplateColumn(
        template_name="accounts/_user_actions.html",
        verbose_name=_("操作"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(BaseTable.Meta):
        model = User
        fields = ("username", "full_name", "organization", "roles", "is_active", "last_login", "actions")

    def render_roles(self, record: Any) -> str:
        return "、".join(str(role) for role in record.roles.all())
