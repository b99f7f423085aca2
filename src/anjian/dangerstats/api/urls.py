from django.urls import URLPattern, URLResolver, path

from anjian.dangerstats.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("danger-statistics/", views.StatisticsAPIView.as_view(), name="danger-statistics"),
]
