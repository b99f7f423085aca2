from django.urls import path

from anjian.core.views import spec_urls
from anjian.dangers import views
from anjian.dangers.specs import hidden_danger_spec, supervision_listing_spec

app_name = "dangers"
urlpatterns = [
    path("hidden-dangers/checklist/", views.ChecklistListView.as_view(), name="checklist"),
    path("hidden-dangers/checklist/add/", views.ChecklistCreateView.as_view(), name="checklist_add"),
    *spec_urls(hidden_danger_spec),
    *spec_urls(supervision_listing_spec),
    path("hidden-dangers/<int:pk>/transition/", views.TransitionView.as_view(), name="transition"),
    path(
        "supervision-listings/<int:pk>/document/",
        views.ListingDocumentView.as_view(),
        name="listing_document",
    ),
    path(
        "supervision-listings/<int:pk>/progress/",
        views.ListingProgressView.as_view(),
        name="listing_progress",
    ),
    path(
        "supervision-listings/<int:pk>/closure/", views.ListingClosureView.as_view(), name="listing_closure"
    ),
    path("supervision-listings/<int:pk>/review/", views.ListingReviewView.as_view(), name="listing_review"),
]
