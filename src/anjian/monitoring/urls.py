from django.urls import URLPattern, URLResolver, path

from anjian.core.views import spec_urls
from anjian.monitoring import views
from anjian.monitoring.specs import point_spec

app_name = "monitoring"
urlpatterns: list[URLPattern | URLResolver] = [
    *spec_urls(point_spec),
    path("monitoring/live/", views.LiveView.as_view(), name="live"),
    path("monitoring/points/<int:pk>/trend/", views.TrendView.as_view(), name="trend"),
    path("monitoring/points/<int:pk>/trend.json", views.TrendDataView.as_view(), name="trend_data"),
    path("monitoring/alarms/", views.AlarmListView.as_view(), name="alarm_list"),
    path("monitoring/alarms/<int:pk>/", views.AlarmDetailView.as_view(), name="alarm_detail"),
    path("monitoring/alarms/<int:pk>/<str:action>/", views.AlarmActionView.as_view(), name="alarm_action"),
    path("monitoring/overview/", views.OverviewView.as_view(), name="overview"),
]
