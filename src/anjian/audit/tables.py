from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from anjian.audit.events import EventResult
from anjian.audit.models import AuditEvent, ObjectChange
from anjian.core.tables import BaseTable, ChoiceBadgeColumn


class AuditEventTable(BaseTable):
    time = tables.DateTimeColumn(verbose_name=_("时间"), format="Y-m-d H:i:s")
    username = tables.Column(verbose_name=_("账号"))
    organization = tables.Column(verbose_name=_("所属机构"))
    source_ip = tables.Column(verbose_name=_("来源地址"))
    event_type = tables.Column(verbose_name=_("事件类型"))
    result = ChoiceBadgeColumn(EventResult, verbose_name=_("结果"))
    object_repr = tables.Column(verbose_name=_("对象"))
    details = tables.JSONColumn(verbose_name=_("详情"), orderable=False)
    user_agent = tables.Column(verbose_name=_("客户端"), visible=False)
    request_id = tables.Column(verbose_name=_("请求标识"), visible=False)
    hash = tables.Column(verbose_name=_("摘要"), visible=False)

    class Meta(BaseTable.Meta):
        model = AuditEvent
        fields = (
            "time",
            "username",
            "organization",
            "source_ip",
            "event_type",
            "result",
            "object_repr",
            "details",
            "user_agent",
            "request_id",
            "hash",
        )


class ObjectChangeTable(BaseTable):
    time = tables.DateTimeColumn(verbose_name=_("时间"), format="Y-m-d H:i:s")
    user_name = tables.Column(verbose_name=_("操作人"))
    action = tables.Column(verbose_name=_("操作"))
    content_type = tables.Column(verbose_name=_("对象类型"))
    object_repr = tables.Column(verbose_name=_("对象"))
    object_version = tables.Column(verbose_name=_("版本"))
    request_id = tables.Column(verbose_name=_("请求标识"))

    class Meta(BaseTable.Meta):
        model = ObjectChange
        fields = (
            "time",
            "user_name",
            "action",
            "content_type",
            "object_repr",
            "object_version",
            "request_id",
        )
