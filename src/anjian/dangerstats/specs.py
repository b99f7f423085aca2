"""Registers the dangerstats models with the kernel (core/registry.py)."""

from django.utils.translation import gettext_lazy as _

from anjian.core.navigation import NavItem, add_item
from anjian.core.registry import ModelSpec, register
from anjian.dangerstats import services
from anjian.dangerstats.api.serializers import DangerStatReportSerializer
from anjian.dangerstats.filtersets import DangerStatReportFilterSet
from anjian.dangerstats.forms import DangerStatReportForm
from anjian.dangerstats.models import DangerStatReport
from anjian.dangerstats.tables import DangerStatReportTable

report_spec = register(
    ModelSpec(
        model=DangerStatReport,
        filterset=DangerStatReportFilterSet,
        table=DangerStatReportTable,
        form=DangerStatReportForm,
        serializer=DangerStatReportSerializer,
        nav_group="industry",
        save=services.save_report,
        delete=services.delete_report,
        import_key=None,
        scope_error_field="enterprise",
        icon="report",
        select_related=("enterprise", "region"),
        api_prefix="danger-statistics/reports",
    )
)
DangerStatReportSerializer.spec = report_spec

add_item(NavItem("industry", _("隐患统计分析"), "dangerstats:statistics", "dangers.view_hiddendanger"))
add_item(
    NavItem("industry", _("隐患统计报表汇总"), "dangerstats:summary", "dangerstats.view_dangerstatreport")
)
