"""Statistical tables (Order 16 Art. 14): the figures an enterprise's own records give for a period,
the submission status of the enterprises in a regulator's scope, and the submitted tables summed
by region (上报汇总). All by SQL aggregation."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Field,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.dangers.models import DangerLevel, DangerStatus, HiddenDanger, SupervisionListing
from anjian.dangerstats.models import DangerStatReport, ReportPeriod, SubmissionStatus, period_bounds
from anjian.dangerstats.stats import group_length, protect_text, region_names
from anjian.enterprises.models import Enterprise, EnterpriseStatus


def enterprise_figures(
    enterprise_id: int, year: int, period: str, today: datetime.date | None = None
) -> dict[str, Any]:
    """The table's figures from the enterprise's hidden dangers found in the period (one query) and
    its supervision listings of the period (one query)."""
    today = today or timezone.localdate()
    start, end = period_bounds(year, period)
    closed = Q(status=DangerStatus.CLOSED)
    general, major = Q(level=DangerLevel.GENERAL), Q(level=DangerLevel.MAJOR)
    figures: dict[str, Any] = HiddenDanger.objects.filter(
        enterprise_id=enterprise_id, found_at__gte=start, found_at__lt=end
    ).aggregate(
        general_found=Count("id", filter=general),
        general_rectified=Count("id", filter=general & closed),
        major_found=Count("id", filter=major),
        major_rectified=Count("id", filter=major & closed),
        overdue=Count("id", filter=~closed & Q(deadline__lt=today)),
        funds=Coalesce(Sum("funds"), Value(Decimal("0")), output_field=DecimalField()),
    )
    # SQLite sums decimals as floating point: back to the field's 2 places.
    figures["funds"] = Decimal(figures["funds"]).quantize(Decimal("0.01"))
    figures["listed"] = SupervisionListing.objects.filter(
        danger__enterprise_id=enterprise_id, listed_at__gte=start, listed_at__lt=end
    ).count()
    return figures


# --- Submission status of the enterprises in a regulator's scope ------------------------------


def expected_enterprises(user: Any) -> QuerySet[Enterprise]:
    """The enterprises that owe a table: those in the user's scope that are not closed."""
    queryset: QuerySet[Enterprise] = Enterprise.objects.visible_to(user)
    return queryset.exclude(status=EnterpriseStatus.CLOSED)


def enterprises_with_status(user: Any, year: int, period: str) -> QuerySet[Enterprise]:
    """The expected enterprises annotated with their table's submission time and late flag."""
    reports = DangerStatReport.objects.filter(enterprise_id=OuterRef("pk"), year=year, period=period)
    queryset: QuerySet[Enterprise] = (
        expected_enterprises(user)
        .select_related("region")
        .annotate(
            report_id=Subquery(reports.values("pk")[:1]),
            report_submitted_at=Subquery(reports.values("submitted_at")[:1]),
            report_late=Subquery(reports.values("late")[:1]),
        )
        .order_by("region_id", "name")
    )
    return queryset


def status_of(enterprise: Any, deadline: datetime.date, today: datetime.date) -> str:
    if enterprise.report_submitted_at is not None:
        return SubmissionStatus.LATE if enterprise.report_late else SubmissionStatus.SUBMITTED
    return SubmissionStatus.MISSING if today > deadline else SubmissionStatus.NOT_DUE


def filter_by_status(
    queryset: QuerySet[Enterprise], status: str, deadline: datetime.date, today: datetime.date
) -> QuerySet[Enterprise]:
    if status in (SubmissionStatus.SUBMITTED, SubmissionStatus.LATE):
        # Annotations of enterprises_with_status(), so passed by name.
        lookups: dict[str, Any] = {
            "report_submitted_at__isnull": False,
            "report_late": status == SubmissionStatus.LATE,
        }
        return queryset.filter(**lookups)
    if status in (SubmissionStatus.MISSING, SubmissionStatus.NOT_DUE):
        overdue = today > deadline
        if (status == SubmissionStatus.MISSING) != overdue:
            return queryset.none()
        missing: dict[str, Any] = {"report_submitted_at__isnull": True}
        return queryset.filter(**missing)
    return queryset


SUM_FIELDS = ("general_found", "general_rectified", "major_found", "major_rectified", "overdue", "listed")


@dataclass
class SummaryRow:
    key: str
    name: str
    enterprises: int = 0
    submitted: int = 0
    late: int = 0
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def on_time(self) -> int:
        return self.submitted - self.late

    @property
    def missing(self) -> int:
        return max(self.enterprises - self.submitted, 0)

    @property
    def submission_rate(self) -> float | None:
        return None if self.enterprises == 0 else round(self.submitted * 100 / self.enterprises, 1)

    @property
    def rectification_rate(self) -> float | None:
        found = self.figures.get("general_found", 0) + self.figures.get("major_found", 0)
        done = self.figures.get("general_rectified", 0) + self.figures.get("major_rectified", 0)
        return None if found == 0 else round(done * 100 / found, 1)

    def add(self, other: SummaryRow) -> None:
        self.enterprises += other.enterprises
        self.submitted += other.submitted
        self.late += other.late
        for name, value in other.figures.items():
            self.figures[name] = self.figures.get(name, 0) + value


@dataclass
class ReportSummary:
    year: int
    period: str
    deadline: datetime.date
    rows: list[SummaryRow]
    total: SummaryRow

    @property
    def period_label(self) -> str:
        return _("%(y)d年%(p)s") % {"y": self.year, "p": ReportPeriod(self.period).label}


