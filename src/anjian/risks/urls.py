from django.urls import path

from anjian.core.views import spec_urls
from anjian.risks import views
from anjian.risks.specs import risk_point_spec

app_name = "risks"
urlpatterns = [
    path("risk-points/map/", views.RiskMapView.as_view(), name="map"),
    path("risk-points/plan/<int:enterprise_pk>/", views.SitePlanView.as_view(), name="plan"),
    path("risk-points/plan/<int:enterprise_pk>/image/", views.plan_image, name="plan_image"),
    path("risk-points/<int:pk>/place/", views.PlacePointView.as_view(), name="place"),
    path("risk-points/<int:pk>/reassess/", views.ReassessView.as_view(), name="reassess"),
    path("risk-points/configs/", views.ConfigListView.as_view(), name="config_list"),
    path("risk-points/configs/<int:pk>/", views.ConfigDetailView.as_view(), name="config_detail"),
    path("risk-points/configs/<int:pk>/revise/", views.ConfigReviseView.as_view(), name="config_revise"),
    *spec_urls(risk_point_spec),
]
