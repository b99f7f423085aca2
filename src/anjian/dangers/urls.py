from django.urls import URLPattern, URLResolver

app_name = "dangers"
urlpatterns: list[URLPattern | URLResolver] = []