def report_summary(user: Any, year: int, period: str, deadline: datetime.date) -> ReportSummary:
    """Per region one level below the user: enterprises expected, tables submitted (and late),
    and the sums of the submitted tables' figures (上报汇总)."""
    length = group_length(user, None)
    expected = (
        expected_enterprises(user)
        .annotate(k=Substr("region_id", 1, length))
        .values("k")
        .annotate(n=Count("id"))
        .order_by()
    )
    sums = {name: Coalesce(Sum(name), Value(0), output_field=IntegerField()) for name in SUM_FIELDS}
    submitted = (
        DangerStatReport.objects.visible_to(user)
        .filter(year=year, period=period, submitted_at__isnull=False)
        .annotate(k=Substr("region_id", 1, length))
        .values("k")
        .annotate(
            n=Count("id"),
            n_late=Count("id", filter=Q(late=True)),
            funds_sum=Coalesce(Sum("funds"), Value(Decimal("0")), output_field=DecimalField()),
            **sums,
        )
        .order_by()
    )
    rows: dict[str, SummaryRow] = {}
    for group in expected:
        rows.setdefault(group["k"], SummaryRow(group["k"], group["k"])).enterprises = group["n"]
    for group in submitted:
        row = rows.setdefault(group["k"], SummaryRow(group["k"], group["k"]))
        row.submitted, row.late = group["n"], group["n_late"]
        funds = Decimal(group["funds_sum"]).quantize(Decimal("0.01"))
        row.figures = {name: group[name] for name in SUM_FIELDS} | {"funds": funds}
    names = region_names(rows, length)
    total = SummaryRow("total", _("合计"))
    ordered = []
    for key in sorted(rows):
        row = rows[key]
        row.name = names.get(key, key)
        total.add(row)
        ordered.append(row)
    return ReportSummary(year, period, deadline, ordered, total)


SUMMARY_COLUMNS = (
    ("enterprises", gettext_lazy("应报企业（家）")),
    ("submitted", gettext_lazy("已报送（家）")),
    ("late", gettext_lazy("其中逾期报送（家）")),
    ("missing", gettext_lazy("未报送（家）")),
    ("general_found", gettext_lazy("一般隐患（项）")),
    ("general_rectified", gettext_lazy("一般隐患已整改（项）")),
    ("major_found", gettext_lazy("重大隐患（项）")),
    ("major_rectified", gettext_lazy("重大隐患已整改（项）")),
    ("rectification_rate", gettext_lazy("整改率（%）")),
    ("overdue", gettext_lazy("逾期未整改（项）")),
    ("listed", gettext_lazy("挂牌督办（项）")),
    ("funds", gettext_lazy("整改资金（万元）")),
)


def summary_values(row: SummaryRow) -> list[Any]:
    values: list[Any] = [row.name]
    for name, _label in SUMMARY_COLUMNS:
        if name in SUM_FIELDS or name == "funds":
            values.append(row.figures.get(name, 0))
        else:
            values.append(getattr(row, name))
    return values


def summary_workbook(summary: ReportSummary, unit: str) -> bytes:
    """The summary in the layout of the upward statistical table (事故隐患排查治理统计汇总表)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(_("汇总表"))
    width = len(SUMMARY_COLUMNS) + 1
    sheet.append([_("事故隐患排查治理统计汇总表（%(p)s）") % {"p": summary.period_label}])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(
        [
            _("填报单位：%(unit)s") % {"unit": unit},
            *([""] * 5),
            _("报送期限：%(d)s") % {"d": summary.deadline.isoformat()},
            *([""] * 3),
            _("制表日期：%(d)s") % {"d": timezone.localdate().isoformat()},
        ]
    )
    sheet.append([_("地区"), _("报送情况"), "", "", "", _("隐患排查治理"), "", "", "", "", "", ""])
    sheet.append(["", *(str(label) for _name, label in SUMMARY_COLUMNS)])
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    sheet.merge_cells(start_row=3, start_column=2, end_row=3, end_column=5)
    sheet.merge_cells(start_row=3, start_column=6, end_row=3, end_column=width)
    for cells in sheet.iter_rows(min_row=3, max_row=4):
        for cell in cells:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in [*summary.rows, summary.total]:
        sheet.append(["" if value is None else value for value in summary_values(row)])
    sheet.column_dimensions["A"].width = 24
    protect_text(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def single_report_workbook(report: DangerStatReport) -> bytes:
    """One enterprise's table as it is printed and signed."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(_("统计表"))
    sheet.append([_("事故隐患排查治理情况统计分析表")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:B1")
    rows: list[tuple[Any, Any]] = [
        (_("企业名称"), report.enterprise.name),
        (_("统一社会信用代码"), report.enterprise.uscc),
        (_("统计期"), f"{report.year}{_('年')}{report.get_period_display()}"),
    ]
    for name in (
        "general_found",
        "general_rectified",
        "major_found",
        "major_rectified",
        "overdue",
        "listed",
        "funds",
    ):
        model_field = DangerStatReport._meta.get_field(name)
        assert isinstance(model_field, Field)
        rows.append((str(model_field.verbose_name), getattr(report, name)))
    rows += [
        (_("整改率（%）"), report.rectification_rate),
        (_("情况说明"), report.note),
        (_("主要负责人（签字）"), report.principal),
        (_("报送期限"), report.deadline.isoformat()),
        (
            _("报送时间"),
            timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M") if report.submitted_at else "",
        ),
        (_("报送状态"), report.get_status_display()),
    ]
    for label, value in rows:
        sheet.append([str(label), "" if value is None else value])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 48
    protect_text(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
