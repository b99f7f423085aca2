"""Registers the exchange pages with the kernel: the monitoring page in the "exchange" menu group."""

from django.utils.translation import gettext_lazy as _

from anjian.core.navigation import NavItem, add_item

add_item(NavItem("exchange", _("交换监控"), "exchange:monitor", "exchange.monitor_exchange"))
