from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccidentsConfig(AppConfig):
    name = "anjian.accidents"
    label = "accidents"
    verbose_name = _("事故报告与调查")

    def ready(self) -> None:
        from anjian.accidents import specs  # noqa: F401  (registers the models with the kernel)
