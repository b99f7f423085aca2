from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from anjian.audit.events import EventResult, EventType
from anjian.audit.models import AuditEvent, ChangeAction, ObjectChange


class AuditEventFilterSet(django_filters.FilterSet):
    username = django_filters.CharFilter(lookup_expr="iexact", label=_("账号"))
    event_type = django_filters.MultipleChoiceFilter(choices=EventType.choices, label=_("事件类型"))
    result = django_filters.ChoiceFilter(choices=EventResult.choices, label=_("结果"))
    since = django_filters.IsoDateTimeFilter(field_name="time", lookup_expr="gte", label=_("时间起"))
    until = django_filters.IsoDateTimeFilter(field_name="time", lookup_expr="lt", label=_("时间止"))
    source_ip = django_filters.CharFilter(label=_("来源地址"))
    request_id = django_filters.CharFilter(label=_("请求标识"))

    class Meta:
        model = AuditEvent
        fields = ["username", "event_type", "result", "since", "until", "source_ip", "request_id"]


class ObjectChangeFilterSet(django_filters.FilterSet):
    user_name = django_filters.CharFilter(lookup_expr="iexact", label=_("操作人账号"))
    action = django_filters.ChoiceFilter(choices=ChangeAction.choices, label=_("操作"))
    model = django_filters.CharFilter(field_name="content_type__model", label=_("对象类型"))
    since = django_filters.IsoDateTimeFilter(field_name="time", lookup_expr="gte", label=_("时间起"))
    object_uid = django_filters.UUIDFilter(label=_("对象全局标识"))

    class Meta:
        model = ObjectChange
        fields = ["user_name", "action", "model", "since", "object_uid"]
