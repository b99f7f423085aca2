from django.urls import path

from anjian.notices import views

app_name = "notices"
urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/read/", views.notice_read, name="read"),
]
