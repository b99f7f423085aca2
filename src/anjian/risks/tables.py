from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from anjian.core.tables import BaseTable, ChoiceBadgeColumn
from anjian.risks.choices import RiskLevel
from anjian.risks.models import RiskPoint


class AccidentTypesColumn(tables.Column):
    def render(self, value: Any, record: RiskPoint) -> str:
        return record.get_accident_types_display()

    def value(self, value: Any, record: RiskPoint) -> str:
        return record.get_accident_types_display()


class RiskPointTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("风险点名称"))
    enterprise = tables.Column(
        accessor="enterprise__name", verbose_name=_("企业"), order_by=("enterprise__name",)
    )
    region = tables.Column(
        accessor="enterprise__region__name", verbose_name=_("所在区县"), order_by=("enterprise__region_id",)
    )
    kind = tables.Column(verbose_name=_("类型"))
    location = tables.Column(verbose_name=_("所在位置"), visible=False)
    hazard_factor = tables.Column(verbose_name=_("危险有害因素类别"), visible=False)
    accident_types = AccidentTypesColumn(verbose_name=_("可能导致的事故类型"), orderable=False)
    method = tables.Column(verbose_name=_("评价方法"), visible=False)
    score = tables.Column(verbose_name=_("风险值"))
    level = ChoiceBadgeColumn(RiskLevel, verbose_name=_("风险等级"), order_by=("level_rank",))
    responsible_level = tables.Column(verbose_name=_("管控层级"))
    responsible_person = tables.Column(verbose_name=_("责任人"))
    review_date = tables.DateColumn(verbose_name=_("下次评估日期"), format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = RiskPoint
        fields = (
            "name",
            "enterprise",
            "region",
            "kind",
            "location",
            "hazard_factor",
            "accident_types",
            "method",
            "score",
            "level",
            "responsible_level",
            "responsible_person",
            "review_date",
        )
