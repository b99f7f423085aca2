from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "anjian.registration"
    label = "registration"
    verbose_name = _("企业注册")

    def ready(self) -> None:
        from anjian.core.navigation import NavItem, add_item

        add_item(
            NavItem(
                "industry",
                _("企业注册审核"),
                "registration:review_list",
                "registration.change_enterpriseregistration",
            )
        )
