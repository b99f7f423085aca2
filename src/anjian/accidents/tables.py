from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import AccidentGrade, AccidentStatus, AccidentType, InvestigationStatus
from anjian.accidents.models import AccidentReport, Investigation
from anjian.core.choices import color_of
from anjian.core.tables import BaseTable, ChoiceBadgeColumn
from anjian.industries.choices import Sector


class AccidentReportTable(BaseTable):
    title = tables.Column(
        accessor="pk",
        verbose_name=_("事故"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("-occurred_at",),
    )
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("发生时间"))
    region = tables.Column(accessor="region__name", verbose_name=_("事故发生地"), order_by=("region_id",))
    region_code = tables.Column(accessor="region_id", verbose_name=_("区划代码"), visible=False)
    unit_name = tables.Column(verbose_name=_("事故单位"))
    sector = ChoiceBadgeColumn(Sector, verbose_name=_("监管行业"))
    accident_type = tables.Column(verbose_name=_("事故类别"))
    grade = ChoiceBadgeColumn(AccidentGrade, verbose_name=_("事故等级"))
    deaths = tables.Column(verbose_name=_("死亡"))
    missing = tables.Column(verbose_name=_("下落不明"))
    serious_injuries = tables.Column(verbose_name=_("重伤"))
    direct_loss_yuan = tables.Column(verbose_name=_("直接经济损失（元）"), visible=False)
    status = ChoiceBadgeColumn(AccidentStatus, verbose_name=_("状态"))
    source_node = tables.Column(verbose_name=_("来源节点"), visible=False)

    class Meta(BaseTable.Meta):
        model = AccidentReport
        fields = (
            "title",
            "occurred_at",
            "region",
            "region_code",
            "unit_name",
            "sector",
            "accident_type",
            "grade",
            "deaths",
            "missing",
            "serious_injuries",
            "direct_loss_yuan",
            "status",
            "source_node",
        )

    def render_title(self, record: AccidentReport) -> str:
        return str(record)

    def value_title(self, record: AccidentReport) -> str:
        return str(record)

    def render_accident_type(self, record: AccidentReport) -> str:
        return str(AccidentType(record.accident_type).label)

    def render_sector(self, value: Any, record: AccidentReport) -> SafeString | str:
        if not record.sector:
            return "—"
        return format_html('<span class="badge bg-secondary-lt">{}</span>', Sector(record.sector).label)


class InvestigationTable(BaseTable):
    title = tables.Column(
        accessor="pk",
        verbose_name=_("事故调查"),
        linkify=lambda record: record.get_absolute_url(),
        orderable=False,
    )
    grade = tables.Column(accessor="report__grade", verbose_name=_("事故等级"))
    team_leader = tables.Column(verbose_name=_("调查组组长"))
    organized_by = tables.Column(verbose_name=_("组织调查的机关"))
    deadline = tables.Column(accessor="pk", verbose_name=_("调查期限"), orderable=False)
    status = ChoiceBadgeColumn(InvestigationStatus, verbose_name=_("状态"))
    submitted_on = tables.DateColumn(format="Y-m-d", verbose_name=_("报告提交日期"))
    source_node = tables.Column(verbose_name=_("来源节点"), visible=False)

    class Meta(BaseTable.Meta):
        model = Investigation
        fields = (
            "title",
            "grade",
            "team_leader",
            "organized_by",
            "deadline",
            "status",
            "submitted_on",
            "source_node",
        )

    def render_title(self, record: Investigation) -> str:
        return str(record)

    def value_title(self, record: Investigation) -> str:
        return str(record)

    def render_grade(self, record: Investigation) -> SafeString:
        grade = record.report.grade
        return format_html(
            '<span class="badge bg-{}-lt">{}</span>',
            color_of(AccidentGrade, grade),
            AccidentGrade(grade).label,
        )

    def value_grade(self, record: Investigation) -> str:
        return str(AccidentGrade(record.report.grade).label)

    def render_deadline(self, record: Investigation) -> SafeString:
        text = timezone.localtime(record.deadline).strftime("%Y-%m-%d")
        if record.is_overdue:
            return format_html('{} <span class="badge bg-red-lt">{}</span>', text, _("逾期"))
        return format_html("{}", text)

    def value_deadline(self, record: Investigation) -> str:
        return timezone.localtime(record.deadline).strftime("%Y-%m-%d")
