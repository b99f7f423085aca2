from django.urls import path

from anjian.analytics import views

app_name = "analytics"
urlpatterns = [
    path("analytics/enterprises/", views.enterprises_dashboard, name="enterprises"),
]
