from django.urls import path

from anjian.regions import views

app_name = "regions"
urlpatterns = [path("regions/", views.RegionListView.as_view(), name="region_list")]
