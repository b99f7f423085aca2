from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from anjian.monitoring.api import views

router = SimpleRouter()
router.register("monitoring/alarms", views.AlarmViewSet, basename="alarm")

urlpatterns: list[URLPattern | URLResolver] = [
    path("monitoring/readings/", views.ReadingsView.as_view(), name="monitoring-readings"),
    path("", include(router.urls)),
]
