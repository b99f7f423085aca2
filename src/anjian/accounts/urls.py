from django.urls import path

from anjian.accounts import views

app_name = "accounts"
urlpatterns = [
    path("organizations/", views.OrganizationListView.as_view(), name="organization_list"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.AccountCreateView.as_view(), name="user_add"),
    path("users/import/", views.AccountImportView.as_view(), name="user_import"),
    path("users/import-roles/", views.RoleImportView.as_view(), name="role_import"),
    path("users/<int:pk>/deactivate/", views.AccountActiveView.as_view(active=False), name="user_deactivate"),
    path("users/<int:pk>/activate/", views.AccountActiveView.as_view(active=True), name="user_activate"),
    path("users/<int:pk>/reset-password/", views.PasswordResetView.as_view(), name="user_reset_password"),
    path("users/<int:pk>/roles/", views.RoleAssignView.as_view(), name="user_roles"),
]
