from django.urls import path

from anjian.accidents import views
from anjian.accidents.specs import accident_spec, investigation_spec
from anjian.core.views import spec_urls

app_name = "accidents"
urlpatterns = [
    *spec_urls(accident_spec),
    *spec_urls(investigation_spec),
    path("accidents/reports/<int:pk>/supplement/", views.SupplementView.as_view(), name="supplement"),
    path("accidents/reports/<int:pk>/receive/<str:level>/", views.ReceiveView.as_view(), name="receive"),
    path("accidents/statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("accidents/cases/", views.CaseLibraryView.as_view(), name="cases"),
]
