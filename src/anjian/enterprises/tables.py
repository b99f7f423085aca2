from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from anjian.core.tables import BaseTable, ChoiceBadgeColumn, PersonalColumn
from anjian.enterprises.models import (
    EmergencyDrill,
    EmergencyPlan,
    EmergencyResource,
    Enterprise,
    EnterpriseStatus,
    ExpiryStatus,
    Licence,
    LicenceKind,
    MonitoringResult,
    OccupationalHealth,
    SafetyPerson,
    StandardisationGrade,
    TrainingRecord,
)
from anjian.enterprises.templatetags.expiry import expiry_badge
from anjian.industries.choices import Sector


class EnterpriseTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("企业名称"))
    uscc = tables.Column(verbose_name=_("统一社会信用代码"))
    region = tables.Column(accessor="region__name", verbose_name=_("所在区县"), order_by=("region_id",))
    region_code = tables.Column(accessor="region_id", verbose_name=_("区划代码"), visible=False)
    sector = ChoiceBadgeColumn(Sector, verbose_name=_("监管行业"))
    industry = tables.Column(
        accessor="industry__name", verbose_name=_("国民经济行业"), order_by=("industry_id",)
    )
    legal_representative = tables.Column(verbose_name=_("法定代表人"))
    address = tables.Column(verbose_name=_("地址"), visible=False)
    contact_phone = PersonalColumn(verbose_name=_("联系电话"), visible=False)
    longitude = tables.Column(verbose_name=_("经度"), visible=False)
    latitude = tables.Column(verbose_name=_("纬度"), visible=False)
    status = ChoiceBadgeColumn(EnterpriseStatus, verbose_name=_("经营状态"))
    source_node = tables.Column(verbose_name=_("来源节点"), visible=False)

    class Meta(BaseTable.Meta):
        model = Enterprise
        fields = (
            "name",
            "uscc",
            "region",
            "region_code",
            "sector",
            "industry",
            "legal_representative",
            "address",
            "contact_phone",
            "longitude",
            "latitude",
            "status",
            "source_node",
        )


