"""Pages of the enterprise basic database beyond the generic ones: adding a profile record from
the enterprise's page comes with that enterprise filled in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from anjian.core.registry import ModelSpec
from anjian.core.views import ObjectCreateView, spec_urls
from anjian.enterprises.models import Enterprise


class ProfileRecordCreateView(ObjectCreateView):
    """``?enterprise=<id>`` preselects an enterprise the user can see (others are ignored)."""

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_instance(None)
        initial: dict[str, Any] = {}
        raw = request.GET.get("enterprise", "")
        if raw.isdigit() and Enterprise.objects.visible_to(request.user).filter(pk=int(raw)).exists():
            initial["enterprise"] = int(raw)
        form = self.spec.form(instance=obj, user=request.user, initial=initial)
        return render(request, self.template("edit"), self.context(object=obj, form=form))


def profile_urls(spec: ModelSpec) -> list[Any]:
    """The generic pages of a profile record, with the prefilling add page."""
    add_name = f"{spec.model_name}_add"
    add = path(f"{spec.api_path}/add/", ProfileRecordCreateView.as_view(spec=spec), name=add_name)
    return [add, *(pattern for pattern in spec_urls(spec) if pattern.name != add_name)]
