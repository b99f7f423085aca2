"""Periodic hidden danger statistical tables (事故隐患排查治理统计分析表, Order No. 16 Art. 14).

Every quarter and every year an enterprise sends its regulators a statistical table of its hidden
dangers, signed by its principal person in charge: the quarterly table before the 15th of the
first month of the next quarter, the annual one before 31 January (both configurable,
``ANJIAN_DANGER_STATS_*``). The figures are pre-filled from the enterprise's own hidden danger
records by SQL and may be corrected with a note; regulators see who submitted, who was late and
who is missing, and the submitted tables summed by region.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors
from anjian.core.models import BusinessModel
from anjian.industries.choices import Sector


class ReportPeriod(models.TextChoices):
    Q1 = "q1", _("第一季度")
    Q2 = "q2", _("第二季度")
    Q3 = "q3", _("第三季度")
    Q4 = "q4", _("第四季度")
    ANNUAL = "annual", _("年度")


@with_colors(draft="secondary", submitted="green", late="orange", missing="red", not_due="azure")
class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("未报送")
    SUBMITTED = "submitted", _("按时报送")
    LATE = "late", _("逾期报送")
    MISSING = "missing", _("逾期未报")
    NOT_DUE = "not_due", _("未到报送期限")


QUARTER_MONTHS = {"q1": 1, "q2": 4, "q3": 7, "q4": 10}


def period_bounds(year: int, period: str) -> tuple[datetime.date, datetime.date]:
    """The first day of the period and the first day after it."""
    if period == ReportPeriod.ANNUAL:
        return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    month = QUARTER_MONTHS[period]
    end = datetime.date(year + 1, 1, 1) if month == 10 else datetime.date(year, month + 3, 1)
    return datetime.date(year, month, 1), end


def report_deadline(year: int, period: str) -> datetime.date:
    """The last day on which the table is on time (Order 16 Art. 14; days configurable).

    Quarterly: the ``DANGER_STATS_QUARTERLY_DUE_DAY`` (15th) of the first month of the next
    quarter; annual: ``DANGER_STATS_ANNUAL_DUE`` ("01-31") of the next year.
    """
    if period == ReportPeriod.ANNUAL:
        month, day = (int(part) for part in settings.DANGER_STATS_ANNUAL_DUE.split("-"))
        return datetime.date(year + 1, month, day)
    next_quarter = period_bounds(year, period)[1]
    return next_quarter.replace(day=settings.DANGER_STATS_QUARTERLY_DUE_DAY)


def current_report_period(today: datetime.date) -> tuple[int, str]:
    """The most recent quarter that has ended: the one whose table is due next."""
    quarter = (today.month - 1) // 3  # 0 = this is the first quarter: the last one is Q4 of last year
    if quarter == 0:
        return today.year - 1, ReportPeriod.Q4
    return today.year, f"q{quarter}"


FIGURE_FIELDS = (
    "general_found",
    "general_rectified",
    "major_found",
    "major_rectified",
    "overdue",
    "listed",
    "funds",
)


def _count(label: Any) -> models.PositiveIntegerField[Any, Any]:
    return models.PositiveIntegerField(
        label, null=True, blank=True, help_text=_("留空则按本企业的隐患记录自动统计")
    )


class DangerStatReport(BusinessModel):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在区域"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    sector = models.CharField(_("监管行业"), max_length=20, choices=Sector.choices, editable=False)
    year = models.PositiveSmallIntegerField(
        _("统计年度"), validators=[MinValueValidator(2008), MaxValueValidator(2100)]
    )
    period = models.CharField(_("统计期"), max_length=8, choices=ReportPeriod.choices)
    general_found = _count(_("排查一般隐患（项）"))
    general_rectified = _count(_("一般隐患已整改（项）"))
    major_found = _count(_("排查重大隐患（项）"))
    major_rectified = _count(_("重大隐患已整改（项）"))
    overdue = _count(_("逾期未整改（项）"))
    listed = _count(_("挂牌督办（项）"))
    funds = models.DecimalField(
        _("落实整改资金（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("留空则按本企业的隐患记录自动统计"),
    )
    note = models.TextField(_("情况说明"), blank=True, help_text=_("更正自动统计数字时说明原因"))
    principal = models.CharField(
        _("主要负责人（签字）"), max_length=64, blank=True, help_text=_("报送前必须填写")
    )
    deadline = models.DateField(_("报送期限"), editable=False)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True, editable=False)
    late = models.BooleanField(_("逾期报送"), default=False, editable=False)

    scope_region: ClassVar[str | None] = "region__code"
    scope_sector: ClassVar[str | None] = "sector"
    scope_enterprise: ClassVar[str | None] = "enterprise_id"
    enterprise_reportable: ClassVar[bool] = True

    class Meta:
        verbose_name = _("隐患统计报表")
        verbose_name_plural = _("隐患统计报表")
        ordering = ["-year", "-period", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "period"], name="dangerstats_one_report_per_period"
            )
        ]
        indexes = [models.Index(fields=["year", "period", "region"])]

    def __str__(self) -> str:
        name = self.enterprise.name if self.enterprise_id else ""
        return f"{name} {self.year}年{self.get_period_display()}隐患统计表"

    @property
    def status(self) -> str:
        if self.submitted_at is not None:
            return SubmissionStatus.LATE if self.late else SubmissionStatus.SUBMITTED
        return SubmissionStatus.DRAFT

    def get_status_display(self) -> str:
        return str(SubmissionStatus(self.status).label)

    @property
    def rectification_rate(self) -> float | None:
        found = (self.general_found or 0) + (self.major_found or 0)
        done = (self.general_rectified or 0) + (self.major_rectified or 0)
        return None if found == 0 else round(done * 100 / found, 1)

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        if self.year and self.period:
            end = period_bounds(self.year, self.period)[1]
            if timezone.localdate() < end:
                errors.setdefault("period", []).append(
                    _("统计期尚未结束（%(end)s 结束），不能填报该期统计表。")
                    % {"end": (end - datetime.timedelta(days=1)).isoformat()}
                )
        pairs = (("general_rectified", "general_found"), ("major_rectified", "major_found"))
        for done, found in pairs:
            done_value, found_value = getattr(self, done), getattr(self, found)
            if done_value is not None and found_value is not None and done_value > found_value:
                errors.setdefault(done, []).append(_("已整改数不能大于排查出的隐患数。"))
        if self.listed is not None and self.major_found is not None and self.listed > self.major_found:
            errors.setdefault("listed", []).append(_("挂牌督办数不能大于重大隐患数。"))
        if errors:
            raise ValidationError(errors)

    def derive(self) -> None:
        """Copy the enterprise's region and sector (statistics group without a join) and set the
        deadline of the period; called by the service before validation."""
        if self.enterprise_id:
            self.region_id = self.enterprise.region_id
            self.sector = self.enterprise.sector
        if self.year and self.period in ReportPeriod.values:
            self.deadline = report_deadline(self.year, self.period)
