from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "anjian.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from anjian.audit import signals  # noqa: F401  (connects the auth signal receivers)
        from anjian.core.navigation import NavItem, add_item

        add_item(NavItem("system", _("审计日志"), "audit:event_list", "audit.view_audit"))
        add_item(NavItem("system", _("变更记录"), "audit:change_list", "audit.view_objectchange"))
