from django.urls import URLPattern, URLResolver, path

from anjian.core.views import spec_urls
from anjian.dangerstats import views
from anjian.dangerstats.specs import report_spec

app_name = "dangerstats"
urlpatterns: list[URLPattern | URLResolver] = [
    path("danger-statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("danger-statistics/reports/summary/", views.SummaryView.as_view(), name="summary"),
    path("danger-statistics/reports/<int:pk>/submit/", views.SubmitView.as_view(), name="report_submit"),
    path("danger-statistics/reports/<int:pk>/refresh/", views.RefreshView.as_view(), name="report_refresh"),
    path("danger-statistics/reports/<int:pk>/xlsx/", views.ReportWorkbookView.as_view(), name="report_xlsx"),
    *spec_urls(report_spec),
]
