from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from anjian.core.choices import color_of
from anjian.core.fields import mask


class ChoiceBadgeColumn(tables.Column):
    """Renders a choice value as a coloured badge (colours from the choice set)."""

    def __init__(self, choices: type[models.TextChoices], **kwargs: Any) -> None:
        self.choices = choices
        super().__init__(**kwargs)

    def render(self, value: Any, record: Any, bound_column: Any) -> SafeString:
        raw = getattr(record, bound_column.accessor.split(".")[-1], value)
        return format_html(
            '<span class="badge bg-{}-lt">{}</span>',
            color_of(self.choices, str(raw)),
            self.choices(raw).label,
        )

    def value(self, value: Any, record: Any, bound_column: Any) -> str:
        return str(value)


class PersonalColumn(tables.Column):
    """A personal identifier (phone, ID number): masked unless the table's ``show_personal`` is set
    (views set it from the user's ``personal`` permission), in the page and in exports alike."""

    def render(self, value: Any, table: Any) -> str:
        return str(value) if getattr(table, "show_personal", False) else mask(str(value))

    def value(self, value: Any, table: Any) -> str:
        return self.render(value, table)


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-vcenter card-table table-striped"}
        empty_text = gettext_lazy("暂无数据")
        template_name = "django_tables2/bootstrap5.html"
