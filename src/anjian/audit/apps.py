from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "anjian.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from anjian.audit import signals  # noqa: F401  (connects the auth signal receivers)
