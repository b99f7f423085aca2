from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from anjian.core.tables import BaseTable, ChoiceBadgeColumn
from anjian.dangerstats.models import DangerStatReport, SubmissionStatus


class ReportColumn(tables.Column):
    """The table's title (enterprise, year and period), linking to its page."""

    def render(self, record: Any) -> str:
        return str(record)

    def value(self, record: Any) -> str:
        return str(record)


class DangerStatReportTable(BaseTable):
    report = ReportColumn(
        accessor="pk",
        verbose_name=_("统计表"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("enterprise__name", "year", "period"),
    )
    region = tables.Column(accessor="region__name", verbose_name=_("所在区县"), order_by=("region_id",))
    year = tables.Column(verbose_name=_("统计年度"))
    period = tables.Column(verbose_name=_("统计期"))
    general_found = tables.Column(verbose_name=_("一般隐患"))
    general_rectified = tables.Column(verbose_name=_("一般已整改"))
    major_found = tables.Column(verbose_name=_("重大隐患"))
    major_rectified = tables.Column(verbose_name=_("重大已整改"))
    overdue = tables.Column(verbose_name=_("逾期未整改"), visible=False)
    listed = tables.Column(verbose_name=_("挂牌督办"), visible=False)
    funds = tables.Column(verbose_name=_("整改资金（万元）"), visible=False)
    principal = tables.Column(verbose_name=_("主要负责人"), visible=False)
    deadline = tables.DateColumn(verbose_name=_("报送期限"), format="Y-m-d")
    submitted_at = tables.DateTimeColumn(verbose_name=_("报送时间"), format="Y-m-d H:i")
    status = ChoiceBadgeColumn(
        SubmissionStatus, accessor="status", verbose_name=_("报送状态"), orderable=False
    )

    class Meta(BaseTable.Meta):
        model = DangerStatReport
        fields = (
            "report",
            "region",
            "year",
            "period",
            "general_found",
            "general_rectified",
            "major_found",
            "major_rectified",
            "overdue",
            "listed",
            "funds",
            "principal",
            "deadline",
            "submitted_at",
            "status",
        )
