from django.urls import URLPattern, URLResolver, path

from anjian.exchange import views

app_name = "exchange"
urlpatterns: list[URLPattern | URLResolver] = [
    path("exchange/v1/batches", views.batches, name="batches"),
    path("exchange/v1/mailbox", views.mailbox, name="mailbox"),
    path("exchange/", views.MonitorView.as_view(), name="monitor"),
]
