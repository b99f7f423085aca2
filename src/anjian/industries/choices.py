from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors
from anjian.core.scope import Scope


@with_colors(coal="dark", noncoal_mine="orange", hazchem="red", fireworks="pink", industry_trade="blue")
class Sector(models.TextChoices):
    """The five supervised sectors (domain/regions-and-industries.md section 3)."""

    COAL = "coal", _("煤矿")
    NONCOAL_MINE = "noncoal_mine", _("非煤矿山")
    HAZCHEM = "hazchem", _("危险化学品")
    FIREWORKS = "fireworks", _("烟花爆竹")
    INDUSTRY_TRADE = "industry_trade", _("工贸")


class IndustryLevel(models.TextChoices):
    SECTION = "section", _("门类")
    DIVISION = "division", _("大类")


def sector_scope_error(scope: Scope | None, sector: str) -> str | None:
    """The message when a sector lies outside the user's scope (shared by forms and serializers)."""
    if scope is not None and not scope.covers_sector(sector):
        return gettext("您无权登记“%(sector)s”行业的企业。") % {"sector": Sector(sector).label}
    return None
