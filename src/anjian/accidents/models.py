"""Accident reports (Decree 493): the report with its current casualty figures and grade, the
reporting chain (one step per level), immutable versions (首报, 续报/补报) and the investigation."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import (
    AccidentGrade,
    AccidentStatus,
    AccidentType,
    Criterion,
    InvestigationStatus,
    ReportLevel,
    RevisionKind,
)
from anjian.accidents.grading import GradeResult, grade_accident
from anjian.core.fields import EncryptedCharField
from anjian.core.models import BusinessModel
from anjian.core.uploads import validate_document
from anjian.industries.choices import Sector
from anjian.regions.models import leaf_codes

NOT_NEGATIVE = _("人数不能为负数。")
CASUALTY_FIELDS: tuple[str, ...] = (
    "deaths",
    "missing",
    "serious_injuries",
    "minor_injuries",
    "direct_loss_yuan",
)


def _count(label: Any, help_text: Any = "") -> models.IntegerField[int, int]:
    return models.IntegerField(
        label, default=0, help_text=help_text, validators=[MinValueValidator(0, message=NOT_NEGATIVE)]
    )


def _loss_field() -> models.DecimalField[Decimal | None, Decimal | None]:
    return models.DecimalField(
        _("直接经济损失（元）"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("初步估算，单位：元；不清楚时留空（不同于已知为 0）"),
        validators=[MinValueValidator(Decimal(0), message=_("直接经济损失不能为负数。"))],
    )


class CasualtyFigures(models.Model):
    """The casualty and loss figures a report and each of its versions carry (Art. 12 item 4)."""

    deaths = _count(_("死亡人数"))
    missing = _count(_("下落不明人数"))
    serious_injuries = _count(_("重伤人数"), _("含急性工业中毒"))
    minor_injuries = _count(_("轻伤人数"))
    direct_loss_yuan = _loss_field()
    grade = models.CharField(
        _("事故等级"),
        max_length=16,
        choices=AccidentGrade.choices,
        default=AccidentGrade.GENERAL,
        editable=False,
    )
    grade_basis = models.CharField(_("定级依据"), max_length=80, blank=True, editable=False)
    grade_provisional = models.BooleanField(_("等级为下限"), default=False, editable=False)

    class Meta:
        abstract = True

    def compute_grade(self) -> GradeResult:
        return grade_accident(
            deaths=self.deaths,
            missing=self.missing,
            serious_injuries=self.serious_injuries,
            direct_loss_yuan=self.direct_loss_yuan,
        )

    def apply_grade(self, result: GradeResult) -> None:
        self.grade = result.grade
        self.grade_basis = ",".join(result.decided_by)
        self.grade_provisional = result.provisional

    @property
    def decided_by(self) -> list[str]:
        return [str(Criterion(c).label) for c in self.grade_basis.split(",") if c]

    def grade_explanation(self) -> str:
        text = gettext("%(grade)s，由%(criteria)s决定") % {
            "grade": AccidentGrade(self.grade).label,
            "criteria": "、".join(self.decided_by),
        }
        if self.grade_provisional:
            text += gettext("（直接经济损失未知，等级为下限）")
        return text

    def figures_valid(self) -> bool:
        counts = (self.deaths, self.missing, self.serious_injuries, self.minor_injuries)
        loss_ok = self.direct_loss_yuan is None or self.direct_loss_yuan >= 0
        return all(isinstance(c, int) and c >= 0 for c in counts) and loss_ok

    def figures(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CASUALTY_FIELDS}


class AccidentReport(CasualtyFigures, BusinessModel):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("事故单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("企业名录中的企业；未登记的单位请填写单位名称"),
    )
    unit_name = models.CharField(_("事故单位名称"), max_length=128, blank=True)
    sector = models.CharField(_("监管行业"), max_length=20, choices=Sector.choices, blank=True, db_index=True)
    industry = models.ForeignKey(
        "industries.Industry",
        verbose_name=_("国民经济行业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": "division"},
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("事故发生地"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("县级行政区划代码"),
    )
    occurred_at = models.DateTimeField(_("发生时间"), db_index=True)
    place = models.CharField(_("发生地点"), max_length=200)
    accident_type = models.CharField(_("事故类别"), max_length=24, choices=AccidentType.choices)
    course = models.TextField(_("事故简要经过"))
    measures = models.TextField(_("已经采取的措施"), blank=True)
    reporter = models.CharField(_("报告人"), max_length=64)
    reporter_phone = EncryptedCharField(_("联系电话"), max_length=32)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AccidentStatus.choices,
        default=AccidentStatus.REPORTING,
        editable=False,
    )

    scope_region: ClassVar[str | None] = "region__code"
    scope_sector: ClassVar[str | None] = "sector"
    scope_enterprise: ClassVar[str | None] = "enterprise_id"

    class Meta:
        verbose_name = _("事故快报")
        verbose_name_plural = _("事故快报")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["region", "occurred_at"]),
            models.Index(fields=["sector", "occurred_at"]),
            models.Index(fields=["grade", "occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    deaths__gte=0, missing__gte=0, serious_injuries__gte=0, minor_injuries__gte=0
                ),
                name="accident_counts_not_negative",
            )
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.occurred_at).strftime("%Y-%m-%d") if self.occurred_at else ""
        kind = AccidentType(self.accident_type).label if self.accident_type else ""
        return f"{when} {self.unit_display}{kind}事故".strip()

    @property
    def unit_display(self) -> str:
        if self.enterprise_id and self.enterprise:
            return self.enterprise.name
        return self.unit_name

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.occurred_at and self.occurred_at > timezone.now() + timedelta(minutes=5):
            errors.setdefault("occurred_at", []).append(gettext("发生时间不能晚于当前时间。"))
        if self.enterprise_id is None and not self.unit_name.strip():
            errors.setdefault("unit_name", []).append(gettext("请选择企业名录中的企业，或填写事故单位名称。"))
        if self.enterprise_id is not None and self.enterprise:
            self.unit_name = self.enterprise.name
            if not self.sector:
                self.sector = self.enterprise.sector
        if self.region_id and self.region_id not in leaf_codes():
            errors.setdefault("region", []).append(gettext("事故发生地应为县级行政区划代码。"))
        if errors:
            raise ValidationError(errors)
        if self.figures_valid():
            self.apply_grade(self.compute_grade())

    def supplement_deadline(self) -> datetime:
        """The end of the window for supplementary reports on casualties (Art. 13)."""
        return self.occurred_at + timedelta(days=self.supplement_window_days())

    def supplement_window_days(self) -> int:
        if self.accident_type in settings.ACCIDENT_SHORT_WINDOW_TYPES:
            return int(settings.ACCIDENT_SHORT_SUPPLEMENT_DAYS)
        return int(settings.ACCIDENT_SUPPLEMENT_DAYS)

    def ordered_steps(self) -> list[ReportStep]:
        return sorted(self.steps.all(), key=lambda s: s.sequence)

    def ordered_revisions(self) -> list[AccidentRevision]:
        return sorted(self.revisions.all(), key=lambda r: r.number)

    @property
    def reached_level(self) -> str | None:
        """The highest level that has the report (received or satisfied by a skip-level report)."""
        reached = [s for s in self.ordered_steps() if s.is_satisfied]
        return reached[-1].level if reached else None


class ReportStep(BusinessModel):
    """One level of the reporting chain of one report."""

    report = models.ForeignKey(
        AccidentReport, verbose_name=_("事故快报"), on_delete=models.CASCADE, related_name="steps"
    )
    sequence = models.PositiveSmallIntegerField(_("顺序"))
    level = models.CharField(_("层级"), max_length=12, choices=ReportLevel.choices)
    jurisdiction = models.ForeignKey(
        "regions.Region",
        verbose_name=_("接收地区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("国家级为空"),
    )
    triggered_at = models.DateTimeField(_("要求报送时间"))
    due_at = models.DateTimeField(_("应报时限"))
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_by_org = models.CharField(_("接收机构"), max_length=128, blank=True)
    satisfied_at = models.DateTimeField(
        _("越级报送时间"), null=True, blank=True, help_text=_("由上级直接接收（越级上报）视为已报送")
    )
    satisfied_by_level = models.CharField(
        _("越级接收层级"), max_length=12, choices=ReportLevel.choices, blank=True
    )

    scope_region: ClassVar[str | None] = "report__region__code"
    scope_sector: ClassVar[str | None] = "report__sector"
    scope_enterprise: ClassVar[str | None] = "report__enterprise_id"
    regulator_only: ClassVar[bool] = True

    class Meta:
        verbose_name = _("报送环节")
        verbose_name_plural = _("报送环节")
        ordering = ["report", "sequence"]
        constraints = [models.UniqueConstraint(fields=["report", "level"], name="accident_step_unique_level")]
        indexes = [models.Index(fields=["received_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.report} · {self.jurisdiction_name}"

    def get_absolute_url(self) -> str:
        return self.report.get_absolute_url()

    @property
    def jurisdiction_name(self) -> str:
        if self.jurisdiction_id is None:
            return gettext("国务院安全生产监督管理部门（应急管理部）")
        return self.jurisdiction.full_name() if self.jurisdiction else ""

    @property
    def is_satisfied(self) -> bool:
        return self.received_at is not None or self.satisfied_at is not None

    @property
    def effective_at(self) -> datetime | None:
        return self.received_at or self.satisfied_at

    def is_late(self, now: datetime | None = None) -> bool:
        """Received after its due time, or still not received when the due time has passed."""
        at = self.effective_at
        if at is not None:
            return at > self.due_at
        return (now or timezone.now()) > self.due_at


class AccidentRevision(CasualtyFigures, BusinessModel):
    """An immutable version of the casualty figures: the first report and every supplement."""

    report = models.ForeignKey(
        AccidentReport, verbose_name=_("事故快报"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    kind = models.CharField(_("类型"), max_length=12, choices=RevisionKind.choices)
    note = models.TextField(_("进展情况"), blank=True)
    reason = models.CharField(_("变更原因"), max_length=200, blank=True)
    changes = models.JSONField(_("变化"), default=dict, blank=True, editable=False)
    previous_grade = models.CharField(
        _("原等级"), max_length=16, choices=AccidentGrade.choices, blank=True, editable=False
    )

    scope_region: ClassVar[str | None] = "report__region__code"
    scope_sector: ClassVar[str | None] = "report__sector"
    scope_enterprise: ClassVar[str | None] = "report__enterprise_id"
    regulator_only: ClassVar[bool] = True

    class Meta:
        verbose_name = _("事故报告版本")
        verbose_name_plural = _("事故报告版本")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="accident_revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_kind_display()} {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError(gettext("事故报告的版本一经提交不能修改。"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.report.get_absolute_url()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(gettext("事故报告的版本一经提交不能删除。"))

    @property
    def raised_grade(self) -> bool:
        from anjian.accidents.choices import grade_rank

        return bool(self.previous_grade) and grade_rank(self.grade) > grade_rank(self.previous_grade)

    def change_rows(self) -> list[tuple[str, Any, Any]]:
        labels = {f.name: f.verbose_name for f in self._meta.fields}
        return [(str(labels.get(k, k)), v[0], v[1]) for k, v in self.changes.items()]


class Investigation(BusinessModel):
    """The investigation of an accident (Arts. 19–31): team, deadline, findings, decisions."""

    report = models.OneToOneField(
        AccidentReport, verbose_name=_("事故"), on_delete=models.PROTECT, related_name="investigation"
    )
    team_leader = models.CharField(_("调查组组长"), max_length=64)
    team_members = models.TextField(_("调查组成员"), help_text=_("每行一人：姓名、单位、职务"))
    organized_by = models.CharField(_("组织调查的机关"), max_length=128, blank=True)
    extension_days = models.PositiveSmallIntegerField(
        _("延长天数"),
        default=0,
        validators=[MaxValueValidator(60, message=_("调查期限最多延长 60 日。"))],
        help_text=_("经负责调查的人民政府批准，最多延长 60 日，只能延长一次"),
    )
    extension_reason = models.CharField(_("延期理由与批准情况"), max_length=200, blank=True)
    appraisal_days = models.PositiveSmallIntegerField(
        _("技术鉴定天数"), default=0, help_text=_("技术鉴定所需时间不计入调查期限（第二十七条）")
    )
    findings = models.TextField(_("事故原因和性质"), blank=True)
    responsibility = models.TextField(_("责任认定和处理建议"), blank=True)
    rectification = models.TextField(_("整改和防范措施"), blank=True)
    report_file = models.FileField(
        _("调查报告文件"),
        upload_to="accidents/investigations/%Y/",
        blank=True,
        validators=[validate_document],
    )
    submitted_on = models.DateField(_("调查报告提交日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=InvestigationStatus.choices, default=InvestigationStatus.ONGOING
    )
    published = models.BooleanField(_("公开（案例库）"), default=False)

    scope_region: ClassVar[str | None] = "report__region__code"
    scope_sector: ClassVar[str | None] = "report__sector"
    scope_enterprise: ClassVar[str | None] = "report__enterprise_id"
    regulator_only: ClassVar[bool] = True

    class Meta:
        verbose_name = _("事故调查")
        verbose_name_plural = _("事故调查")
        ordering = ["-report__occurred_at", "-id"]

    def __str__(self) -> str:
        return gettext("%(report)s调查") % {"report": self.report} if self.report_id else ""

    @property
    def deadline(self) -> datetime:
        """60 days from the accident (Art. 29), plus the approved extension and technical appraisal."""
        days = settings.ACCIDENT_INVESTIGATION_DAYS + self.extension_days + self.appraisal_days
        return self.report.occurred_at + timedelta(days=days)

    @property
    def is_overdue(self) -> bool:
        if self.status == InvestigationStatus.CLOSED:
            return bool(self.submitted_on and self.submitted_on > timezone.localdate(self.deadline))
        return timezone.now() > self.deadline

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        limit = settings.ACCIDENT_INVESTIGATION_MAX_EXTENSION_DAYS
        if self.extension_days > limit:
            errors.setdefault("extension_days", []).append(
                gettext("调查期限最多延长 %(days)d 日。") % {"days": limit}
            )
        if self.pk is not None and self.extension_days:
            before = Investigation.objects.filter(pk=self.pk).values_list("extension_days", flat=True).first()
            if before and before != self.extension_days:
                errors.setdefault("extension_days", []).append(
                    gettext("调查期限只能延长一次，已延长 %(days)d 日。") % {"days": before}
                )
        if self.extension_days and not self.extension_reason.strip():
            errors.setdefault("extension_reason", []).append(gettext("延长调查期限须写明理由和批准情况。"))
        if self.status == InvestigationStatus.CLOSED:
            for name in ("findings", "responsibility", "rectification"):
                if not getattr(self, name).strip():
                    errors.setdefault(name, []).append(gettext("结案前必须填写此项。"))
            if self.submitted_on is None:
                errors.setdefault("submitted_on", []).append(gettext("结案前必须填写调查报告提交日期。"))
        if self.extension_days and self.status == InvestigationStatus.ONGOING:
            self.status = InvestigationStatus.EXTENDED
        if errors:
            raise ValidationError(errors)
