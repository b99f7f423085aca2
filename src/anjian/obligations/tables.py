from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from anjian.core.tables import BaseTable, ChoiceBadgeColumn
from anjian.enterprises.models import Enterprise
from anjian.obligations.models import DutySubmission
from anjian.obligations.status import SubmissionStatus


class DutySubmissionTable(BaseTable):
    title = tables.Column(accessor="pk", verbose_name=_("直报记录"), linkify=True, orderable=False)
    enterprise = tables.Column(
        accessor="enterprise__name", verbose_name=_("企业"), order_by=("enterprise__name",)
    )
    duty = tables.Column(accessor="duty__name", verbose_name=_("报送义务"), order_by=("duty__code",))
    period = tables.Column(verbose_name=_("报送期"))
    submitted_at = tables.DateTimeColumn(verbose_name=_("报送时间"), format="Y-m-d H:i")
    deadline = tables.DateColumn(verbose_name=_("截止日期"), format="Y-m-d")
    late = tables.BooleanColumn(accessor="is_late", verbose_name=_("逾期"), orderable=False)

    class Meta(BaseTable.Meta):
        model = DutySubmission
        fields = ("title", "enterprise", "duty", "period", "submitted_at", "deadline", "late")

    def render_title(self, record: DutySubmission) -> str:
        return str(record)

    def value_title(self, record: DutySubmission) -> str:
        return str(record)


class EnterpriseStatusTable(BaseTable):
    name = tables.Column(verbose_name=_("企业名称"), linkify=True)
    uscc = tables.Column(verbose_name=_("统一社会信用代码"))
    region = tables.Column(accessor="region__name", verbose_name=_("所在区县"), order_by=("region_id",))
    sector = tables.Column(verbose_name=_("监管行业"))
    duty_status = ChoiceBadgeColumn(SubmissionStatus, verbose_name=_("报送状态"))
    submitted_at = tables.DateTimeColumn(verbose_name=_("报送时间"), format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = Enterprise
        fields = ("name", "uscc", "region", "sector", "duty_status", "submitted_at")

    def value_duty_status(self, value: Any) -> str:
        return str(SubmissionStatus(value).label)
