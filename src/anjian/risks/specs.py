"""Registers the risks models with the kernel (core/registry.py)."""

from django.utils.translation import gettext_lazy as _

from anjian.core.navigation import NavItem, add_item
from anjian.core.registry import ModelSpec, SharedModel, register, share
from anjian.risks import services
from anjian.risks.api.serializers import RiskPointSerializer
from anjian.risks.filtersets import RiskPointFilterSet
from anjian.risks.forms import RiskPointForm
from anjian.risks.models import RiskPoint
from anjian.risks.tables import RiskPointTable

risk_point_spec = register(
    ModelSpec(
        model=RiskPoint,
        filterset=RiskPointFilterSet,
        table=RiskPointTable,
        form=RiskPointForm,
        serializer=RiskPointSerializer,
        nav_group="industry",
        save=services.save_point,
        delete=services.delete_point,
        scope_error_field="enterprise",
        icon="alert-triangle",
        select_related=("enterprise__region", "config"),
        api_prefix="risk-points",
    )
)
RiskPointSerializer.spec = risk_point_spec

# Risk points flow up to the regulators' nodes with their grading (data exchange). The grading
# configuration and the position on the site plan stay on the node that owns them.
share(
    SharedModel(
        model=RiskPoint,
        fields=(
            "enterprise",
            "name",
            "location",
            "kind",
            "hazard_factor",
            "hazard_description",
            "accident_types",
            "method",
            "likelihood",
            "exposure",
            "severity",
            "score",
            "level",
            "level_rank",
            "assessed_at",
            *RiskPoint.MEASURE_FIELDS,
            "responsible_level",
            "responsible_unit",
            "responsible_person",
            "review_date",
        ),
        schema_version=1,
        frequency=_("实时（每次变更）"),
    )
)

add_item(NavItem("industry", _("风险四色图"), "risks:map", "risks.view_riskpoint"))
add_item(NavItem("industry", _("风险分级配置"), "risks:config_list", "risks.view_riskmethodconfig"))
