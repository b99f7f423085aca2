from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "anjian.hazards"
    label = "hazards"
    verbose_name = _("重大危险源")

    def ready(self) -> None:
        from anjian.hazards import specs  # noqa: F401  (registers the model with the kernel)
