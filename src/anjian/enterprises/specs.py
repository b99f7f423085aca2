from typing import Any

from django.utils.translation import gettext_lazy as _

from anjian.core.registry import ModelSpec, SharedModel, register, share
from anjian.enterprises import services
from anjian.enterprises.api import serializers
from anjian.enterprises.filtersets import (
    EmergencyDrillFilterSet,
    EmergencyPlanFilterSet,
    EmergencyResourceFilterSet,
    EnterpriseFilterSet,
    LicenceFilterSet,
    OccupationalHealthFilterSet,
    SafetyPersonFilterSet,
    StandardisationGradeFilterSet,
    TrainingRecordFilterSet,
)
from anjian.enterprises.forms import (
    EmergencyDrillForm,
    EmergencyPlanForm,
    EmergencyResourceForm,
    EnterpriseForm,
    LicenceForm,
    OccupationalHealthForm,
    SafetyPersonForm,
    StandardisationGradeForm,
    TrainingRecordForm,
)
from anjian.enterprises.models import (
    EmergencyDrill,
    EmergencyPlan,
    EmergencyResource,
    Enterprise,
    EnterpriseRecord,
    Licence,
    OccupationalHealth,
    SafetyPerson,
    StandardisationGrade,
    TrainingRecord,
)
from anjian.enterprises.tables import (
    EmergencyDrillTable,
    EmergencyPlanTable,
    EmergencyResourceTable,
    EnterpriseTable,
    LicenceTable,
    OccupationalHealthTable,
    SafetyPersonTable,
    StandardisationGradeTable,
    TrainingRecordTable,
)

enterprise_spec = register(
    ModelSpec(
        model=Enterprise,
        filterset=EnterpriseFilterSet,
        table=EnterpriseTable,
        form=EnterpriseForm,
        serializer=serializers.EnterpriseSerializer,
        nav_group="industry",
        save=services.save_enterprise,
        delete=services.delete_enterprise,
        import_key="uscc",
        scope_error_field="region",
        icon="building-factory",
        select_related=("region__parent", "industry"),
    )
)
serializers.EnterpriseSerializer.spec = enterprise_spec


def _profile_spec(
    model: type[EnterpriseRecord],
    filterset: type[Any],
    table: type[Any],
    form: type[Any],
    serializer: type[serializers.EnterpriseRecordSerializer],
    *,
    icon: str,
    api_prefix: str,
    import_key: str | None = None,
) -> ModelSpec:
    """A profile record of the enterprise basic database: filed by the enterprise (or its
    regulator), scoped through the enterprise, shown as a tab of the enterprise's page."""
    spec = register(
        ModelSpec(
            model=model,
            filterset=filterset,
            table=table,
            form=form,
            serializer=serializer,
            nav_group="industry",
            save=services.save_profile_record,
            delete=services.delete_profile_record,
            import_key=import_key,
            scope_error_field="enterprise",
            icon=icon,
            select_related=("enterprise__region",),
            api_prefix=api_prefix,
        )
    )
    serializer.spec = spec
    return spec


licence_spec = _profile_spec(
    Licence,
    LicenceFilterSet,
    LicenceTable,
    LicenceForm,
    serializers.LicenceSerializer,
    icon="license",
    api_prefix="licences",
)
standardisation_grade_spec = _profile_spec(
    StandardisationGrade,
    StandardisationGradeFilterSet,
    StandardisationGradeTable,
    StandardisationGradeForm,
    serializers.StandardisationGradeSerializer,
    icon="award",
    api_prefix="standardisation-grades",
)
safety_person_spec = _profile_spec(
    SafetyPerson,
    SafetyPersonFilterSet,
    SafetyPersonTable,
    SafetyPersonForm,
    serializers.SafetyPersonSerializer,
    icon="id-badge",
    api_prefix="safety-persons",
)
training_record_spec = _profile_spec(
    TrainingRecord,
    TrainingRecordFilterSet,
    TrainingRecordTable,
    TrainingRecordForm,
    serializers.TrainingRecordSerializer,
    icon="school",
    api_prefix="training-records",
)
occupational_health_spec = _profile_spec(
    OccupationalHealth,
    OccupationalHealthFilterSet,
    OccupationalHealthTable,
    OccupationalHealthForm,
    serializers.OccupationalHealthSerializer,
    icon="stethoscope",
    api_prefix="occupational-health",
)
emergency_plan_spec = _profile_spec(
    EmergencyPlan,
    EmergencyPlanFilterSet,
    EmergencyPlanTable,
    EmergencyPlanForm,
    serializers.EmergencyPlanSerializer,
    icon="file-alert",
    api_prefix="emergency-plans",
)
emergency_resource_spec = _profile_spec(
    EmergencyResource,
    EmergencyResourceFilterSet,
    EmergencyResourceTable,
    EmergencyResourceForm,
    serializers.EmergencyResourceSerializer,
    icon="first-aid-kit",
    api_prefix="emergency-resources",
)
emergency_drill_spec = _profile_spec(
    EmergencyDrill,
    EmergencyDrillFilterSet,
    EmergencyDrillTable,
    EmergencyDrillForm,
    serializers.EmergencyDrillSerializer,
    icon="run",
    api_prefix="emergency-drills",
)

# The tabs of the enterprise's page, in order.
PROFILE_SPECS = (
    licence_spec,
    standardisation_grade_spec,
    safety_person_spec,
    training_record_spec,
    occupational_health_spec,
    emergency_plan_spec,
    emergency_resource_spec,
    emergency_drill_spec,
)

# The enterprise registry flows between nodes (data exchange, docs/exchange.md): every change is
# written to the exchange outbox in its own transaction.
share(
    SharedModel(
        model=Enterprise,
        fields=(
            "uscc",
            "uscc_override",
            "uscc_override_reason",
            "legacy_reg_no",
            "name",
            "region",
            "sector",
            "industry",
            "address",
            "legal_representative",
            "contact_phone",
            "longitude",
            "latitude",
            "status",
        ),
        schema_version=1,
        frequency=_("实时（每次变更）"),
    )
)
