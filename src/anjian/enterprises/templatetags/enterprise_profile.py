"""The tabs of an enterprise's page: each profile record type the viewer may see, with the
enterprise's records within the viewer's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from anjian.core.registry import ModelSpec
from anjian.enterprises.models import Enterprise

register = template.Library()

TAB_ROWS = 50  # a tab shows the latest rows; the full list is one link away


@dataclass
class ProfileSection:
    spec: ModelSpec
    title: str
    table: Any
    count: int
    list_url: str
    add_url: str | None

    @property
    def anchor(self) -> str:
        return f"tab-{self.spec.model_name}"


@register.simple_tag
def profile_sections(enterprise: Enterprise, user: Any) -> list[ProfileSection]:
    from anjian.enterprises.specs import PROFILE_SPECS

    sections = []
    for spec in PROFILE_SPECS:
        if not user.has_perm(spec.perm("view")):
            continue
        queryset = (
            spec.model.objects.visible_to(user)
            .filter(enterprise=enterprise)
            .select_related(*spec.select_related)
        )
        table = spec.table(queryset[:TAB_ROWS], exclude=("enterprise", "region"), orderable=False)
        table.show_personal = user.has_perm(spec.perm("personal"))
        add_url = None
        if enterprise.is_local and user.has_perm(spec.perm("add")):
            add_url = f"{reverse(spec.url_name('add'))}?{urlencode({'enterprise': enterprise.pk})}"
        sections.append(
            ProfileSection(
                spec=spec,
                title=str(spec.model._meta.verbose_name_plural),
                table=table,
                count=queryset.count(),
                list_url=f"{reverse(spec.url_name('list'))}?{urlencode({'enterprise': enterprise.uscc})}",
                add_url=add_url,
            )
        )
    return sections
