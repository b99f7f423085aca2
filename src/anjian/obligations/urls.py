from django.urls import path

from anjian.core.views import spec_urls
from anjian.obligations import views
from anjian.obligations.specs import duty_submission_spec

app_name = "obligations"
urlpatterns = [
    *spec_urls(duty_submission_spec),
    path("obligations/status/", views.DutyStatusView.as_view(), name="status"),
    path("obligations/status/remind/", views.RemindView.as_view(), name="remind"),
]
