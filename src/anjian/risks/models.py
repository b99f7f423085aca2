"""Risk grading and control (安全风险分级管控): the grading configuration per province and sector
(versioned, never changed in place), an enterprise's site plan, and its risk points with the
stored assessment and the configuration version it used."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import AccidentType
from anjian.core.models import BusinessModel
from anjian.core.uploads import validate_image
from anjian.industries.choices import Sector
from anjian.risks import grading
from anjian.risks.choices import LEVEL_RANK, HazardFactor, PointKind, ResponsibleLevel, RiskLevel, RiskMethod


class RiskMethodConfig(BusinessModel):
    """One version of a grading method's factor tables and colour bands, for a province (or the
    whole country) and a sector (or all sectors). A change is a new version; points keep theirs."""

    province = models.ForeignKey(
        "regions.Region",
        verbose_name=_("适用省份"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("为空表示全国默认"),
    )
    sector = models.CharField(
        _("适用监管行业"), max_length=20, choices=Sector.choices, blank=True, help_text=_("为空表示全部行业")
    )
    method = models.CharField(_("评价方法"), max_length=12, choices=RiskMethod.choices)
    edition = models.PositiveIntegerField(_("配置版本号"), default=1)
    name = models.CharField(_("配置名称"), max_length=100)
    factors = models.JSONField(_("因素分值表"), default=list)
    bands = models.JSONField(_("等级区间"), default=list)
    is_current = models.BooleanField(_("现行版本"), default=True)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)

    regulator_only: ClassVar[bool] = True

    class Meta:
        verbose_name = _("风险分级配置")
        verbose_name_plural = _("风险分级配置")
        ordering = ["method", "province_id", "sector", "-edition"]
        indexes = [models.Index(fields=["method", "is_current"])]

    def __str__(self) -> str:
        return f"{self.name} v{self.edition}"

    @property
    def scope_label(self) -> str:
        province = self.province.name if self.province is not None else str(_("全国"))
        sector = self.get_sector_display() if self.sector else str(_("全部行业"))
        return f"{province} · {sector}"

    def as_config(self) -> grading.MethodConfig:
        return grading.from_dict({"method": self.method, "factors": self.factors, "bands": self.bands})

    def clean(self) -> None:
        if self.province_id and getattr(self.province, "level", "province") != "province":
            raise ValidationError({"province": [_("请选择省级行政区。")]})
        try:
            grading.check_config(self.as_config())
        except grading.GradingError as e:
            raise ValidationError(e.errors) from e


class SitePlan(BusinessModel):
    """The enterprise's site plan (厂区平面图) on which its risk points are placed."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="site_plan"
    )
    title = models.CharField(_("图名"), max_length=100, default="厂区平面布置图")
    image = models.FileField(
        _("平面图图片"),
        upload_to="risks/plans/%Y/",
        validators=[validate_image],
        help_text=_("PNG 或 JPG 图片"),
    )
    width = models.PositiveIntegerField(_("图片宽度（像素）"), default=0, editable=False)
    height = models.PositiveIntegerField(_("图片高度（像素）"), default=0, editable=False)

    scope_region: ClassVar[str | None] = "enterprise__region__code"
    scope_sector: ClassVar[str | None] = "enterprise__sector"
    scope_enterprise: ClassVar[str | None] = "enterprise_id"
    enterprise_reportable: ClassVar[bool] = True

    class Meta:
        verbose_name = _("厂区平面图")
        verbose_name_plural = _("厂区平面图")

    def __str__(self) -> str:
        return self.title


