"""GB/T 2260 administrative divisions, as a versioned tree (codes are never deleted)."""

from __future__ import annotations

from functools import cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.scope import region_prefix


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("地级")
    COUNTY = "county", _("县级")


@cache
def leaf_codes() -> frozenset[str]:
    """Codes of the regions an enterprise can sit in: current counties, and prefecture-level
    cities without counties. Regions change only with a data migration, so the set is computed
    once per process (``leaf_codes.cache_clear()`` after loading a new edition)."""
    parents = set(Region.objects.exclude(parent=None).values_list("parent_id", flat=True))
    return frozenset(
        code
        for code, level in Region.objects.current()
        .exclude(level=RegionLevel.PROVINCE)
        .values_list("code", "level")
        if code not in parents
    )


class RegionQuerySet(models.QuerySet["Region"]):
    def current(self) -> RegionQuerySet:
        return self.filter(valid_to__isnull=True)

    def provinces(self) -> RegionQuerySet:
        return self.filter(level=RegionLevel.PROVINCE)

    def within(self, code: str) -> RegionQuerySet:
        """The region with this code and everything below it."""
        region = self.get(code=code)
        return self.filter(code__startswith=region.prefix)


class Region(models.Model):
    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=10, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_standard = models.BooleanField(
        _("国标代码"), default=True, help_text=_("否：非 GB/T 2260 代码，如新疆生产建设兵团及其师")
    )
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_to = models.DateField(
        _("停用日期"), null=True, blank=True, help_text=_("已撤销的区划保留，供历史记录使用")
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("由此代码取代"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    edition = models.CharField(_("数据版本"), max_length=64, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return region_prefix(self.code, self.level)

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    def full_name(self) -> str:
        """北京市海淀区: the names from the province down."""
        names = [self.name]
        node = self.parent
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))
