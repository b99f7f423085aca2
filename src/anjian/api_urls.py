"""/api/v1/: the root lists every endpoint; registered models get their viewsets from the registry."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from anjian.accounts.api.views import OrganizationViewSet, UserViewSet
from anjian.audit.api import AuditEventViewSet
from anjian.core.api import ScopedModelViewSet
from anjian.core.registry import all_specs
from anjian.regions.api.views import RegionViewSet
from anjian.registration.api.views import RegistrationViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("users", UserViewSet, basename="user")
router.register("audit/events", AuditEventViewSet, basename="auditevent")
router.register("registrations", RegistrationViewSet, basename="registration")
for spec in all_specs():
    router.register(spec.api_path, ScopedModelViewSet.for_spec(spec), basename=spec.model_name)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (no inline script); Swagger UI's own
    # stylesheet injection needs inline styles on this page only.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
    path("", include("anjian.accidents.api.urls")),
    path("", include("anjian.hazards.api.urls")),
    path("", include("anjian.risks.api.urls")),
    path("", include("anjian.dangers.api.urls")),
    path("", include("anjian.dangerstats.api.urls")),
    path("", include("anjian.exchange.api.urls")),
    path("", include("anjian.monitoring.api.urls")),
    path("", include(router.urls)),
]
