"""Attachments: upload (checked by type, size and content), scoped download, removal."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.audit.events import EventType
from anjian.audit.services import record_denied_access, record_event
from anjian.core.crypto import digest
from anjian.core.models import Attachment, BusinessModel
from anjian.core.services import delete_object, save_object
from anjian.core.uploads import validate_document


def attachments_of(obj: BusinessModel) -> Any:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    )


@transaction.atomic
def add_attachment(parent: BusinessModel, upload: Any, *, user: Any, description: str = "") -> Attachment:
    """Attach ``upload`` to ``parent``; the user must be allowed to change the parent."""
    opts = parent._meta
    if user is not None and not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    if not parent.is_local:
        raise PermissionDenied(_("该记录来自节点 %(node)s，本节点只读。") % {"node": parent.source_node})
    validate_document(upload)
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(type(parent)),
        object_id=parent.pk,
        file=upload,
        name=(upload.name or "file")[-200:],
        size=len(content),
        digest=digest(content),
        description=description[:200],
    )
    return save_object(attachment, user=user)


def _parent(request: HttpRequest, app_label: str, model_name: str, pk: int) -> BusinessModel:
    try:
        model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model is None or not issubclass(model, BusinessModel):
        raise Http404
    parent: BusinessModel | None = model.objects.visible_to(request.user).filter(pk=pk).first()
    if parent is None:
        record_denied_access(request, model, pk, reason="scope")
        raise Http404
    return parent


def _back(parent: BusinessModel) -> HttpResponse:
    return redirect(parent.get_absolute_url())


@login_required
@require_POST
def upload_view(request: HttpRequest, app_label: str, model_name: str, pk: int) -> HttpResponse:
    parent = _parent(request, app_label, model_name, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
        return _back(parent)
    try:
        add_attachment(parent, upload, user=request.user, description=request.POST.get("description", ""))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, _("已上传：%(name)s") % {"name": upload.name})
    return _back(parent)


def _visible_attachment(request: HttpRequest, pk: int) -> Attachment:
    attachment: Attachment | None = Attachment.objects.filter(pk=pk).visible_to(request.user).first()
    if attachment is None:
        record_denied_access(request, Attachment, pk, reason="scope")
        raise Http404
    return attachment


@login_required
def download_view(request: HttpRequest, pk: int) -> FileResponse:
    attachment = _visible_attachment(request, pk)
    record_event(EventType.DOWNLOAD, request=request, obj=attachment, details={"size": attachment.size})
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
@require_POST
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _visible_attachment(request, pk)
    parent: Any = attachment.content_type.get_object_for_this_type(pk=attachment.object_id)
    opts = parent._meta
    if not request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    delete_object(attachment, user=request.user)
    messages.success(request, _("已删除附件：%(name)s") % {"name": attachment.name})
    return redirect(parent.get_absolute_url())


@login_required
def file_field_view(
    request: HttpRequest, app_label: str, model_name: str, pk: int, field: str
) -> FileResponse:
    """Download a file held in a record's own FileField, within the caller's scope."""
    parent = _parent(request, app_label, model_name, pk)
    try:
        model_field = parent._meta.get_field(field)
    except FieldDoesNotExist:
        raise Http404 from None
    stored = getattr(parent, field, None) if isinstance(model_field, models.FileField) else None
    if not stored:
        raise Http404
    record_event(EventType.DOWNLOAD, request=request, obj=parent, details={"field": field})
    return FileResponse(stored.open("rb"), as_attachment=True, filename=PurePath(stored.name).name)


def file_field_url(obj: BusinessModel, field: str) -> str:
    opts = obj._meta
    return reverse("core:file_field_download", args=[opts.app_label, opts.model_name, obj.pk, field])


urlpatterns = [
    path(
        "files/<str:app_label>/<str:model_name>/<int:pk>/<str:field>/",
        file_field_view,
        name="file_field_download",
    ),
    path(
        "attachments/<str:app_label>/<str:model_name>/<int:pk>/upload/", upload_view, name="attachment_upload"
    ),
    path("attachments/<int:pk>/download/", download_view, name="attachment_download"),
    path("attachments/<int:pk>/delete/", delete_view, name="attachment_delete"),
]
