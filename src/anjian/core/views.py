"""Generic views, parameterised by a ``ModelSpec``. Every queryset goes through the caller's scope:
a missing role answers 403, an object outside the scope answers 404."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import FileField, Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from anjian.audit.events import EventType
from anjian.audit.models import ObjectChange
from anjian.audit.services import record_denied_access, record_event
from anjian.core import importer
from anjian.core.attachments import attachments_of, file_field_url
from anjian.core.exports import xlsx_response
from anjian.core.fields import mask
from anjian.core.models import BusinessModel
from anjian.core.registry import ModelSpec


class SpecView(LoginRequiredMixin, View):
    spec: ModelSpec = None  # type: ignore[assignment]  # set by as_view(spec=...)
    action = "view"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not request.user.has_perm(self.spec.perm(self.action)):
            if "pk" in kwargs:
                record_denied_access(request, self.spec.model, kwargs["pk"], reason="role")
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        return super().dispatch(request, *args, **kwargs)

    def queryset(self) -> QuerySet[Any]:
        queryset = self.spec.model.objects.visible_to(self.request.user)
        queryset = queryset.select_related(*self.spec.select_related)
        return queryset.prefetch_related(*self.spec.prefetch_related)  # type: ignore[no-any-return]

    def get_object(self, pk: int) -> Any:
        try:
            return self.queryset().get(pk=pk)
        except ObjectDoesNotExist:
            record_denied_access(self.request, self.spec.model, pk, reason="scope")
            raise Http404 from None

    def context(self, **extra: Any) -> dict[str, Any]:
        user = self.request.user
        urls = {view: reverse(self.spec.url_name(view)) for view in ("list", "add", "import", "export")}
        obj = extra.get("object")
        if obj is not None and obj.pk:
            urls |= {
                view: reverse(self.spec.url_name(view), args=[obj.pk])
                for view in ("detail", "edit", "delete")
            }
        return {
            "spec": self.spec,
            "opts": self.spec.model._meta,
            "urls": urls,
            "can": {
                a: user.has_perm(self.spec.perm(a)) for a in ("add", "change", "delete", "export", "import")
            },
            **extra,
        }

    def template(self, kind: str) -> list[str]:
        return [f"{self.spec.app_label}/{self.spec.model_name}_{kind}.html", f"core/object_{kind}.html"]

    def filtered(self) -> Any:
        return self.spec.filterset(self.request.GET or None, queryset=self.queryset(), request=self.request)


class ObjectListView(SpecView):
    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = self.filtered()
        table = self.spec.table(filterset.qs)
        table.show_personal = request.user.has_perm(self.spec.perm("personal"))
        RequestConfig(request, paginate={"per_page": _per_page(request)}).configure(table)
        context = self.context(filterset=filterset, table=table, querystring=request.GET.urlencode())
        templates = self.template("list")
        if _wants_table(request):
            response = render(request, [f"{t}#table" for t in templates], context)
        else:
            response = render(request, templates, context)
        return _vary_on_htmx(response)


def _wants_table(request: HttpRequest) -> bool:
    """An htmx filter request that swaps only the table."""
    return bool(getattr(request, "htmx", False)) and request.headers.get("HX-Target") == "object-table"


def _vary_on_htmx(response: HttpResponse) -> HttpResponse:
    # The same URL answers a fragment or a full page: caches (and the browser's back button)
    # must keep them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _per_page(request: HttpRequest) -> int:
    try:
        value = int(request.GET.get("per_page", "25"))
    except ValueError:
        return 25
    return min(max(value, 10), 200)


class ObjectDetailView(SpecView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object(pk)
        changes = ObjectChange.objects.filter(
            content_type=ContentType.objects.get_for_model(self.spec.model), object_id=obj.pk
        ).select_related("user", "content_type")[:50]
        form = self.spec.form(instance=obj, user=request.user)
        show_personal = request.user.has_perm(self.spec.perm("personal"))
        fields = [(form.fields[name].label, _display(obj, name, show_personal)) for name in form.fields]
        context = self.context(object=obj, fields=fields, changes=changes, attachments=attachments_of(obj))
        return render(request, self.template("detail"), context)


def _display(obj: Model, name: str, show_personal: bool) -> Any:
    display = getattr(obj, f"get_{name}_display", None)
    if callable(display):
        return display()
    value: Any = getattr(obj, name, "")
    field = obj._meta.get_field(name)
    if value and not show_personal and getattr(field, "personal", False):
        return mask(str(value))
    if value and isinstance(field, FileField) and isinstance(obj, BusinessModel):
        return format_html('<a href="{}">{}</a>', file_field_url(obj, name), PurePath(value.name).name)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    return "" if value is None else value


class ObjectEditView(SpecView):
    action = "change"

    def get_instance(self, pk: int | None) -> Any:
        if pk is None:
            return self.spec.model()
        obj = self.get_object(pk)
        if not obj.is_local:
            raise PermissionDenied(_("该记录来自节点 %(node)s，本节点只读。") % {"node": obj.source_node})
        return obj

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_instance(pk)
        form = self.spec.form(instance=obj, user=request.user)
        if pk is None:
            # A link may preset fields of a new record (NetBox style): ``add/?danger=5``. The value
            # is only a starting point: the form's scoped choices and validation still apply.
            form.initial.update({k: v for k, v in request.GET.items() if k in form.fields})
        return render(request, self.template("edit"), self.context(object=obj, form=form))

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_instance(pk)
        form = self.spec.form(request.POST, request.FILES, instance=obj, user=request.user)
        if form.is_valid():
            try:
                saved = self.spec.save(
                    form.save(commit=False), user=request.user, scope_error_field=self.spec.scope_error_field
                )
            except ValidationError as e:
                _add_errors(form, e)
            else:
                messages.success(request, _("已保存：%(obj)s") % {"obj": saved})
                return redirect(self.spec.url_name("detail"), pk=saved.pk)
        return render(request, self.template("edit"), self.context(object=obj, form=form), status=400)


class ObjectCreateView(ObjectEditView):
    action = "add"


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class ObjectDeleteView(SpecView):
    action = "delete"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, self.template("delete"), self.context(object=self.get_object(pk)))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object(pk)
        name = str(obj)
        self.spec.delete(obj, user=request.user)
        messages.success(request, _("已删除：%(obj)s") % {"obj": name})
        return redirect(self.spec.url_name("list"))


class ObjectExportView(SpecView):
    action = "export"

    def get(self, request: HttpRequest) -> HttpResponse:
        fmt = request.GET.get("export", "xlsx")
        if fmt not in ("xlsx", "csv"):
            fmt = "xlsx"
        table = self.spec.table(self.filtered().qs)
        table.show_personal = request.user.has_perm(self.spec.perm("personal"))
        record_event(
            EventType.EXPORT,
            request=request,
            details={
                "model": self.spec.model._meta.label_lower,
                "format": fmt,
                "rows": len(table.rows),
                "query": request.GET.urlencode()[:500],
            },
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"{self.spec.model_name}-{stamp}.{fmt}"
        if fmt == "xlsx":
            return xlsx_response(table, filename, exclude_columns=("actions",))
        response: HttpResponse = TableExport("csv", table, exclude_columns=("actions",)).response(filename)
        return response


class ObjectImportView(SpecView):
    action = "import"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not request.user.has_perm(self.spec.perm("add")):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("template"):
            return self.template_file()
        return render(
            request, self.template("import"), self.context(columns=importer.import_columns(self.spec))
        )

    def template_file(self) -> HttpResponse:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append([column.label for column in importer.import_columns(self.spec)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.spec.model_name}-template.xlsx"'
        return response

    def post(self, request: HttpRequest) -> HttpResponse:
        columns = importer.import_columns(self.spec)
        try:
            if token := request.POST.get("token"):
                return self.confirm(request, token)
            upload = request.FILES.get("file")
            if upload is None:
                raise importer.ImportFileError(_("请选择要导入的文件。"))
            header, body = importer.read_table(upload)
            report = importer.validate(self.spec, request.user, header, body)
        except importer.ImportFileError as e:
            context = self.context(columns=columns, file_error=str(e))
            return render(request, self.template("import"), context, status=400)
        token = importer.stash(request.user, header, body)
        context = self.context(columns=columns, report=report, token=token)
        return render(request, self.template("import"), context)

    def confirm(self, request: HttpRequest, token: str) -> HttpResponse:
        header, body = importer.unstash(request.user, token)
        # Validate again: the database may have changed since the preview.
        report = importer.validate(self.spec, request.user, header, body)
        only_valid = request.POST.get("only_valid") == "1"
        if report.bad and not only_valid:
            error = _("文件中有 %(n)d 行错误，未导入任何数据。") % {"n": len(report.bad)}
            context = self.context(
                columns=importer.import_columns(self.spec), report=report, token=token, file_error=error
            )
            return render(request, self.template("import"), context, status=400)
        with transaction.atomic():  # the rows and their audit event commit together, or neither
            count = importer.apply(self.spec, request.user, report, only_valid=only_valid)
            record_event(
                EventType.IMPORT,
                request=request,
                details={
                    "model": self.spec.model._meta.label_lower,
                    "rows": count,
                    "skipped": len(report.bad),
                },
            )
        importer.discard(token)
        messages.success(request, _("已导入 %(n)d 条记录。") % {"n": count})
        return redirect(self.spec.url_name("list"))


def spec_urls(spec: ModelSpec) -> list[Any]:
    """The URL patterns of a registered model's pages (include them under the app's namespace)."""
    name = spec.model_name
    views: list[tuple[str, type[SpecView], str]] = [
        ("", ObjectListView, "list"),
        ("add/", ObjectCreateView, "add"),
        ("import/", ObjectImportView, "import"),
        ("export/", ObjectExportView, "export"),
        ("<int:pk>/", ObjectDetailView, "detail"),
        ("<int:pk>/edit/", ObjectEditView, "edit"),
        ("<int:pk>/delete/", ObjectDeleteView, "delete"),
    ]
    return [
        path(f"{spec.api_path}/{route}", view.as_view(spec=spec), name=f"{name}_{suffix}")
        for route, view, suffix in views
    ]


def list_url(spec: ModelSpec) -> str:
    return reverse(spec.url_name("list"))


class ReferenceListView(LoginRequiredMixin, View):
    """A read-only, filtered, paginated list of a model that is not a registered business model
    (organisations, users, regions). The queryset callable applies the caller's scope."""

    title: Any = ""
    perm = ""
    filterset: Any = None
    table: Any = None
    queryset: Any = None  # callable(user) -> QuerySet
    template_name = "core/reference_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if self.perm and not request.user.has_perm(self.perm):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        filterset = self.filterset(request.GET or None, queryset=self.queryset(request.user), request=request)
        table = self.table(filterset.qs)
        RequestConfig(request, paginate={"per_page": _per_page(request)}).configure(table)
        context = {
            "title": self.title,
            "filterset": filterset,
            "table": table,
            "querystring": request.GET.urlencode(),
        }
        context |= self.extra_context(filterset)
        if _wants_table(request):
            return _vary_on_htmx(render(request, f"{self.template_name}#table", context))
        return _vary_on_htmx(render(request, self.template_name, context))

    def extra_context(self, filterset: Any) -> dict[str, Any]:
        return {}
