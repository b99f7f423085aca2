"""Base models of the kernel.

``BusinessModel`` is the one base every business record uses: a stable ``uid`` across nodes,
the ``source_node`` that owns it, a ``version`` raised on every change, who created and last
changed it and when, and the data scope through ``objects.visible_to(user)`` /
``objects.restrict(user, action)``.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.scope import scope_for


class ScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> Self:
        """Rows within the user's data scope (region subtree, sectors, own enterprise)."""
        model: Any = self.model
        q = scope_for(user).as_q(
            region=model.scope_region, sector=model.scope_sector, enterprise=model.scope_enterprise
        )
        return self.filter(q)

    def restrict(self, user: Any, action: str = "view") -> Self:
        """Rows the user may act on: the action must be granted by a role, and the row in scope."""
        opts = self.model._meta
        if user is None or not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return self.none()
        return self.visible_to(user)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class BusinessModel(models.Model):
    """Base of every business record (see checklists/new-model.md)."""

    id = models.BigAutoField(primary_key=True)
    uid = models.UUIDField(_("全局标识"), default=uuid.uuid4, unique=True, editable=False)
    source_node = models.CharField(_("来源节点"), max_length=16, editable=False, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    # How a row reaches the data scope: lookup paths to a region code (end in `__code` so the
    # region join is trimmed to the foreign-key column), a sector code and an
    # enterprise id; None where the model has no such dimension.
    scope_region: ClassVar[str | None] = None
    scope_sector: ClassVar[str | None] = None
    scope_enterprise: ClassVar[str | None] = None
    # Records only regulators write (investigations, receipts): enterprise roles may read their
    # own, never change them (accounts/backends.py).
    regulator_only: ClassVar[bool] = False
    # Records an enterprise files about itself (licences, training, hazard units, accidents):
    # enterprise roles may also add, import and delete their own (accounts/backends.py).
    enterprise_reportable: ClassVar[bool] = False

    objects = ScopedManager()

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        from anjian.core.registry import spec_for

        return reverse(spec_for(type(self)).url_name("detail"), args=[self.pk])

    @property
    def is_local(self) -> bool:
        """Only the owning node may change a record; copies received through the exchange are read-only."""
        return not self.source_node or self.source_node == settings.NODE_CODE


class AttachmentQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        """Attachments of the records the user can see: an attachment has its parent's scope."""
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import Q

        q = Q(pk__in=[])
        for content_type_id in self.values_list("content_type_id", flat=True).distinct().order_by():
            parent = ContentType.objects.get_for_id(content_type_id).model_class()
            if parent is None:
                continue
            visible = parent._default_manager.visible_to(user).values("pk")  # type: ignore[attr-defined]
            q |= Q(content_type_id=content_type_id, object_id__in=visible)
        return self.filter(q)


class Attachment(BusinessModel):
    """A file attached to any business record (licence image, report, photo, evidence)."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("所属记录类型"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.BigIntegerField(_("所属记录"))
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    digest = models.CharField(_("摘要"), max_length=64, help_text=_("SM3 或 SHA-256，按节点密码套件"))
    description = models.CharField(_("说明"), max_length=200, blank=True)

    objects = AttachmentQuerySet.as_manager()  # type: ignore[assignment, misc]

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.name
