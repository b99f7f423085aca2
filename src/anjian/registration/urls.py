from django.urls import path

from anjian.registration import views

app_name = "registration"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/status/", views.status, name="status"),
    path("registrations/", views.ReviewListView.as_view(), name="review_list"),
    path("registrations/<int:pk>/", views.review_detail, name="review_detail"),
    path("registrations/<int:pk>/approve/", views.approve, name="approve"),
    path("registrations/<int:pk>/reject/", views.reject, name="reject"),
]
