from django.urls import path

from anjian.core.views import spec_urls
from anjian.hazards import views
from anjian.hazards.specs import hazard_unit_spec

app_name = "hazards"
urlpatterns = [
    *spec_urls(hazard_unit_spec),
    path("hazards/units/<int:pk>/filing/<str:action>/", views.FilingView.as_view(), name="filing"),
]
