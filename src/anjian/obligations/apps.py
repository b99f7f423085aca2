from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObligationsConfig(AppConfig):
    name = "anjian.obligations"
    label = "obligations"
    verbose_name = _("直报义务")

    def ready(self) -> None:
        from anjian.obligations import specs  # noqa: F401  (registers the model with the kernel)
