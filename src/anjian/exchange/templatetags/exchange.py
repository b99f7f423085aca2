from __future__ import annotations

from django import template

from anjian.core.models import BusinessModel
from anjian.exchange.provenance import Provenance, provenance

register = template.Library()


@register.simple_tag
def exchange_provenance(obj: BusinessModel) -> Provenance:
    """Where ``obj`` came from and which peers acknowledged which of its versions."""
    return provenance(obj)
