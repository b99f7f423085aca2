from django.urls import path

from anjian.hazards.api import views

urlpatterns = [
    path("hazards/assess/", views.AssessView.as_view(), name="hazard-assess"),
]
