"""GB/T 4754-2017 industries (sections and divisions) with their default supervised sector."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.industries.choices import IndustryLevel, Sector


class Industry(models.Model):
    code = models.CharField(_("行业代码"), max_length=4, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=10, choices=IndustryLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("门类"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    default_sector = models.CharField(
        _("默认监管行业"),
        max_length=20,
        choices=Sector.choices,
        blank=True,
        help_text=_("由行业代码推定的监管行业；监管部门可为具体企业另行指定"),
    )

    class Meta:
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
