from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from anjian.core.tables import BaseTable, ChoiceBadgeColumn, PersonalColumn
from anjian.enterprises.models import Enterprise, EnterpriseStatus
from anjian.industries.choices import Sector


class EnterpriseTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("企业名称"))
    uscc = tables.Column(verbose_name=_("统一社会信用代码"))
    region = tables.Column(accessor="region__name", verbose_name=_("所在区县"), order_by=("region_id",))
    region_code = tables.Column(accessor="region_id", verbose_name=_("区划代码"), visible=False)
    sector = ChoiceBadgeColumn(Sector, verbose_name=_("监管行业"))
    industry = tables.Column(
        accessor="industry__name", verbose_name=_("国民经济行业"), order_by=("industry_id",)
    )
    legal_representative = tables.Column(verbose_name=_("法定代表人"))
    address = tables.Column(verbose_name=_("地址"), visible=False)
    contact_phone = PersonalColumn(verbose_name=_("联系电话"), visible=False)
    longitude = tables.Column(verbose_name=_("经度"), visible=False)
    latitude = tables.Column(verbose_name=_("纬度"), visible=False)
    status = ChoiceBadgeColumn(EnterpriseStatus, verbose_name=_("经营状态"))
    source_node = tables.Column(verbose_name=_("来源节点"), visible=False)

    class Meta(BaseTable.Meta):
        model = Enterprise
        fields = (
            "name",
            "uscc",
            "region",
            "region_code",
            "sector",
            "industry",
            "legal_representative",
            "address",
            "contact_phone",
            "longitude",
            "latitude",
            "status",
            "source_node",
        )
