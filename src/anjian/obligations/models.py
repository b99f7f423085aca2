"""Direct-reporting duties (直报义务): what enterprises must file and by when (rules kept as data),
and each filing an enterprise makes."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import BusinessModel
from anjian.obligations import periods


class DutyPeriod(models.TextChoices):
    QUARTERLY = periods.PeriodKind.QUARTERLY, _("每季度")
    ANNUAL = periods.PeriodKind.ANNUAL, _("每年")
    EVERY_N_YEARS = periods.PeriodKind.EVERY_N_YEARS, _("每 N 年（自上次报送起）")


class ReportingDuty(models.Model):
    """A reporting duty and its due rule; configuration, edited as data (seeded by a migration)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    sectors = models.JSONField(_("适用监管行业"), default=list, blank=True, help_text=_("为空表示全部行业"))
    major_hazard_only = models.BooleanField(_("仅限有重大危险源的企业"), default=False)
    period = models.CharField(_("报送周期"), max_length=16, choices=DutyPeriod.choices)
    every_years = models.PositiveSmallIntegerField(_("间隔年数"), default=1)
    due_months_after = models.PositiveSmallIntegerField(_("期末后第几个月截止"), default=1)
    due_day = models.PositiveSmallIntegerField(_("截止日"), default=15)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("报送义务")
        verbose_name_plural = _("报送义务")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def rule(self) -> periods.DueRule:
        return periods.DueRule(self.period, self.every_years, self.due_months_after, self.due_day)

    def enterprise_filter(self) -> Q:
        """The enterprises (``Enterprise`` rows) the duty applies to."""
        from anjian.hazards.models import HazardUnit

        q = Q()
        if self.sectors:
            q &= Q(sector__in=list(self.sectors))
        if self.major_hazard_only:
            q &= Q(pk__in=HazardUnit.objects.filter(is_major=True).values("enterprise_id"))
        return q

    def applies_to(self, enterprise: Any) -> bool:
        from anjian.enterprises.models import Enterprise

        return bool(Enterprise.objects.filter(self.enterprise_filter(), pk=enterprise.pk).exists())


class DutySubmission(BusinessModel):
    """One filing of a duty by an enterprise for a period (the report itself is an attachment)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="duty_submissions",
    )
    duty = models.ForeignKey(
        ReportingDuty, verbose_name=_("报送义务"), on_delete=models.PROTECT, related_name="submissions"
    )
    period = models.CharField(_("报送期"), max_length=16, help_text=_("季度如 2026Q3，年度如 2026"))
    submitted_at = models.DateTimeField(_("报送时间"), default=timezone.now)
    deadline = models.DateField(_("截止日期"), null=True, blank=True, editable=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_region: ClassVar[str | None] = "enterprise__region__code"
    scope_sector: ClassVar[str | None] = "enterprise__sector"
    scope_enterprise: ClassVar[str | None] = "enterprise_id"
    enterprise_reportable: ClassVar[bool] = True

    class Meta:
        verbose_name = _("直报记录")
        verbose_name_plural = _("直报记录")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "duty", "period"], name="obligations_unique_submission"
            ),
        ]
        indexes = [models.Index(fields=["duty", "period"])]

    def __str__(self) -> str:
        duty = self.duty.name if self.duty_id else ""
        enterprise = self.enterprise.name if self.enterprise_id else ""
        return f"{enterprise} {duty} {self.period}"

    @property
    def is_late(self) -> bool:
        return self.deadline is not None and timezone.localdate(self.submitted_at) > self.deadline

    def clean(self) -> None:
        if not self.duty_id or not self.enterprise_id or self.submitted_at is None:
            return
        duty = self.duty
        self.period = self.period.strip().upper()
        if not duty.applies_to(self.enterprise):
            raise ValidationError({"duty": _("该报送义务不适用于本企业。")})
        if duty.rule.rolling:
            self.deadline = self._rolling_deadline(duty)
            if periods.period_from_label(duty.rule, self.period) is None:
                raise ValidationError({"period": _("报送期应为年份，如 2026。")})
            return
        period = periods.period_from_label(duty.rule, self.period)
        if period is None:
            message = (
                _("报送期格式应为 2026Q3（季度）。")
                if duty.period == DutyPeriod.QUARTERLY
                else _("报送期应为年份，如 2026。")
            )
            raise ValidationError({"period": message})
        if timezone.localdate(self.submitted_at) < period.start:
            raise ValidationError(
                {"submitted_at": _("报送时间早于报送期开始日期 %(start)s。") % {"start": period.start}}
            )
        self.deadline = period.deadline

    def _rolling_deadline(self, duty: ReportingDuty) -> Any:
        earlier = (
            DutySubmission.objects.filter(
                enterprise_id=self.enterprise_id, duty=duty, submitted_at__lt=self.submitted_at
            )
            .exclude(pk=self.pk)
            .order_by("-submitted_at")
            .values_list("submitted_at", flat=True)
            .first()
        )
        if earlier is None:
            return None
        return periods.add_months(timezone.localdate(earlier), 12 * duty.every_years)
