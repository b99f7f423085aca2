from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core.tables import BaseTable, ChoiceBadgeColumn
from anjian.dangers.models import (
    ChecklistItem,
    DangerLevel,
    DangerStatus,
    HiddenDanger,
    ListingStatus,
    SupervisionListing,
)


class RecordColumn(tables.Column):
    """The record's name (its ``str``), linked to its page; plain text in exports."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("order_by", ("-id",))
        super().__init__(**kwargs)

    def render(self, value: Any, record: Any) -> SafeString:
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), str(record))

    def value(self, value: Any, record: Any) -> str:
        return str(record)


class DeadlineColumn(tables.Column):
    """The deadline with an "overdue" badge while the record is open and late."""

    def render(self, value: Any, record: Any) -> SafeString:
        if record.is_overdue:
            return format_html(
                '{} <span class="badge bg-red-lt">{}</span>', value.isoformat(), gettext("已逾期")
            )
        return format_html("{}", value.isoformat())

    def value(self, value: Any, record: Any) -> str:
        return f"{value.isoformat()}（{gettext('已逾期')}）" if record.is_overdue else value.isoformat()


class HiddenDangerTable(BaseTable):
    name = RecordColumn(verbose_name=_("隐患"))
    enterprise = tables.Column(
        accessor="enterprise__name", verbose_name=_("企业"), order_by=("enterprise__name",)
    )
    region = tables.Column(accessor="region__name", verbose_name=_("所在区县"), order_by=("region_id",))
    sector = tables.Column(verbose_name=_("监管行业"), visible=False)
    level = ChoiceBadgeColumn(DangerLevel, verbose_name=_("隐患级别"))
    source = tables.Column(verbose_name=_("发现途径"))
    found_at = tables.DateColumn(verbose_name=_("发现日期"), format="Y-m-d")
    deadline = DeadlineColumn(verbose_name=_("整改期限"))
    status = ChoiceBadgeColumn(DangerStatus, verbose_name=_("状态"))
    responsible_person = tables.Column(verbose_name=_("整改责任人"))
    funds = tables.Column(verbose_name=_("整改资金（万元）"), visible=False)
    closed_at = tables.DateTimeColumn(verbose_name=_("销号时间"), format="Y-m-d H:i", visible=False)

    class Meta(BaseTable.Meta):
        model = HiddenDanger
        fields = (
            "name",
            "enterprise",
            "region",
            "sector",
            "level",
            "source",
            "found_at",
            "deadline",
            "status",
            "responsible_person",
            "funds",
            "closed_at",
        )


class ReviewDeadlineColumn(tables.Column):
    def render(self, value: Any, record: Any) -> SafeString:
        if record.is_review_overdue:
            return format_html(
                '{} <span class="badge bg-red-lt">{}</span>', value.isoformat(), gettext("审核超期")
            )
        return format_html("{}", value.isoformat())

    def value(self, value: Any, record: Any) -> str:
        return value.isoformat() if value else ""


class SupervisionListingTable(BaseTable):
    name = RecordColumn(verbose_name=_("挂牌督办"))
    enterprise = tables.Column(
        accessor="danger__enterprise__name", verbose_name=_("企业"), order_by=("danger__enterprise__name",)
    )
    authority = tables.Column(accessor="authority__name", verbose_name=_("挂牌督办单位"))
    listed_at = tables.DateColumn(verbose_name=_("挂牌日期"), format="Y-m-d")
    deadline = tables.DateColumn(verbose_name=_("督办整改期限"), format="Y-m-d")
    status = ChoiceBadgeColumn(ListingStatus, verbose_name=_("督办状态"))
    review_deadline = ReviewDeadlineColumn(verbose_name=_("审核期限"))
    delisted_at = tables.DateTimeColumn(verbose_name=_("摘牌时间"), format="Y-m-d H:i", visible=False)

    class Meta(BaseTable.Meta):
        model = SupervisionListing
        fields = (
            "name",
            "enterprise",
            "authority",
            "listed_at",
            "deadline",
            "status",
            "review_deadline",
            "delisted_at",
        )


class ChecklistItemTable(BaseTable):
    sector = tables.Column(verbose_name=_("监管行业"))
    code = tables.Column(verbose_name=_("条目编号"))
    title = tables.Column(verbose_name=_("条目内容"))
    major_criterion = tables.BooleanColumn(verbose_name=_("重大隐患判定条目"))
    standard = tables.Column(verbose_name=_("依据文件"))
    edition = tables.Column(verbose_name=_("版本"))
    active = tables.BooleanColumn(verbose_name=_("启用"))

    class Meta(BaseTable.Meta):
        model = ChecklistItem
        fields = ("sector", "code", "title", "major_criterion", "standard", "edition", "active")
