from django.urls import URLPattern, URLResolver

app_name = "dangerstats"
urlpatterns: list[URLPattern | URLResolver] = []
