from django.urls import path

from anjian.accidents.api import views

urlpatterns = [
    path("accidents/grade/", views.GradeView.as_view(), name="accident-grade"),
    path(
        "accidents/reports/<int:pk>/supplements/",
        views.SupplementAPIView.as_view(),
        name="accident-supplement",
    ),
    path(
        "accidents/reports/<int:pk>/receipts/<str:level>/",
        views.ReceiptAPIView.as_view(),
        name="accident-receipt",
    ),
]
