"""The enterprise registry: the first business model on the kernel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors
from anjian.core.fields import EncryptedCharField
from anjian.core.models import BusinessModel, ScopedQuerySet
from anjian.core.uploads import validate_document
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


# The enterprise basic database (企业安全管理基础数据库): records an enterprise files about itself
# and its regulators read within their scope. Each reaches the scope through its enterprise.

EXPIRY_BUCKETS = (7, 30, 90)  # days before expiry when reminders start


@with_colors(valid="green", within_90="blue", within_30="yellow", within_7="orange", expired="red")
class ExpiryStatus(models.TextChoices):
    VALID = "valid", _("有效")
    WITHIN_90 = "within_90", _("90 天内到期")
    WITHIN_30 = "within_30", _("30 天内到期")
    WITHIN_7 = "within_7", _("7 天内到期")
    EXPIRED = "expired", _("已过期")


def expiry_status(valid_to: date, today: date | None = None) -> ExpiryStatus:
    """The reminder bucket of a validity end date: expired, within 7/30/90 days, or valid."""
    days_left = (valid_to - (today or timezone.localdate())).days
    if days_left < 0:
        return ExpiryStatus.EXPIRED
    for days, status in zip(
        EXPIRY_BUCKETS, (ExpiryStatus.WITHIN_7, ExpiryStatus.WITHIN_30, ExpiryStatus.WITHIN_90), strict=True
    ):
        if days_left <= days:
            return status
    return ExpiryStatus.VALID


class ExpiringQuerySet(ScopedQuerySet):
    """Records with a validity end date (``expiry_field``) that reminders and dashboards query."""

    def expiring_within(self, days: int) -> Self:
        """Still valid today and ending within ``days`` days (today included)."""
        today = timezone.localdate()
        field: str = self.model.expiry_field
        return self.filter(**{f"{field}__gte": today, f"{field}__lte": today + timedelta(days=days)})

    def expired(self) -> Self:
        field: str = self.model.expiry_field
        return self.filter(**{f"{field}__lt": timezone.localdate()})


class EnterpriseRecord(BusinessModel):
    """Base of the profile records: an enterprise files them, regulators see them in scope."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT)

    scope_region: ClassVar[str | None] = "enterprise__region__code"
    scope_sector: ClassVar[str | None] = "enterprise__sector"
    scope_enterprise: ClassVar[str | None] = "enterprise_id"
    enterprise_reportable: ClassVar[bool] = True

    class Meta:
        abstract = True


def _positive(maximum: int | Decimal, minimum: int | Decimal = 1) -> list[Any]:
    return [MinValueValidator(minimum), MaxValueValidator(maximum)]


class LicenceKind(models.TextChoices):
    SAFETY_PRODUCTION = "safety_production", _("安全生产许可证")
    HAZCHEM_OPERATION = "hazchem_operation", _("危险化学品经营许可证")
    HAZCHEM_USE = "hazchem_use", _("危险化学品使用许可证")
    FIREWORKS_OPERATION = "fireworks_operation", _("烟花爆竹经营许可证")
    PRECURSOR_CHEMICALS = "precursor_chemicals", _("非药品类易制毒化学品生产、经营许可证")
    OTHER = "other", _("其他证照")


