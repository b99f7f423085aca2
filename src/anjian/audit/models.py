"""The object change log: one row per create, update or delete made through the write path."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.audit.events import EventResult, EventType


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


class ObjectChange(models.Model):
    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    user_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    request_id = models.CharField(_("请求标识"), max_length=32, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=10, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField(_("对象编号"))
    object_uid = models.UUIDField(_("对象全局标识"), null=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200)
    object_version = models.PositiveIntegerField(_("对象版本"), default=0)
    before = models.JSONField(_("修改前"), null=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("修改后"), null=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-time"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field whose value differs."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    def labelled_changes(self) -> list[tuple[str, object, object]]:
        """As ``changed_fields``, with the field's label and choice labels, for people to read."""
        model = self.content_type.model_class()
        rows = []
        for name, before, after in self.changed_fields():
            try:
                field = model._meta.get_field(name) if model is not None else None
            except FieldDoesNotExist:
                field = None
            label = str(getattr(field, "verbose_name", name))
            choices = dict(getattr(field, "flatchoices", None) or [])
            rows.append((label, _choice_label(choices, before), _choice_label(choices, after)))
        return rows


def _choice_label(choices: dict[object, object], value: object) -> object:
    """The choice's label; lists and dicts (JSON fields, multiple choices) are shown as they are."""
    if isinstance(value, list | dict):
        return value
    return choices.get(value, value)


class AuditEvent(models.Model):
    """A security-relevant event. Append-only (database triggers refuse UPDATE and DELETE) and
    hash-chained: ``hash`` covers the event's content and ``prev_hash``, the previous event's hash.

    The user is kept as id and name, not as a foreign key: deleting a user must not touch the log.
    """

    time = models.DateTimeField(_("时间"), db_index=True)
    user_id = models.BigIntegerField(_("用户编号"), null=True, db_index=True)
    username = models.CharField(_("账号"), max_length=150, blank=True, db_index=True)
    organization = models.CharField(_("所属机构"), max_length=128, blank=True)
    source_ip = models.GenericIPAddressField(_("来源地址"), null=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    request_id = models.CharField(_("请求标识"), max_length=32, blank=True)
    event_type = models.CharField(_("事件类型"), max_length=32, choices=EventType.choices, db_index=True)
    result = models.CharField(_("结果"), max_length=10, choices=EventResult.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    details = models.JSONField(_("详情"), default=dict, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(_("前序摘要"), max_length=64)
    hash = models.CharField(_("摘要"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-id"]
        permissions = [("view_audit", _("查阅与导出审计日志"))]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.get_event_type_display()}"


class AuditChainHead(models.Model):
    """One row: the hash of the newest event. Writers lock it, so the chain never forks."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"{self.last_id}:{self.last_hash[:12]}"


class AuditArchive(models.Model):
    """An exported and pruned range of events: verification resumes from ``last_hash``."""

    created_at = models.DateTimeField(_("归档时间"), auto_now_add=True)
    before = models.DateTimeField(_("归档截止"))
    first_id = models.BigIntegerField(_("起始编号"))
    last_id = models.BigIntegerField(_("结束编号"))
    count = models.PositiveIntegerField(_("事件数"))
    last_hash = models.CharField(_("末条摘要"), max_length=64)
    file_name = models.CharField(_("归档文件"), max_length=255)
    file_digest = models.CharField(_("文件摘要"), max_length=64)

    class Meta:
        verbose_name = _("审计归档")
        verbose_name_plural = _("审计归档")
        ordering = ["-last_id"]

    def __str__(self) -> str:
        return f"{self.first_id}–{self.last_id} ({self.count})"
