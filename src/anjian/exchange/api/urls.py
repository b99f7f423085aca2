from django.urls import URLPattern, URLResolver, path

from anjian.exchange.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("exchange/catalog/", views.CatalogView.as_view(), name="exchange-catalog"),
]
