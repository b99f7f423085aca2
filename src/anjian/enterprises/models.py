"""The enterprise registry: the first business model on the kernel."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors
from anjian.core.fields import EncryptedCharField
from anjian.core.models import BusinessModel
from anjian.core.uscc import normalize_uscc, uscc_warnings, validate_uscc
from anjian.industries.choices import Sector
from anjian.regions.models import leaf_codes


@with_colors(operating="green", suspended="yellow", closed="secondary")
class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("在营")
    SUSPENDED = "suspended", _("停产停业")
    CLOSED = "closed", _("关闭注销")


class Enterprise(BusinessModel):
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        error_messages={"unique": _("该统一社会信用代码已登记。")},
    )
    uscc_override = models.BooleanField(
        _("校验位人工核准"),
        default=False,
        help_text=_("历史发放的代码未通过校验位检查，经审核人核对营业执照后准予登记"),
    )
    uscc_override_reason = models.CharField(_("核准理由"), max_length=200, blank=True)
    legacy_reg_no = models.CharField(_("原工商注册号"), max_length=15, blank=True)
    name = models.CharField(_("企业名称"), max_length=128, db_index=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在区县"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("县级行政区划代码"),
        error_messages={"invalid": _("未知的行政区划代码：%(value)s")},
    )
    sector = models.CharField(_("监管行业"), max_length=20, choices=Sector.choices, db_index=True)
    industry = models.ForeignKey(
        "industries.Industry",
        verbose_name=_("国民经济行业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": "division"},
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=32, blank=True)
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("73")), MaxValueValidator(Decimal("136"))],
    )
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("3")), MaxValueValidator(Decimal("54"))],
    )
    status = models.CharField(
        _("经营状态"), max_length=12, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING
    )

    scope_region: ClassVar[str | None] = "region__code"
    scope_sector: ClassVar[str | None] = "sector"
    scope_enterprise: ClassVar[str | None] = "id"

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["region_id", "name"]
        indexes = [models.Index(fields=["sector", "region"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name

    def unique_error_message(
        self, model_class: type[models.Model], unique_check: Sequence[str]
    ) -> ValidationError:
        if tuple(unique_check) == ("uscc",):
            existing = (
                Enterprise.objects.filter(uscc=self.uscc).select_related("region__parent__parent").first()
            )
            if existing is not None:
                return ValidationError(
                    _("该统一社会信用代码已登记（登记地：%(region)s）。")
                    % {"region": existing.region.full_name()},
                    code="unique",
                )
        return super().unique_error_message(model_class, unique_check)

    def data_warnings(self) -> list[str]:
        """Findings that do not block the record (GB 32100 rules 3 and 4), shown on its page."""
        from anjian.regions.models import Region

        warnings = uscc_warnings(self.uscc)
        if not Region.objects.filter(code=self.uscc[2:8]).exists():
            warnings.append(
                str(_("代码第 3–8 位 %(code)s 不是已知的行政区划代码，请核对。") % {"code": self.uscc[2:8]})
            )
        if self.uscc_override:
            warnings.append(str(_("校验位经人工核准：%(reason)s") % {"reason": self.uscc_override_reason}))
        return warnings

    def clean(self) -> None:
        self.uscc = normalize_uscc(self.uscc)
        errors: dict[str, list[str]] = {}
        try:
            validate_uscc(self.uscc, allow_check_override=self.uscc_override)
        except ValidationError as e:
            errors.setdefault("uscc", []).extend(e.messages)
        if self.uscc_override and not self.uscc_override_reason.strip():
            errors.setdefault("uscc_override_reason", []).append(str(_("人工核准校验位时必须填写核准理由。")))
        if self.region_id and self.region_id not in leaf_codes():
            errors.setdefault("region", []).append(
                str(_("所在区县应为县级行政区划代码（不设区县的地级市可直接填写市级代码）。"))
            )
        if (self.longitude is None) != (self.latitude is None):
            errors.setdefault("latitude", []).append(str(_("经度和纬度应同时填写。")))
        if errors:
            raise ValidationError(errors)
