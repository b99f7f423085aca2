from django.urls import URLPattern, URLResolver, path

from anjian.dangers.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "hidden-dangers/<int:pk>/transition/",
        views.DangerTransitionView.as_view(),
        name="hiddendanger-transition",
    ),
    path(
        "supervision-listings/<int:pk>/actions/",
        views.ListingActionView.as_view(),
        name="supervisionlisting-action",
    ),
]
