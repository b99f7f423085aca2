"""Pages beyond the generated ones: life-cycle transitions, the supervision listing document,
progress reports, closure applications and their review, and the sector checklists."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from anjian.audit.events import EventType
from anjian.audit.services import record_denied_access, record_event
from anjian.core.views import ReferenceListView, _add_errors
from anjian.dangers import services
from anjian.dangers.documents import listing_document
from anjian.dangers.filtersets import ChecklistItemFilterSet
from anjian.dangers.forms import ChecklistItemForm, ClosureApplicationForm, ProgressForm
from anjian.dangers.models import ChecklistItem, HiddenDanger, SupervisionListing
from anjian.dangers.tables import ChecklistItemTable


def _messages_of(error: ValidationError) -> list[str]:
    return list(error.messages)


def _danger(request: HttpRequest, pk: int) -> HiddenDanger:
    danger: HiddenDanger | None = HiddenDanger.objects.visible_to(request.user).filter(pk=pk).first()
    if danger is None:
        record_denied_access(request, HiddenDanger, pk, reason="scope")
        raise Http404
    return danger


def _listing(request: HttpRequest, pk: int) -> SupervisionListing:
    if not request.user.has_perm("dangers.view_supervisionlisting"):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    queryset = SupervisionListing.objects.visible_to(request.user).select_related(
        "danger__enterprise", "authority"
    )
    listing: SupervisionListing | None = queryset.filter(pk=pk).first()
    if listing is None:
        record_denied_access(request, SupervisionListing, pk, reason="scope")
        raise Http404
    return listing


class TransitionView(LoginRequiredMixin, View):
    """POST ``to`` (and ``reason`` / ``note`` / ``verified_by``): one life-cycle move."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("dangers.change_hiddendanger"):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        danger = _danger(request, pk)
        evidence = services.Evidence(
            note=request.POST.get("note", ""), verified_by=request.POST.get("verified_by", "")
        )
        try:
            danger = services.transition_danger(
                danger,
                request.POST.get("to", ""),
                user=request.user,
                reason=request.POST.get("reason", ""),
                evidence=evidence,
            )
        except ValidationError as e:
            for message in _messages_of(e):
                messages.error(request, message)
        except PermissionDenied as e:
            _flash(request, e)
        else:
            messages.success(request, _("隐患状态：%(status)s") % {"status": danger.get_status_display()})
        return redirect(danger.get_absolute_url())


class ListingDocumentView(LoginRequiredMixin, View):
    """The listing document (.docx), generated on request; every download is audited."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        listing = _listing(request, pk)
        content = listing_document(listing)
        record_event(
            EventType.DOWNLOAD, request=request, obj=listing, details={"document": "supervision_listing"}
        )
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response["Content-Disposition"] = f'attachment; filename="supervision-listing-{listing.pk}.docx"'
        return response


def _require_change(request: HttpRequest) -> None:
    if not request.user.has_perm("dangers.change_hiddendanger"):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


class ListingProgressView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        _require_change(request)
        listing = _listing(request, pk)
        form = ProgressForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写整改进展。"))
            return redirect(listing.get_absolute_url())
        try:
            services.report_progress(listing, user=request.user, content=form.cleaned_data["content"])
        except (ValidationError, PermissionDenied) as e:
            _flash(request, e)
        else:
            messages.success(request, _("已报告整改进展。"))
        return redirect(listing.get_absolute_url())


class ListingClosureView(LoginRequiredMixin, View):
    """The enterprise applies for closure with evidence (photos, documents)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        _require_change(request)
        listing = _listing(request, pk)
        form = ClosureApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.apply_for_closure(
                    listing,
                    user=request.user,
                    note=form.cleaned_data["note"],
                    files=form.cleaned_data["evidence"],
                )
            except (ValidationError, PermissionDenied) as e:
                _flash(request, e)
            else:
                messages.success(request, _("已申请销号，等待监管部门审核。"))
        else:
            for message in form.errors.as_data().values():
                for error in message:
                    messages.error(request, "；".join(error.messages))
        return redirect(listing.get_absolute_url())


class ListingReviewView(LoginRequiredMixin, View):
    """POST ``decision`` = ``delist`` or ``reject`` (with ``reason``)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        listing = _listing(request, pk)
        decision = request.POST.get("decision")
        note = request.POST.get("reason", "")
        try:
            if decision == "delist":
                services.delist(listing, user=request.user, note=note)
                messages.success(request, _("已摘牌，隐患已销号。"))
            elif decision == "reject":
                services.reject_closure(listing, user=request.user, reason=note)
                messages.success(request, _("已驳回销号申请。"))
            else:
                raise Http404
        except (ValidationError, PermissionDenied) as e:
            _flash(request, e)
        return redirect(listing.get_absolute_url())


def _flash(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    texts = error.messages if isinstance(error, ValidationError) else [str(error)]
    for message in texts:
        messages.error(request, message)


def can_edit_checklist(user: Any) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    if not services.is_regulator(user):
        return False
    return bool(set(user.role_codes) & set(settings.DANGER_CHECKLIST_EDITOR_ROLES))


def _checklist(user: Any) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.all()


class ChecklistListView(ReferenceListView):
    """The sector checklists (排查清单), with the major hidden danger criteria preloaded."""

    title = gettext_lazy("隐患排查清单")
    perm = "dangers.view_hiddendanger"
    filterset = ChecklistItemFilterSet
    table = ChecklistItemTable
    queryset = staticmethod(_checklist)
    template_name = "dangers/checklist.html"

    def extra_context(self, filterset: Any) -> dict[str, Any]:
        return {"can_add": can_edit_checklist(self.request.user)}


class ChecklistCreateView(LoginRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not can_edit_checklist(request.user):
            raise PermissionDenied(_("只有监管部门的数据管理员可以维护排查清单。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "dangers/checklist_add.html", {"form": ChecklistItemForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ChecklistItemForm(request.POST)
        if form.is_valid():
            item = form.save(commit=False)
            try:
                item.full_clean()
            except ValidationError as e:
                _add_errors(form, e)
            else:
                item.save()
                record_event(
                    EventType.CONFIG_CHANGE,
                    request=request,
                    obj=item,
                    details={"checklist_item": f"{item.sector}:{item.code}:{item.edition}"},
                )
                messages.success(request, _("已添加排查清单条目：%(item)s") % {"item": item})
                return redirect("dangers:checklist")
        return render(request, "dangers/checklist_add.html", {"form": form}, status=400)
