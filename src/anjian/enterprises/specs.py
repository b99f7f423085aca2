from anjian.core.registry import ModelSpec, register
from anjian.enterprises import services
from anjian.enterprises.api.serializers import EnterpriseSerializer
from anjian.enterprises.filtersets import EnterpriseFilterSet
from anjian.enterprises.forms import EnterpriseForm
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tables import EnterpriseTable

enterprise_spec = register(
    ModelSpec(
        model=Enterprise,
        filterset=EnterpriseFilterSet,
        table=EnterpriseTable,
        form=EnterpriseForm,
        serializer=EnterpriseSerializer,
        nav_group="industry",
        save=services.save_enterprise,
        delete=services.delete_enterprise,
        import_key="uscc",
        scope_error_field="region",
        icon="building-factory",
        select_related=("region__parent", "industry"),
    )
)
EnterpriseSerializer.spec = enterprise_spec
