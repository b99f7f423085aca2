from django.utils.translation import gettext_lazy as _

from anjian.accidents import services
from anjian.accidents.api.serializers import AccidentReportSerializer, InvestigationSerializer
from anjian.accidents.filtersets import AccidentReportFilterSet, InvestigationFilterSet
from anjian.accidents.forms import AccidentReportForm, InvestigationForm
from anjian.accidents.models import AccidentReport, Investigation
from anjian.accidents.tables import AccidentReportTable, InvestigationTable
from anjian.core.navigation import NavItem, add_item
from anjian.core.registry import ModelSpec, register

accident_spec = register(
    ModelSpec(
        model=AccidentReport,
        filterset=AccidentReportFilterSet,
        table=AccidentReportTable,
        form=AccidentReportForm,
        serializer=AccidentReportSerializer,
        nav_group="comprehensive",
        save=services.save_accident,
        delete=services.delete_accident,
        scope_error_field="region",
        icon="alert-triangle",
        select_related=("region__parent", "enterprise", "industry"),
        prefetch_related=("steps__jurisdiction__parent__parent", "revisions"),
        api_prefix="accidents/reports",
    )
)
AccidentReportSerializer.spec = accident_spec

investigation_spec = register(
    ModelSpec(
        model=Investigation,
        filterset=InvestigationFilterSet,
        table=InvestigationTable,
        form=InvestigationForm,
        serializer=InvestigationSerializer,
        nav_group="comprehensive",
        save=services.save_investigation,
        delete=services.delete_investigation,
        scope_error_field="report",
        icon="search",
        select_related=("report__region", "report__enterprise"),
        api_prefix="accidents/investigations",
    )
)
InvestigationSerializer.spec = investigation_spec

add_item(NavItem("comprehensive", _("事故统计"), "accidents:statistics", "accidents.view_accidentreport"))
add_item(NavItem("comprehensive", _("事故案例库"), "accidents:cases", "accidents.view_investigation"))
