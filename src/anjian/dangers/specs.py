"""Registers the dangers models with the kernel (core/registry.py)."""

from django.utils.translation import gettext_lazy as _

from anjian.core.navigation import NavItem, add_item
from anjian.core.registry import ModelSpec, register
from anjian.dangers import services
from anjian.dangers.api.serializers import HiddenDangerSerializer, SupervisionListingSerializer
from anjian.dangers.filtersets import HiddenDangerFilterSet, SupervisionListingFilterSet
from anjian.dangers.forms import HiddenDangerForm, SupervisionListingForm
from anjian.dangers.models import HiddenDanger, SupervisionListing
from anjian.dangers.tables import HiddenDangerTable, SupervisionListingTable

hidden_danger_spec = register(
    ModelSpec(
        model=HiddenDanger,
        filterset=HiddenDangerFilterSet,
        table=HiddenDangerTable,
        form=HiddenDangerForm,
        serializer=HiddenDangerSerializer,
        nav_group="industry",
        save=services.save_danger,
        delete=services.delete_danger,
        scope_error_field="enterprise",
        icon="alert-octagon",
        select_related=("enterprise", "region", "category"),
        api_prefix="hidden-dangers",
    )
)
HiddenDangerSerializer.spec = hidden_danger_spec

supervision_listing_spec = register(
    ModelSpec(
        model=SupervisionListing,
        filterset=SupervisionListingFilterSet,
        table=SupervisionListingTable,
        form=SupervisionListingForm,
        serializer=SupervisionListingSerializer,
        nav_group="industry",
        save=services.save_listing,
        delete=services.delete_listing,
        scope_error_field="danger",
        icon="flag",
        select_related=("danger__enterprise", "danger__region", "authority"),
        api_prefix="supervision-listings",
    )
)
SupervisionListingSerializer.spec = supervision_listing_spec

add_item(NavItem("industry", _("隐患排查清单"), "dangers:checklist", "dangers.view_hiddendanger"))
