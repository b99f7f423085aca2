from anjian.core.registry import ModelSpec, register
from anjian.hazards import services
from anjian.hazards.api.serializers import HazardUnitSerializer
from anjian.hazards.filtersets import HazardUnitFilterSet
from anjian.hazards.forms import HazardUnitForm
from anjian.hazards.models import HazardUnit
from anjian.hazards.tables import HazardUnitTable

hazard_unit_spec = register(
    ModelSpec(
        model=HazardUnit,
        filterset=HazardUnitFilterSet,
        table=HazardUnitTable,
        form=HazardUnitForm,
        serializer=HazardUnitSerializer,
        nav_group="industry",
        save=services.save_unit,
        delete=services.delete_unit,
        scope_error_field="enterprise",
        icon="flame",
        select_related=("enterprise__region",),
        api_prefix="hazards/units",
    )
)
HazardUnitSerializer.spec = hazard_unit_spec
