"""Enterprise self-registration (企业注册申请): an enterprise applies on the internet node, the
local regulator reviews the application and approval creates the enterprise and its account."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors
from anjian.core.fields import EncryptedCharField
from anjian.core.models import BusinessModel
from anjian.core.uploads import validate_document
from anjian.core.uscc import normalize_uscc, validate_uscc
from anjian.industries.choices import Sector
from anjian.regions.models import leaf_codes

# Tracking numbers are read off a screen and typed back: no look-alike characters.
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TRACKING_LENGTH = 12


def new_tracking_number() -> str:
    return "ZC" + "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(TRACKING_LENGTH))


@with_colors(pending="yellow", approved="green", rejected="red")
class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class EnterpriseRegistration(BusinessModel):
    tracking_number = models.CharField(
        _("受理编号"), max_length=20, unique=True, default=new_tracking_number, editable=False
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    name = models.CharField(_("企业名称"), max_length=128)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在区县"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("县级行政区划代码"),
    )
    sector = models.CharField(_("监管行业"), max_length=20, choices=Sector.choices, db_index=True)
    contact_name = models.CharField(_("联系人"), max_length=64)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=32)
    username = models.CharField(_("申请账号"), max_length=150, help_text=_("批准后用于登录的企业管理员账号"))
    licence = models.FileField(
        _("营业执照"),
        upload_to="registrations/%Y/%m/",
        validators=[validate_document],
        help_text=_("营业执照扫描件或照片（PDF、JPG、PNG）"),
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
        db_index=True,
    )
    review_reason = models.CharField(_("审核意见"), max_length=500, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("登记的企业"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    scope_region: ClassVar[str | None] = "region__code"
    scope_sector: ClassVar[str | None] = "sector"
    # Applications are reviewed by regulators; the applicant follows one by its tracking number.
    regulator_only: ClassVar[bool] = True

    class Meta:
        verbose_name = _("企业注册申请")
        verbose_name_plural = _("企业注册申请")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "region"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.tracking_number}）"

    def get_absolute_url(self) -> str:
        return reverse("registration:review_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == RegistrationStatus.PENDING

    def clean(self) -> None:
        self.uscc = normalize_uscc(self.uscc)
        self.username = self.username.strip()
        errors: dict[str, list[str]] = {}
        try:
            validate_uscc(self.uscc)
        except ValidationError as e:
            errors.setdefault("uscc", []).extend(e.messages)
        if self.region_id and self.region_id not in leaf_codes():
            errors.setdefault("region", []).append(
                str(_("所在区县应为县级行政区划代码（不设区县的地级市可直接填写市级代码）。"))
            )
        if self.status == RegistrationStatus.REJECTED and not self.review_reason.strip():
            errors.setdefault("review_reason", []).append(str(_("驳回申请时必须填写理由。")))
        if errors:
            raise ValidationError(errors)
