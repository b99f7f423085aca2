from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anjian.core.filtersets import BaseFilterSet, within_region
from anjian.industries.choices import Sector
from anjian.monitoring.models import Alarm, AlarmKind, AlarmStatus, MonitoringPoint, PointType
from anjian.monitoring.rules import MethanePlacement


class MonitoringPointFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc", label=_("企业统一社会信用代码"))
    region = django_filters.CharFilter(
        method="in_region", label=_("所在区域"), help_text=_("区划代码，含下级")
    )
    sector = django_filters.MultipleChoiceFilter(
        field_name="enterprise__sector", choices=Sector.choices, label=_("监管行业")
    )
    hazard_unit = django_filters.NumberFilter(label=_("重大危险源单元"))
    code = django_filters.CharFilter(lookup_expr="icontains", label=_("点位编码"))
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("点位名称"))
    point_type = django_filters.MultipleChoiceFilter(choices=PointType.choices, label=_("监测类型"))
    placement = django_filters.MultipleChoiceFilter(
        choices=MethanePlacement.choices, label=_("甲烷传感器设置地点")
    )
    location = django_filters.CharFilter(lookup_expr="icontains", label=_("安装位置"))
    active = django_filters.BooleanFilter(label=_("启用"))
    cycle_s = django_filters.NumberFilter(label=_("上传周期（秒）"))
    source_node = django_filters.CharFilter(label=_("来源节点"))

    class Meta:
        model = MonitoringPoint
        fields = [
            "q",
            "enterprise",
            "region",
            "sector",
            "hazard_unit",
            "code",
            "name",
            "point_type",
            "placement",
            "location",
            "active",
            "cycle_s",
        ]
        # Fields with no filter on purpose (checked by tests/core/test_registry.py).
        unfiltered = [
            "unit",
            "range_low",
            "range_high",
            "low_low",
            "low",
            "high",
            "high_high",
            "hysteresis",
            "alarm_at",
            "power_off_at",
            "restore_at",
            "rate_limit",
            "threshold_basis",
        ]

    def search(self, queryset: QuerySet[MonitoringPoint], name: str, value: str) -> QuerySet[MonitoringPoint]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(enterprise__name__icontains=value)
        )

    def in_region(
        self, queryset: QuerySet[MonitoringPoint], name: str, value: str
    ) -> QuerySet[MonitoringPoint]:
        return within_region(queryset, "enterprise__region__code", value)


class AlarmFilterSet(django_filters.FilterSet):
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc", label=_("企业统一社会信用代码"))
    region = django_filters.CharFilter(
        method="in_region", label=_("所在区域"), help_text=_("区划代码，含下级")
    )
    sector = django_filters.MultipleChoiceFilter(
        field_name="enterprise__sector", choices=Sector.choices, label=_("监管行业")
    )
    point = django_filters.NumberFilter(label=_("监测点位"))
    kind = django_filters.MultipleChoiceFilter(choices=AlarmKind.choices, label=_("报警类型"))
    status = django_filters.MultipleChoiceFilter(choices=AlarmStatus.choices, label=_("状态"))
    opened_after = django_filters.IsoDateTimeFilter(
        field_name="opened_at", lookup_expr="gte", label=_("报警时间起")
    )
    opened_before = django_filters.IsoDateTimeFilter(
        field_name="opened_at", lookup_expr="lte", label=_("报警时间止")
    )

    class Meta:
        model = Alarm
        fields = [
            "enterprise",
            "region",
            "sector",
            "point",
            "kind",
            "status",
            "opened_after",
            "opened_before",
        ]

    def in_region(self, queryset: QuerySet[Alarm], name: str, value: str) -> QuerySet[Alarm]:
        return within_region(queryset, "enterprise__region__code", value)
