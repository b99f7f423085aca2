from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DangerstatsConfig(AppConfig):
    name = "anjian.dangerstats"
    label = "dangerstats"
    verbose_name = _("隐患统计与统计报表")

    def ready(self) -> None:
        from anjian.dangerstats import specs  # noqa: F401  (registers the models with the kernel)
