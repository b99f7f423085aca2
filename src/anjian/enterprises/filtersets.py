from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anjian.core.filtersets import BaseFilterSet, within_region
from anjian.enterprises.models import (
    EmergencyDrill,
    EmergencyPlan,
    EmergencyResource,
    Enterprise,
    EnterpriseStatus,
    Licence,
    LicenceKind,
    MonitoringResult,
    OccupationalHealth,
    PersonRole,
    PlanLevel,
    ResourceKind,
    SafetyPerson,
    StandardGrade,
    StandardisationGrade,
    TrainingRecord,
)
from anjian.industries.choices import Sector


class EnterpriseFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    sector = django_filters.MultipleChoiceFilter(choices=Sector.choices, label=_("监管行业"))
    status = django_filters.MultipleChoiceFilter(choices=EnterpriseStatus.choices, label=_("经营状态"))
    region = django_filters.CharFilter(
        method="in_region", label=_("所在区域"), help_text=_("区划代码，含下级")
    )
    industry = django_filters.CharFilter(field_name="industry_id", label=_("国民经济行业"))
    uscc = django_filters.CharFilter(lookup_expr="iexact", label=_("统一社会信用代码"))
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("企业名称"))
    address = django_filters.CharFilter(lookup_expr="icontains", label=_("地址"))
    legal_representative = django_filters.CharFilter(lookup_expr="icontains", label=_("法定代表人"))
    source_node = django_filters.CharFilter(label=_("来源节点"))

    class Meta:
        model = Enterprise
        fields = [
            "q",
            "sector",
            "status",
            "region",
            "industry",
            "uscc",
            "name",
            "address",
            "legal_representative",
        ]
        # Fields with no filter on purpose (checked by tests/core/test_filtersets.py).
        unfiltered = [
            "contact_phone",
            "longitude",
            "latitude",
            "legacy_reg_no",
            "uscc_override",
            "uscc_override_reason",
        ]

    def search(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(uscc__icontains=value) | Q(address__icontains=value)
        )

    def in_region(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        return within_region(queryset, "region__code", value)


class EnterpriseRecordFilterSet(BaseFilterSet):
    """Filters every profile record shares: the enterprise, its region and sector, a search box."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc", label=_("企业统一社会信用代码"))
    region = django_filters.CharFilter(
        method="in_region", label=_("所在区域"), help_text=_("区划代码，含下级")
    )
    sector = django_filters.MultipleChoiceFilter(
        field_name="enterprise__sector", choices=Sector.choices, label=_("监管行业")
    )
    source_node = django_filters.CharFilter(label=_("来源节点"))

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        q = Q(enterprise__name__icontains=value) | Q(enterprise__uscc=value)
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)

    def in_region(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return within_region(queryset, "enterprise__region__code", value)


def _date_range(
    field: str, after: Any, before: Any
) -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    return (
        django_filters.DateFilter(field_name=field, lookup_expr="gte", label=after),
        django_filters.DateFilter(field_name=field, lookup_expr="lte", label=before),
    )


class ExpiryFilterMixin(django_filters.FilterSet):
    expires_within = django_filters.NumberFilter(
        method="filter_expires_within", label=_("天内到期"), help_text=_("未过期且在指定天数内到期，如 90")
    )
    expired = django_filters.BooleanFilter(method="filter_expired", label=_("已过期"))

    def filter_expires_within(self, queryset: Any, name: str, value: Any) -> Any:
        if value is None or value < 0:
            return queryset
        return queryset.expiring_within(int(value))

    def filter_expired(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        return queryset.expired() if value else queryset.exclude(pk__in=queryset.expired().values("pk"))


class LicenceFilterSet(ExpiryFilterMixin, EnterpriseRecordFilterSet):
    search_fields = ("number", "issuer")
    kind = django_filters.MultipleChoiceFilter(choices=LicenceKind.choices, label=_("证照类型"))
    number = django_filters.CharFilter(lookup_expr="icontains", label=_("证照编号"))
    issuer = django_filters.CharFilter(lookup_expr="icontains", label=_("发证机关"))
    valid_from = django_filters.DateFilter(label=_("有效期起"))
    valid_to_after, valid_to_before = _date_range("valid_to", _("有效期至起"), _("有效期至止"))
    licensed_scope = django_filters.CharFilter(lookup_expr="icontains", label=_("许可范围"))

    class Meta:
        model = Licence
        fields: list[str] = []
        unfiltered = ["valid_to"]  # filtered by range (valid_to_after/before) and expires_within


class StandardisationGradeFilterSet(ExpiryFilterMixin, EnterpriseRecordFilterSet):
    search_fields = ("certificate_number",)
    grade = django_filters.MultipleChoiceFilter(choices=StandardGrade.choices, label=_("标准化等级"))
    certificate_number = django_filters.CharFilter(lookup_expr="icontains", label=_("证书编号"))
    valid_until_after, valid_until_before = _date_range("valid_until", _("有效期至起"), _("有效期至止"))

    class Meta:
        model = StandardisationGrade
        fields: list[str] = []
        unfiltered = ["valid_until"]  # filtered by range and expires_within


class SafetyPersonFilterSet(ExpiryFilterMixin, EnterpriseRecordFilterSet):
    search_fields = ("name", "certificate_number")
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("姓名"))
    role = django_filters.MultipleChoiceFilter(choices=PersonRole.choices, label=_("人员类别"))
    certificate_kind = django_filters.CharFilter(lookup_expr="icontains", label=_("证书类别"))
    certificate_number = django_filters.CharFilter(lookup_expr="icontains", label=_("证书编号"))
    valid_to_after, valid_to_before = _date_range("valid_to", _("证书有效期至起"), _("证书有效期至止"))

    class Meta:
        model = SafetyPerson
        fields: list[str] = []
        # id_number is encrypted at rest and cannot be searched; valid_to is filtered by range.
        unfiltered = ["id_number", "valid_to"]


class TrainingRecordFilterSet(EnterpriseRecordFilterSet):
    search_fields = ("course",)
    course = django_filters.CharFilter(lookup_expr="icontains", label=_("培训课程"))
    hours_min = django_filters.NumberFilter(field_name="hours", lookup_expr="gte", label=_("学时不少于"))
    people_min = django_filters.NumberFilter(
        field_name="people", lookup_expr="gte", label=_("参训人数不少于")
    )
    held_after, held_before = _date_range("held_on", _("培训日期起"), _("培训日期止"))

    class Meta:
        model = TrainingRecord
        fields: list[str] = []
        unfiltered = ["hours", "people", "held_on"]  # filtered by ranges


class OccupationalHealthFilterSet(EnterpriseRecordFilterSet):
    search_fields = ("hazard_factor", "note")
    hazard_factor = django_filters.CharFilter(lookup_expr="icontains", label=_("职业病危害因素"))
    exposed_workers_min = django_filters.NumberFilter(
        field_name="exposed_workers", lookup_expr="gte", label=_("接触人数不少于")
    )
    monitored_after, monitored_before = _date_range(
        "last_monitored_on", _("最近检测日期起"), _("最近检测日期止")
    )
    result = django_filters.MultipleChoiceFilter(choices=MonitoringResult.choices, label=_("检测结果"))

    class Meta:
        model = OccupationalHealth
        fields: list[str] = []
        unfiltered = ["exposed_workers", "last_monitored_on", "note"]  # ranges; note is searched by q


class EmergencyPlanFilterSet(EnterpriseRecordFilterSet):
    search_fields = ("title", "filed_with")
    title = django_filters.CharFilter(lookup_expr="icontains", label=_("预案名称"))
    level = django_filters.MultipleChoiceFilter(choices=PlanLevel.choices, label=_("预案级别"))
    filed_with = django_filters.CharFilter(lookup_expr="icontains", label=_("备案部门"))
    revised_after, revised_before = _date_range("revised_on", _("修订日期起"), _("修订日期止"))

    class Meta:
        model = EmergencyPlan
        fields: list[str] = []
        unfiltered = ["revised_on", "file"]  # revised_on by range; a file is not a filter


class EmergencyResourceFilterSet(EnterpriseRecordFilterSet):
    search_fields = ("name", "location")
    kind = django_filters.MultipleChoiceFilter(choices=ResourceKind.choices, label=_("资源类别"))
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("名称"))
    location = django_filters.CharFilter(lookup_expr="icontains", label=_("存放地点"))
    unit = django_filters.CharFilter(label=_("计量单位"))

    class Meta:
        model = EmergencyResource
        fields: list[str] = []
        unfiltered = ["quantity"]  # quantities of different units are not comparable


class EmergencyDrillFilterSet(EnterpriseRecordFilterSet):
    search_fields = ("scenario", "evaluation")
    scenario = django_filters.CharFilter(lookup_expr="icontains", label=_("演练科目"))
    participants_min = django_filters.NumberFilter(
        field_name="participants", lookup_expr="gte", label=_("参演人数不少于")
    )
    held_after, held_before = _date_range("held_on", _("演练日期起"), _("演练日期止"))

    class Meta:
        model = EmergencyDrill
        fields: list[str] = []
        unfiltered = ["held_on", "participants", "evaluation"]  # ranges; evaluation by q
