from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from anjian.core import shell

urlpatterns = [
    path("", shell.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", shell.healthz, name="healthz"),
    path("api/v1/", include("anjian.api_urls")),
    path("", include("anjian.enterprises.urls")),
    path("system/", include("anjian.accounts.urls")),
    path("system/", include("anjian.regions.urls")),
]
