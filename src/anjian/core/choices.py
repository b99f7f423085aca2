"""Choice sets: values declared once with their Chinese label and badge colour (NetBox ChoiceSet).

@with_colors(coal="dark", hazchem="red")
class Sector(models.TextChoices):
    COAL = "coal", _("煤矿")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import models

C = TypeVar("C", bound=type[models.TextChoices])

_COLORS: dict[type[models.TextChoices], dict[str, str]] = {}


def with_colors(**colors: str) -> Callable[[C], C]:
    """Attach Tabler colour names (``red``, ``orange``, ``yellow``, ``blue``…) to a choice set."""

    def register(choices: C) -> C:
        unknown = set(colors) - {member.value for member in choices}
        if unknown:
            raise ValueError(f"{choices.__name__}: colours for unknown values {sorted(unknown)}")
        _COLORS[choices] = colors
        return choices

    return register


def color_of(choices: type[models.TextChoices], value: str) -> str:
    return _COLORS.get(choices, {}).get(value, "secondary")