class ExpiryBadgeColumn(tables.Column):
    """The reminder bucket of a record's validity end date, as a coloured badge."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", _("到期状态"))
        kwargs.setdefault("accessor", "expiry_status")
        kwargs.setdefault("orderable", False)
        super().__init__(**kwargs)

    def render(self, value: Any) -> SafeString:
        return expiry_badge(value)

    def value(self, value: Any) -> str:
        return str(ExpiryStatus(value).label)


class EnterpriseRecordTable(BaseTable):
    enterprise = tables.Column(
        accessor="enterprise__name", verbose_name=_("企业"), order_by=("enterprise__name",)
    )
    region = tables.Column(
        accessor="enterprise__region__name",
        verbose_name=_("所在区县"),
        order_by=("enterprise__region_id",),
        visible=False,
    )


class LicenceTable(EnterpriseRecordTable):
    number = tables.Column(linkify=True, verbose_name=_("证照编号"))
    kind = ChoiceBadgeColumn(LicenceKind, verbose_name=_("证照类型"))
    issuer = tables.Column(verbose_name=_("发证机关"))
    valid_from = tables.DateColumn(verbose_name=_("有效期起"), format="Y-m-d")
    valid_to = tables.DateColumn(verbose_name=_("有效期至"), format="Y-m-d")
    expiry = ExpiryBadgeColumn()
    licensed_scope = tables.Column(verbose_name=_("许可范围"), visible=False)

    class Meta(BaseTable.Meta):
        model = Licence
        fields = (
            "number",
            "kind",
            "enterprise",
            "region",
            "issuer",
            "valid_from",
            "valid_to",
            "expiry",
            "licensed_scope",
        )


class StandardisationGradeTable(EnterpriseRecordTable):
    certificate_number = tables.Column(linkify=True, verbose_name=_("证书编号"))
    grade = tables.Column(verbose_name=_("标准化等级"))
    valid_until = tables.DateColumn(verbose_name=_("有效期至"), format="Y-m-d")
    expiry = ExpiryBadgeColumn()

    class Meta(BaseTable.Meta):
        model = StandardisationGrade
        fields = ("certificate_number", "grade", "enterprise", "region", "valid_until", "expiry")


class SafetyPersonTable(EnterpriseRecordTable):
    name = tables.Column(linkify=True, verbose_name=_("姓名"))
    role = tables.Column(verbose_name=_("人员类别"))
    id_number = PersonalColumn(verbose_name=_("身份证号码"))
    certificate_kind = tables.Column(verbose_name=_("证书类别"))
    certificate_number = tables.Column(verbose_name=_("证书编号"))
    valid_to = tables.DateColumn(verbose_name=_("证书有效期至"), format="Y-m-d")
    expiry = ExpiryBadgeColumn(default="")

    class Meta(BaseTable.Meta):
        model = SafetyPerson
        fields = (
            "name",
            "role",
            "enterprise",
            "region",
            "id_number",
            "certificate_kind",
            "certificate_number",
            "valid_to",
            "expiry",
        )


class TrainingRecordTable(EnterpriseRecordTable):
    course = tables.Column(linkify=True, verbose_name=_("培训课程"))
    hours = tables.Column(verbose_name=_("学时"))
    people = tables.Column(verbose_name=_("参训人数"))
    held_on = tables.DateColumn(verbose_name=_("培训日期"), format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = TrainingRecord
        fields = ("course", "enterprise", "region", "hours", "people", "held_on")


class OccupationalHealthTable(EnterpriseRecordTable):
    hazard_factor = tables.Column(linkify=True, verbose_name=_("职业病危害因素"))
    exposed_workers = tables.Column(verbose_name=_("接触人数"))
    last_monitored_on = tables.DateColumn(verbose_name=_("最近检测日期"), format="Y-m-d")
    result = ChoiceBadgeColumn(MonitoringResult, verbose_name=_("检测结果"))
    note = tables.Column(verbose_name=_("备注"), visible=False)

    class Meta(BaseTable.Meta):
        model = OccupationalHealth
        fields = (
            "hazard_factor",
            "enterprise",
            "region",
            "exposed_workers",
            "last_monitored_on",
            "result",
            "note",
        )


class EmergencyPlanTable(EnterpriseRecordTable):
    title = tables.Column(linkify=True, verbose_name=_("预案名称"))
    level = tables.Column(verbose_name=_("预案级别"))
    filed_with = tables.Column(verbose_name=_("备案部门"))
    revised_on = tables.DateColumn(verbose_name=_("修订日期"), format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = EmergencyPlan
        fields = ("title", "level", "enterprise", "region", "filed_with", "revised_on")


class EmergencyResourceTable(EnterpriseRecordTable):
    name = tables.Column(linkify=True, verbose_name=_("名称"))
    kind = tables.Column(verbose_name=_("资源类别"))
    quantity = tables.Column(verbose_name=_("数量"))
    unit = tables.Column(verbose_name=_("计量单位"))
    location = tables.Column(verbose_name=_("存放地点"))

    class Meta(BaseTable.Meta):
        model = EmergencyResource
        fields = ("name", "kind", "enterprise", "region", "quantity", "unit", "location")


class EmergencyDrillTable(EnterpriseRecordTable):
    scenario = tables.Column(linkify=True, verbose_name=_("演练科目"))
    held_on = tables.DateColumn(verbose_name=_("演练日期"), format="Y-m-d")
    participants = tables.Column(verbose_name=_("参演人数"))
    evaluation = tables.Column(verbose_name=_("演练评估"), visible=False)

    class Meta(BaseTable.Meta):
        model = EmergencyDrill
        fields = ("scenario", "enterprise", "region", "held_on", "participants", "evaluation")
