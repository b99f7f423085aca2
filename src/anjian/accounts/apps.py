from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "anjian.accounts"
    label = "accounts"
    verbose_name = _("用户与机构")

    def ready(self) -> None:
        from anjian.accounts import (
            checks,  # noqa: F401  (registers the deployment checks)
            signals,  # noqa: F401  (connects the session receivers)
        )
        from anjian.core.navigation import NavItem, add_item

        add_item(NavItem("system", _("机构"), "accounts:organization_list", "accounts.view_organization"))
        add_item(NavItem("system", _("用户"), "accounts:user_list", "accounts.view_user"))
