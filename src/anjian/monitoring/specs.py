"""Registers the monitoring models with the kernel (core/registry.py)."""

from django.utils.translation import gettext_lazy as _

from anjian.core.navigation import NavItem, add_item
from anjian.core.registry import ModelSpec, SharedModel, register, share
from anjian.monitoring import services
from anjian.monitoring.api.serializers import MonitoringPointSerializer
from anjian.monitoring.filtersets import MonitoringPointFilterSet
from anjian.monitoring.forms import MonitoringPointForm
from anjian.monitoring.models import Alarm, MonitoringPoint
from anjian.monitoring.tables import MonitoringPointTable

point_spec = register(
    ModelSpec(
        model=MonitoringPoint,
        filterset=MonitoringPointFilterSet,
        table=MonitoringPointTable,
        form=MonitoringPointForm,
        serializer=MonitoringPointSerializer,
        nav_group="industry",
        save=services.save_point,
        delete=services.delete_point,
        scope_error_field="enterprise",
        icon="activity",
        select_related=("enterprise__region",),
        api_prefix="monitoring/points",
    )
)
MonitoringPointSerializer.spec = point_spec

share(
    SharedModel(
        model=MonitoringPoint,
        fields=(
            "enterprise",
            "code",
            "name",
            "point_type",
            "unit",
            "range_low",
            "range_high",
            "location",
            "placement",
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
            "cycle_s",
            "active",
        ),
        frequency=_("随时更新"),
    )
)
# Provincial nodes forward alarms (not raw readings) upward (ARCHITECTURE.md section 6).
share(
    SharedModel(
        model=Alarm,
        fields=(
            "point",
            "enterprise",
            "kind",
            "status",
            "opened_at",
            "threshold",
            "first_value",
            "peak_value",
            "recovered_at",
            "acknowledged_at",
            "handled_at",
            "cause",
            "measures",
            "closed_at",
            "escalation_level",
        ),
        frequency=_("实时"),
    )
)

add_item(NavItem("industry", _("实时监测"), "monitoring:live", "monitoring.view_monitoringpoint"))
add_item(NavItem("industry", _("监测报警"), "monitoring:alarm_list", "monitoring.view_alarm"))
add_item(NavItem("industry", _("监测预警总览"), "monitoring:overview", "monitoring.view_alarm"))
