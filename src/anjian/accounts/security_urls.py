"""The user's own security pages (user menu), under /account/."""

from django.urls import path

from anjian.accounts import security_views as views

app_name = "security"
urlpatterns = [
    path("verify/", views.otp_verify, name="otp_verify"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<int:pk>/revoke/", views.session_revoke, name="session_revoke"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path(
        "two-factor/backup-codes/", views.two_factor_manage, {"action": "backup-codes"}, name="backup_codes"
    ),
    path("two-factor/disable/", views.two_factor_manage, {"action": "disable"}, name="two_factor_disable"),
]
