"""Hidden dangers (事故隐患, Order No. 16) and supervised rectification (挂牌督办).

A hidden danger is found (by the enterprise's self-inspection, by an inspector, or from a verified
public complaint), rectified by a deadline and verified; a major one also carries the Art. 14
report and the Art. 15 rectification plan, is reported to the regulator, and may be listed for
supervision by a regulator at county level or above. ``region`` and ``sector`` are copied from the
enterprise when the record is created so statistics group and filter without a join.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors
from anjian.core.models import BusinessModel, ScopedQuerySet
from anjian.industries.choices import Sector


@with_colors(general="yellow", major="red")
class DangerLevel(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class DangerSource(models.TextChoices):
    SELF_CHECK = "self_check", _("企业自查")
    INSPECTION = "inspection", _("监管检查")
    COMPLAINT = "complaint", _("群众举报（已核实）")


@with_colors(reported="secondary", rectifying="blue", awaiting_verification="orange", closed="green")
class DangerStatus(models.TextChoices):
    REPORTED = "reported", _("已登记")
    RECTIFYING = "rectifying", _("整改中")
    AWAITING_VERIFICATION = "awaiting_verification", _("待验收")
    CLOSED = "closed", _("已销号")


class ChecklistItem(models.Model):
    """One item of a sector's hidden-danger checklist (排查清单), versioned reference data.

    Items with ``major_criterion`` are the sector's major hidden danger criteria (e.g.
    安监总管三〔2017〕121号 for hazardous chemicals): a hidden danger tagged with one is major
    whatever the enterprise's own grading says.
    """

    sector = models.CharField(_("监管行业"), max_length=20, choices=Sector.choices, db_index=True)
    code = models.CharField(_("条目编号"), max_length=32)
    title = models.CharField(_("条目内容"), max_length=500)
    major_criterion = models.BooleanField(_("重大隐患判定条目"), default=False)
    standard = models.CharField(_("依据文件"), max_length=100, blank=True)
    edition = models.CharField(_("版本"), max_length=32, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("隐患排查清单条目")
        verbose_name_plural = _("隐患排查清单")
        ordering = ["sector", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "code", "edition"], name="dangers_checklist_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class HiddenDangerQuerySet(ScopedQuerySet):
    def overdue(self, today: datetime.date | None = None) -> HiddenDangerQuerySet:
        """Not closed and past the rectification deadline (``today`` in Asia/Shanghai)."""
        today = today or timezone.localdate()
        return self.exclude(status=DangerStatus.CLOSED).filter(deadline__lt=today)


class HiddenDanger(BusinessModel):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="hidden_dangers",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在区域"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    sector = models.CharField(_("监管行业"), max_length=20, choices=Sector.choices, editable=False)
    place = models.CharField(_("隐患部位"), max_length=200)
    description = models.TextField(_("隐患描述"))
    category = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("隐患类别（排查清单条目）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.CharField(
        _("隐患级别"), max_length=10, choices=DangerLevel.choices, default=DangerLevel.GENERAL
    )
    source = models.CharField(_("发现途径"), max_length=12, choices=DangerSource.choices)
    found_by = models.CharField(_("发现人"), max_length=64)
    found_at = models.DateField(_("发现日期"))
    deadline = models.DateField(_("整改期限"))
    responsible_person = models.CharField(_("整改责任人"), max_length=64)
    responsible_user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("整改责任人账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("接收整改期限提醒的账号"),
    )
    measures = models.TextField(_("整改措施"), blank=True)
    funds = models.DecimalField(
        _("整改资金（万元）"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    interim_safeguards = models.TextField(_("整改期间安全防范措施"), blank=True)
    # Major hidden danger report (Order 16 Art. 14).
    current_state = models.TextField(_("隐患现状及其产生原因"), blank=True)
    harm_analysis = models.TextField(_("隐患危害程度和整改难易程度分析"), blank=True)
    # Rectification plan (Order 16 Art. 15).
    plan_targets = models.TextField(_("治理的目标和任务"), blank=True)
    plan_methods = models.TextField(_("采取的方法和措施"), blank=True)
    plan_funding = models.TextField(_("经费和物资的落实"), blank=True)
    plan_organisation = models.TextField(_("负责治理的机构和人员"), blank=True)
    plan_time_limits = models.TextField(_("治理的时限和要求"), blank=True)
    plan_safety_measures = models.TextField(_("安全措施和应急预案"), blank=True)
    # Life cycle (set by services.transition_danger, never by forms).
    status = models.CharField(
        _("状态"), max_length=24, choices=DangerStatus.choices, default=DangerStatus.REPORTED, editable=False
    )
    reported_to_regulator_at = models.DateTimeField(
        _("上报监管部门时间"), null=True, blank=True, editable=False
    )
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True, editable=False)
    verified_by = models.CharField(_("验收人"), max_length=64, blank=True, editable=False)
    verified_at = models.DateTimeField(_("验收时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True, editable=False)
    rejection_reason = models.CharField(_("验收不通过理由"), max_length=500, blank=True, editable=False)
    # Added in 0002.
    complaint_reference = models.CharField(
        _("举报编号"), max_length=64, blank=True, help_text=_("来源为群众举报时，填写已核实举报的受理编号")
    )
    verification_note = models.TextField(_("验收意见"), blank=True, editable=False)

    scope_region: ClassVar[str | None] = "region__code"
    scope_sector: ClassVar[str | None] = "sector"
    scope_enterprise: ClassVar[str | None] = "enterprise_id"
    enterprise_reportable: ClassVar[bool] = True

    objects = HiddenDangerQuerySet.as_manager()  # type: ignore[assignment, misc]

    class Meta:
        verbose_name = _("事故隐患")
        verbose_name_plural = _("隐患排查治理")
        ordering = ["-found_at", "-id"]
        indexes = [
            models.Index(fields=["region", "found_at"]),
            models.Index(fields=["found_at"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["sector", "found_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.place}：{self.description[:30]}"

    @property
    def is_overdue(self) -> bool:
        return self.status != DangerStatus.CLOSED and self.deadline < timezone.localdate()

    @property
    def is_major(self) -> bool:
        return self.level == DangerLevel.MAJOR

    def copy_enterprise_jurisdiction(self) -> None:
        """``region`` and ``sector`` always follow the enterprise (never typed in)."""
        if self.enterprise_id:
            self.region_id = self.enterprise.region_id
            self.sector = self.enterprise.sector

    def missing_major_contents(self) -> list[str]:
        """Labels of the Art. 14 report and Art. 15 plan items still empty (major hidden dangers)."""
        fields = {field.name: field for field in self._meta.concrete_fields}
        return [
            str(fields[name].verbose_name)
            for name in MAJOR_REPORT_FIELDS
            if not str(getattr(self, name) or "").strip()
        ]

    def responsible_user_fits(self) -> bool:
        """The responsible account belongs to the danger's enterprise, or to a regulator
        organisation whose region and sectors cover it (nobody else may receive its reminders)."""
        from anjian.accounts.models import OrgType
        from anjian.core.scope import region_prefix

        user = self.responsible_user
        org = getattr(user, "organization", None) if user is not None else None
        if org is None:
            return False
        if org.enterprise_id is not None or org.org_type == OrgType.ENTERPRISE:
            return bool(org.enterprise_id == self.enterprise_id)
        if org.org_type not in (OrgType.AGENCY, OrgType.COAL_SUPERVISION):
            return False
        enterprise = self.enterprise
        if org.region is not None and not str(enterprise.region_id).startswith(
            region_prefix(org.region.code, org.region.level)
        ):
            return False
        return not org.sectors or enterprise.sector in org.sectors

    def active_listing(self) -> SupervisionListing | None:
        """The supervision listing not yet delisted, if any."""
        if not self.pk:
            return None
        return self.listings.exclude(status=ListingStatus.DELISTED).first()

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        today = timezone.localdate()
        if self.found_at and self.found_at > today:
            errors.setdefault("found_at", []).append(gettext("发现日期不能晚于今天。"))
        if self.found_at and self.deadline and self.deadline < self.found_at:
            errors.setdefault("deadline", []).append(
                gettext("整改期限（%(deadline)s）不能早于发现日期（%(found)s）。")
                % {"deadline": self.deadline.isoformat(), "found": self.found_at.isoformat()}
            )
        if self.category_id:
            item = self.category
            assert item is not None
            if self.enterprise_id and item.sector != self.enterprise.sector:
                errors.setdefault("category", []).append(
                    gettext("隐患类别“%(code)s”属于“%(sector)s”行业排查清单，与企业的监管行业不符。")
                    % {"code": item.code, "sector": item.get_sector_display()}
                )
            elif item.major_criterion and self.level != DangerLevel.MAJOR:
                errors.setdefault("level", []).append(
                    gettext(
                        "隐患类别“%(code)s %(title)s”是重大事故隐患判定标准（%(standard)s）的条目，"
                        "隐患级别必须为“重大隐患”。"
                    )
                    % {"code": item.code, "title": item.title[:40], "standard": item.standard}
                )
        if self.responsible_user_id and self.enterprise_id and not self.responsible_user_fits():
            errors.setdefault("responsible_user", []).append(
                gettext("整改责任人账号须属于本企业，或属于管辖该企业的监管部门。")
            )
        if self.source == DangerSource.COMPLAINT and not self.complaint_reference.strip():
            errors.setdefault("complaint_reference", []).append(
                gettext("来源为群众举报时，必须填写已核实举报的受理编号。")
            )
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.region_id or not self.sector:
            self.copy_enterprise_jurisdiction()
        super().save(*args, **kwargs)


# Order 16 Art. 14 report contents and Art. 15 plan contents a major hidden danger must carry
# before its rectification starts.
MAJOR_REPORT_FIELDS = (
    "current_state",
    "harm_analysis",
    "plan_targets",
    "plan_methods",
    "plan_funding",
    "plan_organisation",
    "plan_time_limits",
    "plan_safety_measures",
)


@with_colors(listed="red", closure_applied="orange", delisted="green")
class ListingStatus(models.TextChoices):
    LISTED = "listed", _("督办中")
    CLOSURE_APPLIED = "closure_applied", _("已申请销号")
    DELISTED = "delisted", _("已摘牌")


class SupervisionListing(BusinessModel):
    """A major hidden danger listed for supervised rectification (挂牌督办) by a regulator at county
    level or above; the enterprise reports progress and applies for closure, the regulator reviews
    within the review window (10 days by default, Order 16 Art. 23) and delists or rejects."""

    danger = models.ForeignKey(
        HiddenDanger, verbose_name=_("重大隐患"), on_delete=models.PROTECT, related_name="listings"
    )
    authority = models.ForeignKey(
        "accounts.Organization", verbose_name=_("挂牌督办单位"), on_delete=models.PROTECT, related_name="+"
    )
    document_no = models.CharField(_("督办文号"), max_length=64)
    listed_at = models.DateField(_("挂牌日期"))
    deadline = models.DateField(_("督办整改期限"))
    requirements = models.TextField(_("督办要求"))
    status = models.CharField(
        _("督办状态"),
        max_length=16,
        choices=ListingStatus.choices,
        default=ListingStatus.LISTED,
        editable=False,
    )
    closure_applied_at = models.DateTimeField(_("申请销号时间"), null=True, blank=True, editable=False)
    review_deadline = models.DateField(_("审核期限"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    review_note = models.TextField(_("审核意见"), blank=True, editable=False)
    delisted_at = models.DateTimeField(_("摘牌时间"), null=True, blank=True, editable=False)

    scope_region: ClassVar[str | None] = "danger__region__code"
    scope_sector: ClassVar[str | None] = "danger__sector"
    scope_enterprise: ClassVar[str | None] = "danger__enterprise_id"
    regulator_only: ClassVar[bool] = True

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("重大隐患挂牌督办")
        ordering = ["-listed_at", "-id"]
        indexes = [models.Index(fields=["status", "review_deadline"]), models.Index(fields=["listed_at"])]

    def __str__(self) -> str:
        return f"{self.document_no} {self.danger}"

    @property
    def is_review_overdue(self) -> bool:
        """A closure application not reviewed within the review window."""
        return (
            self.status == ListingStatus.CLOSURE_APPLIED
            and self.review_deadline is not None
            and self.review_deadline < timezone.localdate()
        )

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.danger_id:
            if self.danger.level != DangerLevel.MAJOR:
                errors.setdefault("danger", []).append(gettext("只有重大隐患可以挂牌督办。"))
            elif self.danger.status == DangerStatus.CLOSED and self._state.adding:
                errors.setdefault("danger", []).append(gettext("该隐患已销号，不能挂牌督办。"))
            else:
                active = self.danger.listings.exclude(status=ListingStatus.DELISTED).exclude(pk=self.pk)
                if active.exists():
                    errors.setdefault("danger", []).append(
                        gettext("该隐患已在挂牌督办中（%(no)s），不能重复挂牌。")
                        % {"no": active.values_list("document_no", flat=True).first()}
                    )
        if self.listed_at and self.listed_at > timezone.localdate():
            errors.setdefault("listed_at", []).append(gettext("挂牌日期不能晚于今天。"))
        if self.listed_at and self.deadline and self.deadline < self.listed_at:
            errors.setdefault("deadline", []).append(gettext("督办整改期限不能早于挂牌日期。"))
        if errors:
            raise ValidationError(errors)


def review_days() -> int:
    return int(settings.DANGER_REVIEW_DAYS)


class ListingProgress(BusinessModel):
    """A progress report on a listed major hidden danger, filed by the enterprise (or recorded by
    the regulator)."""

    listing = models.ForeignKey(
        SupervisionListing, verbose_name=_("挂牌督办"), on_delete=models.CASCADE, related_name="progress"
    )
    reported_on = models.DateField(_("报告日期"), default=timezone.localdate)
    content = models.TextField(_("整改进展"))

    scope_region: ClassVar[str | None] = "listing__danger__region__code"
    scope_sector: ClassVar[str | None] = "listing__danger__sector"
    scope_enterprise: ClassVar[str | None] = "listing__danger__enterprise_id"
    enterprise_reportable: ClassVar[bool] = True

    class Meta:
        verbose_name = _("督办整改进展")
        verbose_name_plural = _("督办整改进展")
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reported_on.isoformat()} {self.content[:30]}"

    def clean(self) -> None:
        if self.reported_on and self.reported_on > timezone.localdate():
            raise ValidationError({"reported_on": gettext("报告日期不能晚于今天。")})