class Licence(EnterpriseRecord):
    """A licence or certificate (证照) with its validity period and expiry reminders."""

    kind = models.CharField(_("证照类型"), max_length=24, choices=LicenceKind.choices)
    number = models.CharField(_("证照编号"), max_length=64)
    issuer = models.CharField(_("发证机关"), max_length=100)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"), db_index=True)
    licensed_scope = models.TextField(_("许可范围"), blank=True)

    expiry_field: ClassVar[str] = "valid_to"
    objects = ExpiringQuerySet.as_manager()  # type: ignore[assignment, misc]

    class Meta:
        verbose_name = _("证照")
        verbose_name_plural = _("证照")
        ordering = ["enterprise_id", "valid_to"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"],
                name="enterprises_licence_unique_number",
                violation_error_message=_("该类型证照编号已登记。"),
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def expiry_status(self) -> ExpiryStatus:
        return expiry_status(self.valid_to)

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": validity_error(self.valid_from, self.valid_to)})


def validity_error(valid_from: date, valid_to: date) -> str:
    return str(
        _("有效期至（%(to)s）应晚于有效期起（%(from)s）。")
        % {"to": valid_to.isoformat(), "from": valid_from.isoformat()}
    )


class StandardGrade(models.TextChoices):
    ONE = "1", _("一级")
    TWO = "2", _("二级")
    THREE = "3", _("三级")


class StandardisationGrade(EnterpriseRecord):
    """The enterprise's safety production standardisation grade (安全生产标准化等级)."""

    grade = models.CharField(_("标准化等级"), max_length=1, choices=StandardGrade.choices)
    certificate_number = models.CharField(_("证书编号"), max_length=64)
    valid_until = models.DateField(_("有效期至"), db_index=True)

    expiry_field: ClassVar[str] = "valid_until"
    objects = ExpiringQuerySet.as_manager()  # type: ignore[assignment, misc]

    class Meta:
        verbose_name = _("安全生产标准化等级")
        verbose_name_plural = _("安全生产标准化等级")
        ordering = ["enterprise_id", "-valid_until"]
        indexes = [models.Index(fields=["grade"])]

    def __str__(self) -> str:
        return self.certificate_number

    @property
    def expiry_status(self) -> ExpiryStatus:
        return expiry_status(self.valid_until)


class PersonRole(models.TextChoices):
    PRINCIPAL = "principal", _("主要负责人")
    SAFETY_MANAGER = "safety_manager", _("安全管理人员")
    SPECIAL_OPERATOR = "special_operator", _("特种作业人员")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备作业人员")


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of a citizen identity number."""
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(_("身份证号码应为 18 位：17 位数字加 1 位校验码（数字或 X）。"))
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(_("身份证号码校验位错误：应为 %(char)s。") % {"char": expected})


class SafetyPerson(EnterpriseRecord):
    """A safety manager or certified operator (安全管理人员与特种作业人员)."""

    name = models.CharField(_("姓名"), max_length=64)
    role = models.CharField(_("人员类别"), max_length=20, choices=PersonRole.choices)
    id_number = EncryptedCharField(_("身份证号码"), max_length=18, validators=[validate_id_number])
    certificate_kind = models.CharField(
        _("证书类别"),
        max_length=100,
        blank=True,
        help_text=_("如：安全管理人员安全生产知识和管理能力考核合格证、特种作业操作证（电工作业）"),
    )
    certificate_number = models.CharField(_("证书编号"), max_length=64, blank=True)
    valid_to = models.DateField(_("证书有效期至"), null=True, blank=True, db_index=True)

    expiry_field: ClassVar[str] = "valid_to"
    objects = ExpiringQuerySet.as_manager()  # type: ignore[assignment, misc]

    class Meta:
        verbose_name = _("安全管理与特种作业人员")
        verbose_name_plural = _("安全管理与特种作业人员")
        ordering = ["enterprise_id", "role", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def expiry_status(self) -> ExpiryStatus | None:
        return expiry_status(self.valid_to) if self.valid_to else None

    def clean(self) -> None:
        self.id_number = (self.id_number or "").strip().upper()
        if self.certificate_number and not self.certificate_kind:
            raise ValidationError({"certificate_kind": _("填写证书编号时必须填写证书类别。")})


class TrainingRecord(EnterpriseRecord):
    """A training course held by the enterprise (培训记录)."""

    course = models.CharField(_("培训课程"), max_length=200)
    hours = models.DecimalField(
        _("学时"), max_digits=6, decimal_places=1, validators=_positive(Decimal(1000), Decimal("0.5"))
    )
    people = models.PositiveIntegerField(_("参训人数"), validators=_positive(100_000))
    held_on = models.DateField(_("培训日期"), db_index=True)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["enterprise_id", "-held_on"]

    def __str__(self) -> str:
        return self.course


class MonitoringResult(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class OccupationalHealth(EnterpriseRecord):
    """An occupational hazard factor, its exposed workers and the last monitoring (职业健康)."""

    hazard_factor = models.CharField(_("职业病危害因素"), max_length=100)
    exposed_workers = models.PositiveIntegerField(_("接触人数"), validators=[MaxValueValidator(1_000_000)])
    last_monitored_on = models.DateField(_("最近检测日期"), null=True, blank=True)
    result = models.CharField(_("检测结果"), max_length=8, choices=MonitoringResult.choices, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("职业健康")
        verbose_name_plural = _("职业健康")
        ordering = ["enterprise_id", "hazard_factor"]

    def __str__(self) -> str:
        return self.hazard_factor

    def clean(self) -> None:
        if self.result and not self.last_monitored_on:
            raise ValidationError({"last_monitored_on": _("填写检测结果时必须填写检测日期。")})


class PlanLevel(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合应急预案")
    SPECIAL = "special", _("专项应急预案")
    ONSITE = "onsite", _("现场处置方案")


class EmergencyPlan(EnterpriseRecord):
    """An emergency plan (应急预案), the authority it is filed with, and its file."""

    title = models.CharField(_("预案名称"), max_length=200)
    level = models.CharField(_("预案级别"), max_length=16, choices=PlanLevel.choices)
    filed_with = models.CharField(_("备案部门"), max_length=100, blank=True)
    revised_on = models.DateField(_("修订日期"))
    file = models.FileField(
        _("预案文件"), upload_to="emergency-plans/%Y/", blank=True, validators=[validate_document]
    )

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["enterprise_id", "level", "title"]

    def __str__(self) -> str:
        return self.title


class ResourceKind(models.TextChoices):
    TEAM = "team", _("救援队伍")
    EQUIPMENT = "equipment", _("应急装备")
    MATERIAL = "material", _("应急物资")


class EmergencyResource(EnterpriseRecord):
    """An emergency team, piece of equipment or stock of materials (应急资源)."""

    kind = models.CharField(_("资源类别"), max_length=12, choices=ResourceKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    quantity = models.DecimalField(
        _("数量"), max_digits=12, decimal_places=2, validators=_positive(Decimal(10**9), Decimal(0))
    )
    unit = models.CharField(_("计量单位"), max_length=16)
    location = models.CharField(_("存放地点"), max_length=200)

    class Meta:
        verbose_name = _("应急资源")
        verbose_name_plural = _("应急资源")
        ordering = ["enterprise_id", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class EmergencyDrill(EnterpriseRecord):
    """An emergency drill (应急演练) with its evaluation."""

    held_on = models.DateField(_("演练日期"), db_index=True)
    scenario = models.CharField(_("演练科目"), max_length=200)
    participants = models.PositiveIntegerField(_("参演人数"), validators=_positive(100_000))
    evaluation = models.TextField(_("演练评估"), blank=True)

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["enterprise_id", "-held_on"]

    def __str__(self) -> str:
        return self.scenario


PROFILE_MODELS: tuple[type[EnterpriseRecord], ...] = (
    Licence,
    StandardisationGrade,
    SafetyPerson,
    TrainingRecord,
    OccupationalHealth,
    EmergencyPlan,
    EmergencyResource,
    EmergencyDrill,
)
