"""Major hazard sources (重大危险源): units of an enterprise with their dangerous chemicals, and
the GB 18218 assessment stored with the table edition it used (see ``gb18218.py``)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors
from anjian.core.models import BusinessModel
from anjian.hazards import gb18218


class UnitKind(models.TextChoices):
    PRODUCTION = "production", _("生产单元")
    STORAGE = "storage", _("储存单元")


class HazardGrade(models.IntegerChoices):
    ONE = 1, _("一级")
    TWO = 2, _("二级")
    THREE = 3, _("三级")
    FOUR = 4, _("四级")


@with_colors(draft="secondary", filed="blue", accepted="green", returned="red")
class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("未备案")
    FILED = "filed", _("已提交备案")
    ACCEPTED = "accepted", _("备案已受理")
    RETURNED = "returned", _("备案被退回")


class HazardUnit(BusinessModel):
    """A production or storage unit, identified and graded on its own (units are never added)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="hazard_units",
    )
    name = models.CharField(_("单元名称"), max_length=100)
    kind = models.CharField(_("单元类型"), max_length=12, choices=UnitKind.choices)
    boundary = models.TextField(
        _("单元划分说明"),
        blank=True,
        help_text=_("评价人员记录单元边界如何划定：切断阀、防火堤、独立库房等"),
    )
    exposed_people = models.PositiveIntegerField(
        _("厂外可能暴露人员（人）"),
        default=0,
        validators=[MaxValueValidator(gb18218.MAX_EXPOSED_PEOPLE)],
        help_text=_("厂区边界向外 500 米范围内常住人口数"),
    )
    exposed_people_source = models.CharField(
        _("暴露人数来源"), max_length=200, blank=True, help_text=_("统计依据，如某年人口普查、现场核查")
    )
    s = models.DecimalField(
        _("S 值（Σq/Q）"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False
    )
    r = models.DecimalField(
        _("R 值（分级指标）"), max_digits=18, decimal_places=4, null=True, blank=True, editable=False
    )
    is_major = models.BooleanField(_("构成重大危险源"), default=False, editable=False)
    grade = models.PositiveSmallIntegerField(
        _("重大危险源级别"), choices=HazardGrade.choices, null=True, blank=True, editable=False
    )
    table_edition = models.CharField(_("辨识标准版本"), max_length=32, blank=True, editable=False)
    assessed_at = models.DateTimeField(_("辨识时间"), null=True, blank=True, editable=False)
    filing_status = models.CharField(
        _("备案状态"), max_length=12, choices=FilingStatus.choices, default=FilingStatus.DRAFT, editable=False
    )
    filing_note = models.CharField(_("退回理由"), max_length=200, blank=True, editable=False)
    filed_at = models.DateTimeField(_("备案提交时间"), null=True, blank=True, editable=False)

    # Substances edited on the unit's page, waiting for the service (kept rows, removed rows).
    pending_substances: tuple[list[HazardUnitSubstance], list[HazardUnitSubstance]] | None = None

    scope_region: ClassVar[str | None] = "enterprise__region__code"
    scope_sector: ClassVar[str | None] = "enterprise__sector"
    scope_enterprise: ClassVar[str | None] = "enterprise_id"
    enterprise_reportable: ClassVar[bool] = True

    class Meta:
        verbose_name = _("重大危险源单元")
        verbose_name_plural = _("重大危险源单元")
        ordering = ["enterprise_id", "name"]
        indexes = [models.Index(fields=["is_major", "grade"]), models.Index(fields=["filing_status"])]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="hazards_unit_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def assessment(self) -> gb18218.Assessment | None:
        """The full calculation of the stored substances, with the stored table edition."""
        try:
            return gb18218.assess(
                [s.as_input() for s in self.substances.all()],
                self.exposed_people,
                edition=self.table_edition or None,
            )
        except (gb18218.AssessmentError, KeyError):
            return None


class HazardUnitSubstance(BusinessModel):
    """A dangerous chemical of a unit with its design maximum quantity (设计最大量)."""

    unit = models.ForeignKey(
        HazardUnit, verbose_name=_("单元"), on_delete=models.CASCADE, related_name="substances"
    )
    cas = models.CharField(_("CAS 号"), max_length=16, blank=True)
    table1_row = models.PositiveSmallIntegerField(
        _("表1序号"), null=True, blank=True, help_text=_("同一 CAS 号对应多个条目或无 CAS 号的表1物质")
    )
    category = models.CharField(
        _("危险性类别代码"),
        max_length=40,
        blank=True,
        help_text=_("表2代码，如 W5.2；多种危险性用逗号分隔，取临界量最低者"),
    )
    name = models.CharField(_("物质名称"), max_length=100, blank=True)
    quantity_t = models.DecimalField(
        _("最大设计量（吨）"),
        max_digits=16,
        decimal_places=gb18218.QUANTITY_PLACES,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(gb18218.MAX_QUANTITY_T)],
    )

    scope_region: ClassVar[str | None] = "unit__enterprise__region__code"
    scope_sector: ClassVar[str | None] = "unit__enterprise__sector"
    scope_enterprise: ClassVar[str | None] = "unit__enterprise_id"
    enterprise_reportable: ClassVar[bool] = True

    class Meta:
        verbose_name = _("单元危险化学品")
        verbose_name_plural = _("单元危险化学品")
        ordering = ["unit_id", "id"]

    def __str__(self) -> str:
        return self.name or self.cas or self.category

    def as_input(self) -> gb18218.SubstanceInput:
        return gb18218.SubstanceInput(
            quantity_t=self.quantity_t,
            cas=self.cas,
            table1_row=self.table1_row,
            category=self.category,
            name=self.name,
        )