def _percent() -> list[Any]:
    return [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class RiskPoint(BusinessModel):
    """A place, activity or equipment of an enterprise whose risk is assessed and controlled."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="risk_points"
    )
    name = models.CharField(_("风险点名称"), max_length=100)
    location = models.CharField(_("所在位置"), max_length=100, blank=True)
    kind = models.CharField(_("风险点类型"), max_length=12, choices=PointKind.choices)
    hazard_factor = models.CharField(
        _("危险有害因素类别"), max_length=2, choices=HazardFactor.choices, help_text=_("GB/T 13861-2022")
    )
    hazard_description = models.CharField(_("危险有害因素描述"), max_length=200, blank=True)
    # GB 6441 codes joined by commas ("fire,other_explosion"): plain text, so the change log and
    # every database filter it the same way.
    accident_types = models.CharField(
        _("可能导致的事故类型"), max_length=400, help_text=_("GB 6441 事故类别，可多选")
    )
    method = models.CharField(_("评价方法"), max_length=12, choices=RiskMethod.choices)
    likelihood = models.DecimalField(_("L（可能性）"), max_digits=6, decimal_places=2)
    exposure = models.DecimalField(
        _("E（暴露频繁程度）"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("仅 LEC 法"),
    )
    severity = models.DecimalField(
        _("C/S（后果严重程度）"), max_digits=6, decimal_places=2, help_text=_("LEC 法为 C，风险矩阵法为 S")
    )
    score = models.DecimalField(
        _("风险值"), max_digits=12, decimal_places=3, default=Decimal(0), editable=False
    )
    level = models.CharField(
        _("风险等级"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.BLUE, editable=False
    )
    level_rank = models.PositiveSmallIntegerField(_("等级序号"), default=1, editable=False)
    config = models.ForeignKey(
        RiskMethodConfig,
        verbose_name=_("分级配置版本"),
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="points",
    )
    assessed_at = models.DateTimeField(_("评估时间"), null=True, blank=True, editable=False)
    measures_engineering = models.TextField(_("工程技术措施"), blank=True)
    measures_management = models.TextField(_("管理措施"), blank=True)
    measures_training = models.TextField(_("培训教育措施"), blank=True)
    measures_ppe = models.TextField(_("个体防护措施"), blank=True)
    measures_emergency = models.TextField(_("应急处置措施"), blank=True)
    responsible_level = models.CharField(_("管控层级"), max_length=10, choices=ResponsibleLevel.choices)
    responsible_unit = models.CharField(_("责任部门/车间/班组"), max_length=100, blank=True)
    responsible_person = models.CharField(_("责任人"), max_length=64)
    plan_x = models.DecimalField(
        _("平面图横坐标（%）"), max_digits=5, decimal_places=2, null=True, blank=True, validators=_percent()
    )
    plan_y = models.DecimalField(
        _("平面图纵坐标（%）"), max_digits=5, decimal_places=2, null=True, blank=True, validators=_percent()
    )
    review_date = models.DateField(_("下次评估日期"), null=True, blank=True)

    scope_region: ClassVar[str | None] = "enterprise__region__code"
    scope_sector: ClassVar[str | None] = "enterprise__sector"
    scope_enterprise: ClassVar[str | None] = "enterprise_id"
    enterprise_reportable: ClassVar[bool] = True

    MEASURE_FIELDS: ClassVar[tuple[str, ...]] = (
        "measures_engineering",
        "measures_management",
        "measures_training",
        "measures_ppe",
        "measures_emergency",
    )

    class Meta:
        verbose_name = _("风险点")
        verbose_name_plural = _("风险点")
        ordering = ["enterprise_id", "-level_rank", "name"]
        indexes = [
            models.Index(fields=["level_rank"]),
            models.Index(fields=["method"]),
            models.Index(fields=["responsible_level"]),
        ]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="risks_point_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def inputs(self) -> dict[str, Decimal | None]:
        if self.method == RiskMethod.MATRIX:
            return {"l": self.likelihood, "s": self.severity}
        return {"l": self.likelihood, "e": self.exposure, "c": self.severity}

    @property
    def accident_codes(self) -> list[str]:
        return [code for code in (self.accident_types or "").split(",") if code]

    def accident_type_labels(self) -> list[str]:
        labels = dict(AccidentType.choices)
        return [str(labels.get(code, code)) for code in self.accident_codes]

    def get_accident_types_display(self) -> str:
        return "、".join(self.accident_type_labels())

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        codes = self.accident_codes
        if not codes:
            errors["accident_types"] = [_("请至少选择一种可能导致的事故类型。")]
        elif unknown := [c for c in codes if c not in AccidentType.values]:
            errors["accident_types"] = [
                _("未知的事故类型：%(codes)s。") % {"codes": "、".join(map(str, unknown))}
            ]
        if self.method == RiskMethod.LEC and self.exposure is None:
            errors["exposure"] = [_("LEC 法需要填写 E（暴露频繁程度）。")]
        if self.method == RiskMethod.MATRIX and self.exposure is not None:
            errors["exposure"] = [_("风险矩阵法不使用 E，请留空。")]
        if not any((getattr(self, name) or "").strip() for name in self.MEASURE_FIELDS):
            errors["measures_engineering"] = [
                _("请至少填写一项管控措施（工程技术、管理、培训教育、个体防护或应急处置）。")
            ]
        if (self.plan_x is None) != (self.plan_y is None):
            errors["plan_x"] = [_("平面图坐标需同时填写横坐标和纵坐标，或都留空。")]
        if not errors.get("exposure") and self.enterprise_id and self.method in RiskMethod.values:
            errors |= self._grade()
        if errors:
            raise ValidationError(errors)

    def _needs_grading(self) -> bool:
        """A new point, or one whose method, inputs or enterprise changed, is graded with the current
        configuration; otherwise it keeps the configuration version it was graded with."""
        if self.config_id is None or self.pk is None:
            return True
        stored: tuple[Any, ...] | None = (
            RiskPoint.objects.filter(pk=self.pk)
            .values_list("enterprise_id", "method", "likelihood", "exposure", "severity")
            .first()
        )
        return bool(
            stored != (self.enterprise_id, self.method, self.likelihood, self.exposure, self.severity)
        )

    def _grade(self) -> dict[str, list[Any]]:
        """Grade the inputs and store score, level and configuration version (the one validator of
        the inputs, shared by forms, the API and imports)."""
        config = (
            self.config if not self._needs_grading() else config_for_enterprise(self.enterprise, self.method)
        )
        if config is None:
            return {
                "method": [
                    _("没有适用于该企业的%(method)s分级配置。") % {"method": self.get_method_display()}
                ]
            }
        try:
            result = grading.assess(config.as_config(), self.inputs)
        except grading.GradingError as e:
            fields = {"l": "likelihood", "e": "exposure", "c": "severity", "s": "severity"}
            return {fields.get(code, "method"): list(messages) for code, messages in e.errors.items()}
        if config.pk != self.config_id or result.score != self.score or result.level != self.level:
            self.assessed_at = timezone.now()
        self.config = config
        self.score, self.level, self.level_rank = result.score, result.level, LEVEL_RANK[result.level]
        return {}


def config_for(method: str, province_code: str | None, sector: str | None) -> RiskMethodConfig | None:
    """The current configuration for a method: province and sector first, then the province for all
    sectors, then the national one for the sector, then the national default."""
    current = RiskMethodConfig.objects.filter(method=method, is_current=True).select_related("province")
    candidates = list(
        current.filter(
            models.Q(province__isnull=True) | models.Q(province_id=province_code),
            models.Q(sector="") | models.Q(sector=sector or ""),
        )
    )

    def specificity(c: RiskMethodConfig) -> tuple[int, int]:
        return (1 if c.province_id else 0, 1 if c.sector else 0)

    return max(candidates, key=specificity, default=None)


def config_for_enterprise(enterprise: Any, method: str) -> RiskMethodConfig | None:
    region_code: str = enterprise.region_id or ""
    province = f"{region_code[:2]}0000" if region_code else None
    return config_for(method, province, enterprise.sector)
