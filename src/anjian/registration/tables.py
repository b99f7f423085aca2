from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from anjian.core.tables import BaseTable, ChoiceBadgeColumn
from anjian.industries.choices import Sector
from anjian.registration.models import EnterpriseRegistration, RegistrationStatus


class RegistrationTable(BaseTable):
    tracking_number = tables.Column(linkify=True, verbose_name=_("受理编号"))
    name = tables.Column(verbose_name=_("企业名称"))
    uscc = tables.Column(verbose_name=_("统一社会信用代码"))
    region = tables.Column(accessor="region__name", verbose_name=_("所在区县"), order_by=("region_id",))
    sector = ChoiceBadgeColumn(Sector, verbose_name=_("监管行业"))
    created_at = tables.DateTimeColumn(verbose_name=_("提交时间"), format="Y-m-d H:i")
    status = ChoiceBadgeColumn(RegistrationStatus, verbose_name=_("状态"))

    class Meta(BaseTable.Meta):
        model = EnterpriseRegistration
        fields = ("tracking_number", "name", "uscc", "region", "sector", "created_at", "status")
        order_by = ("-created_at",)
