from django.urls import path

from anjian.accounts import views

app_name = "accounts"
urlpatterns = [
    path("organizations/", views.OrganizationListView.as_view(), name="organization_list"),
    path("users/", views.UserListView.as_view(), name="user_list"),
]
