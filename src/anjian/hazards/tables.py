from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from anjian.core.tables import BaseTable, ChoiceBadgeColumn
from anjian.hazards.models import FilingStatus, HazardUnit


class HazardUnitTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("单元名称"))
    enterprise = tables.Column(
        accessor="enterprise__name", verbose_name=_("企业"), order_by=("enterprise__name",)
    )
    region = tables.Column(
        accessor="enterprise__region__name", verbose_name=_("所在区县"), order_by=("enterprise__region_id",)
    )
    kind = tables.Column(verbose_name=_("单元类型"))
    exposed_people = tables.Column(verbose_name=_("暴露人数"))
    s = tables.Column(verbose_name=_("S 值"))
    r = tables.Column(verbose_name=_("R 值"))
    is_major = tables.BooleanColumn(verbose_name=_("重大危险源"))
    grade = tables.Column(verbose_name=_("级别"))
    filing_status = ChoiceBadgeColumn(FilingStatus, verbose_name=_("备案状态"))
    table_edition = tables.Column(verbose_name=_("辨识标准版本"), visible=False)
    assessed_at = tables.DateTimeColumn(verbose_name=_("辨识时间"), format="Y-m-d H:i", visible=False)

    class Meta(BaseTable.Meta):
        model = HazardUnit
        fields = (
            "name",
            "enterprise",
            "region",
            "kind",
            "exposed_people",
            "s",
            "r",
            "is_major",
            "grade",
            "filing_status",
            "table_edition",
            "assessed_at",
        )
