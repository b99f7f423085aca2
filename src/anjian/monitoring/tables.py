from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from anjian.core.tables import BaseTable, ChoiceBadgeColumn
from anjian.monitoring.models import Alarm, AlarmKind, AlarmStatus, MonitoringPoint


class PointColumn(tables.Column):
    """The point as ``code name`` (its str), linked to its page."""

    def render(self, value: Any, record: MonitoringPoint) -> str:
        return str(record)

    def value(self, value: Any, record: MonitoringPoint) -> str:
        return str(record)


class MonitoringPointTable(BaseTable):
    code = PointColumn(linkify=True, verbose_name=_("点位"), order_by=("code",))
    enterprise = tables.Column(
        accessor="enterprise__name", verbose_name=_("企业"), order_by=("enterprise__name",)
    )
    point_type = tables.Column(verbose_name=_("监测类型"))
    unit = tables.Column(verbose_name=_("计量单位"))
    location = tables.Column(verbose_name=_("安装位置"))
    placement = tables.Column(verbose_name=_("甲烷传感器设置地点"), visible=False)
    high = tables.Column(verbose_name=_("高限"))
    high_high = tables.Column(verbose_name=_("高高限"))
    alarm_at = tables.Column(verbose_name=_("报警浓度"))
    power_off_at = tables.Column(verbose_name=_("断电浓度"))
    cycle_s = tables.Column(verbose_name=_("上传周期（秒）"))
    active = tables.BooleanColumn(verbose_name=_("启用"))
    trend = tables.Column(empty_values=(), orderable=False, verbose_name=_("趋势"), exclude_from_export=True)

    class Meta(BaseTable.Meta):
        model = MonitoringPoint
        fields = (
            "code",
            "enterprise",
            "point_type",
            "unit",
            "location",
            "placement",
            "high",
            "high_high",
            "alarm_at",
            "power_off_at",
            "cycle_s",
            "active",
            "trend",
        )

    def render_trend(self, record: MonitoringPoint) -> SafeString:
        return format_html('<a href="{}">{}</a>', reverse("monitoring:trend", args=[record.pk]), _("曲线"))


class AlarmTable(BaseTable):
    opened_at = tables.DateTimeColumn(linkify=True, verbose_name=_("报警时间"), format="Y-m-d H:i:s")
    enterprise = tables.Column(
        accessor="enterprise__name", verbose_name=_("企业"), order_by=("enterprise__name",)
    )
    point = tables.Column(accessor="point__code", verbose_name=_("点位编码"), order_by=("point__code",))
    point_name = tables.Column(accessor="point__name", verbose_name=_("点位名称"), orderable=False)
    kind = ChoiceBadgeColumn(AlarmKind, verbose_name=_("报警类型"))
    threshold = tables.Column(verbose_name=_("触发限值"))
    peak_value = tables.Column(verbose_name=_("峰值"))
    status = ChoiceBadgeColumn(AlarmStatus, verbose_name=_("状态"))
    recovered_at = tables.DateTimeColumn(verbose_name=_("恢复时间"), format="Y-m-d H:i:s")
    escalation_level = tables.Column(verbose_name=_("已通知到"))

    class Meta(BaseTable.Meta):
        model = Alarm
        fields = (
            "opened_at",
            "enterprise",
            "point",
            "point_name",
            "kind",
            "threshold",
            "peak_value",
            "status",
            "recovered_at",
            "escalation_level",
        )
