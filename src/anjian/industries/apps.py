from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndustriesConfig(AppConfig):
    name = "anjian.industries"
    label = "industries"
    verbose_name = _("行业分类")
