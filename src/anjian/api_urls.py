"""/api/v1/: the root lists every endpoint; registered models get their viewsets from the registry."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from anjian.accounts.api.views import OrganizationViewSet, UserViewSet
from anjian.core.api import ScopedModelViewSet
from anjian.core.registry import all_specs
from anjian.regions.api.views import RegionViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("users", UserViewSet, basename="user")
for spec in all_specs():
    router.register(spec.api_path, ScopedModelViewSet.for_spec(spec), basename=spec.model_name)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
