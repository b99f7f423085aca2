from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "anjian.exchange"
    label = "exchange"
    verbose_name = _("数据交换")

    def ready(self) -> None:
        from anjian.core.registry import set_outbox_writer
        from anjian.exchange import outbox, specs  # noqa: F401  (registers the models with the kernel)

        set_outbox_writer(outbox.append)
