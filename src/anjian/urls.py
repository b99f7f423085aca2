from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from anjian.accounts.security_views import LoginView
from anjian.core import attachments, shell

urlpatterns = [
    path("", shell.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("anjian.accounts.security_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", shell.healthz, name="healthz"),
    path("api/v1/", include("anjian.api_urls")),
    path("", include((attachments.urlpatterns, "core"))),
    path("", include("anjian.enterprises.urls")),
    path("", include("anjian.accidents.urls")),
    path("", include("anjian.hazards.urls")),
    path("", include("anjian.notices.urls")),
    path("", include("anjian.obligations.urls")),
    path("", include("anjian.analytics.urls")),
    path("", include("anjian.registration.urls")),
    path("", include("anjian.risks.urls")),
    path("", include("anjian.dangers.urls")),
    path("", include("anjian.dangerstats.urls")),
    path("", include("anjian.exchange.urls")),
    path("", include("anjian.monitoring.urls")),
    path("system/", include("anjian.accounts.urls")),
    path("system/", include("anjian.regions.urls")),
    path("system/", include("anjian.audit.urls")),
]
