from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "anjian.regions"
    label = "regions"
    verbose_name = _("行政区划")

    def ready(self) -> None:
        from anjian.core.navigation import NavItem, add_item

        # Reference data: every signed-in user may browse it.
        add_item(NavItem("system", _("行政区划"), "regions:region_list", ""))
        add_item(NavItem("system", _("接口文档"), "api:docs", ""))
