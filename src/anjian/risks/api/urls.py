from django.urls import URLPattern, URLResolver

# /api/v1/risk-points/ comes from the registry (api_urls.py registers every ModelSpec).
urlpatterns: list[URLPattern | URLResolver] = []
