from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "anjian.analytics"
    label = "analytics"
    verbose_name = _("统计分析")

    def ready(self) -> None:
        from anjian.core.navigation import NavItem, add_item

        add_item(
            NavItem(
                "comprehensive", _("企业监管看板"), "analytics:enterprises", "enterprises.view_enterprise"
            )
        )
