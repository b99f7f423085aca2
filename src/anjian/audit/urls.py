from django.urls import path

from anjian.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/events/", views.AuditEventListView.as_view(), name="event_list"),
    path("audit/events/export/", views.AuditEventExportView.as_view(), name="event_export"),
    path("audit/changes/", views.ObjectChangeListView.as_view(), name="change_list"),
]
