"""Top navigation: the five business systems plus data exchange and system administration.
Only pages that exist and that the user may open are shown; an empty group is hidden."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anjian.core.registry import all_specs

GROUPS: list[tuple[str, Promise]] = [
    ("industry", _("行业监管")),
    ("coal", _("煤矿监察")),
    ("comprehensive", _("综合监管")),
    ("emergency", _("应急救援")),
    ("public", _("公共服务")),
    ("exchange", _("数据交换")),
    ("system", _("系统管理")),
]


@dataclass(frozen=True)
class NavItem:
    group: str
    label: Any
    url_name: str
    perm: str


_extra_items: list[NavItem] = []


def add_item(item: NavItem) -> None:
    """Pages that are not a registered model's list (reference data, API docs) add themselves here."""
    _extra_items.append(item)


def _items() -> list[NavItem]:
    model_items = [
        NavItem(
            spec.nav_group,
            spec.model._meta.verbose_name_plural or spec.model_name,
            spec.url_name("list"),
            spec.perm("view"),
        )
        for spec in all_specs()
    ]
    return model_items + _extra_items


def menu_for(user: Any) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = [item for item in _items() if not item.perm or user.has_perm(item.perm)]
    menu = []
    for code, label in GROUPS:
        entries = [{"label": i.label, "url": reverse(i.url_name)} for i in items if i.group == code]
        if entries:
            menu.append({"code": code, "label": label, "items": entries})
    return menu


def context_processor(request: HttpRequest) -> dict[str, Any]:
    from django.conf import settings

    return {
        "nav_menu": menu_for(getattr(request, "user", None)),
        "node_code": settings.NODE_CODE,
        "node_role": settings.NODE_ROLE,
    }
