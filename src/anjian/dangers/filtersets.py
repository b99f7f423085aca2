"""One FilterSet per model, shared by the list pages and the API query parameters."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.filtersets import BaseFilterSet, within_region
from anjian.dangers.models import (
    ChecklistItem,
    DangerLevel,
    DangerSource,
    DangerStatus,
    HiddenDanger,
    ListingStatus,
    SupervisionListing,
)
from anjian.industries.choices import Sector


class HiddenDangerFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc", label=_("企业统一社会信用代码"))
    region = django_filters.CharFilter(
        method="in_region", label=_("所在区域"), help_text=_("区划代码，含下级")
    )
    sector = django_filters.MultipleChoiceFilter(choices=Sector.choices, label=_("监管行业"))
    status = django_filters.MultipleChoiceFilter(choices=DangerStatus.choices, label=_("状态"))
    level = django_filters.MultipleChoiceFilter(choices=DangerLevel.choices, label=_("隐患级别"))
    source = django_filters.MultipleChoiceFilter(choices=DangerSource.choices, label=_("发现途径"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))
    listed = django_filters.BooleanFilter(method="filter_listed", label=_("挂牌督办中"))
    found_at = django_filters.DateFromToRangeFilter(label=_("发现日期"))
    deadline = django_filters.DateFromToRangeFilter(label=_("整改期限"))
    closed_at = django_filters.DateFromToRangeFilter(label=_("销号日期"))
    category = django_filters.CharFilter(field_name="category__code", label=_("排查清单条目编号"))
    place = django_filters.CharFilter(lookup_expr="icontains", label=_("隐患部位"))
    found_by = django_filters.CharFilter(lookup_expr="icontains", label=_("发现人"))
    responsible_person = django_filters.CharFilter(lookup_expr="icontains", label=_("整改责任人"))
    complaint_reference = django_filters.CharFilter(label=_("举报编号"))
    source_node = django_filters.CharFilter(label=_("来源节点"))

    class Meta:
        model = HiddenDanger
        fields = [
            "q",
            "enterprise",
            "region",
            "sector",
            "status",
            "level",
            "source",
            "overdue",
            "listed",
            "found_at",
            "deadline",
            "closed_at",
            "category",
            "place",
            "found_by",
            "responsible_person",
            "complaint_reference",
        ]
        # Fields with no filter on purpose (checked by tests/core/test_registry.py): free text
        # (searched by q), amounts and life-cycle stamps shown on the detail page.
        unfiltered = [
            "description",
            "responsible_user",
            "measures",
            "funds",
            "interim_safeguards",
            "current_state",
            "harm_analysis",
            "plan_targets",
            "plan_methods",
            "plan_funding",
            "plan_organisation",
            "plan_time_limits",
            "plan_safety_measures",
            "reported_to_regulator_at",
            "rectified_at",
            "verified_by",
            "verified_at",
            "rejection_reason",
            "verification_note",
        ]

    def search(self, queryset: QuerySet[HiddenDanger], name: str, value: str) -> QuerySet[HiddenDanger]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(place__icontains=value)
            | Q(description__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(enterprise__uscc=value)
        )

    def in_region(self, queryset: QuerySet[HiddenDanger], name: str, value: str) -> QuerySet[HiddenDanger]:
        return within_region(queryset, "region__code", value)

    def filter_overdue(
        self, queryset: QuerySet[HiddenDanger], name: str, value: bool | None
    ) -> QuerySet[HiddenDanger]:
        if value is None:
            return queryset
        today = timezone.localdate()
        late = Q(deadline__lt=today) & ~Q(status=DangerStatus.CLOSED)
        return queryset.filter(late if value else ~late)

    def filter_listed(
        self, queryset: QuerySet[HiddenDanger], name: str, value: bool | None
    ) -> QuerySet[HiddenDanger]:
        if value is None:
            return queryset
        active = SupervisionListing.objects.exclude(status=ListingStatus.DELISTED).values("danger_id")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


class SupervisionListingFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    danger = django_filters.NumberFilter(label=_("隐患编号"))
    enterprise = django_filters.CharFilter(
        field_name="danger__enterprise__uscc", label=_("企业统一社会信用代码")
    )
    region = django_filters.CharFilter(
        method="in_region", label=_("所在区域"), help_text=_("区划代码，含下级")
    )
    authority = django_filters.CharFilter(
        field_name="authority__name", lookup_expr="icontains", label=_("挂牌督办单位")
    )
    document_no = django_filters.CharFilter(lookup_expr="icontains", label=_("督办文号"))
    status = django_filters.MultipleChoiceFilter(choices=ListingStatus.choices, label=_("督办状态"))
    listed_at = django_filters.DateFromToRangeFilter(label=_("挂牌日期"))
    deadline = django_filters.DateFromToRangeFilter(label=_("督办整改期限"))
    review_deadline = django_filters.DateFromToRangeFilter(label=_("审核期限"))
    review_overdue = django_filters.BooleanFilter(method="filter_review_overdue", label=_("审核已超期"))
    delisted_at = django_filters.DateFromToRangeFilter(label=_("摘牌日期"))
    source_node = django_filters.CharFilter(label=_("来源节点"))

    class Meta:
        model = SupervisionListing
        fields = [
            "q",
            "danger",
            "enterprise",
            "region",
            "authority",
            "document_no",
            "status",
            "listed_at",
            "deadline",
            "review_deadline",
            "review_overdue",
            "delisted_at",
        ]
        unfiltered = ["requirements", "closure_applied_at", "reviewed_at", "review_note"]

    def search(
        self, queryset: QuerySet[SupervisionListing], name: str, value: str
    ) -> QuerySet[SupervisionListing]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(document_no__icontains=value)
            | Q(danger__place__icontains=value)
            | Q(danger__description__icontains=value)
            | Q(danger__enterprise__name__icontains=value)
        )

    def in_region(
        self, queryset: QuerySet[SupervisionListing], name: str, value: str
    ) -> QuerySet[SupervisionListing]:
        return within_region(queryset, "danger__region__code", value)

    def filter_review_overdue(
        self, queryset: QuerySet[SupervisionListing], name: str, value: bool | None
    ) -> QuerySet[SupervisionListing]:
        if value is None:
            return queryset
        late = Q(status=ListingStatus.CLOSURE_APPLIED, review_deadline__lt=timezone.localdate())
        return queryset.filter(late if value else ~late)


class ChecklistItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("监管行业"))
    major_criterion = django_filters.BooleanFilter(label=_("重大隐患判定条目"))
    standard = django_filters.CharFilter(lookup_expr="icontains", label=_("依据文件"))
    active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = ChecklistItem
        fields = ["q", "sector", "major_criterion", "standard", "active"]

    def search(self, queryset: QuerySet[ChecklistItem], name: str, value: str) -> QuerySet[ChecklistItem]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value))
