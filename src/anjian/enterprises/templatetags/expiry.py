from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from anjian.core.choices import color_of
from anjian.enterprises.models import ExpiryStatus

register = template.Library()


@register.simple_tag
def expiry_badge(value: str) -> SafeString:
    """A validity status (valid, expiring within 90/30/7 days, expired) as a coloured badge."""
    status = ExpiryStatus(value)
    return format_html(
        '<span class="badge bg-{}-lt">{}</span>', color_of(ExpiryStatus, status.value), status.label
    )
