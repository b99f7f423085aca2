"""Public pages (apply, follow an application by its tracking number) and the regulator's review
pages. Review pages answer 403 without the role and 404 outside the scope, with an audit event."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anjian.audit.services import record_denied_access
from anjian.core.attachments import file_field_url
from anjian.core.fields import mask
from anjian.core.views import ReferenceListView
from anjian.registration import services
from anjian.registration.filtersets import RegistrationFilterSet
from anjian.registration.forms import RegistrationForm, RejectForm, StatusQueryForm
from anjian.registration.models import EnterpriseRegistration
from anjian.registration.tables import RegistrationTable

VIEW_PERM = "registration.view_enterpriseregistration"


def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.submit_registration(form.save(commit=False), request=request)
        except ValidationError as e:
            for name, errors in e.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("注册申请已提交，受理编号：%(number)s。请妥善保存，凭此编号查询审核进度。")
                % {"number": registration.tracking_number},
            )
            return redirect(
                f"{reverse('registration:status')}?{urlencode({'number': registration.tracking_number})}"
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/register.html", {"form": form}, status=status)


def status(request: HttpRequest) -> HttpResponse:
    form = StatusQueryForm(request.GET or None)
    registration = None
    searched = False
    if form.is_valid():
        searched = True
        registration = EnterpriseRegistration.objects.filter(
            tracking_number=form.cleaned_data["number"]
        ).first()
    context = {"form": form, "registration": registration, "searched": searched}
    return render(request, "registration/status.html", context)


def _visible_registrations(user: Any) -> QuerySet[EnterpriseRegistration]:
    queryset: QuerySet[EnterpriseRegistration] = EnterpriseRegistration.objects.visible_to(user)
    return queryset.select_related("region")


class ReviewListView(ReferenceListView):
    title = gettext_lazy("企业注册审核")
    perm = VIEW_PERM
    filterset = RegistrationFilterSet
    table = RegistrationTable
    queryset = staticmethod(_visible_registrations)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.GET:
            # The regulator's work list opens on what waits for a decision.
            request.GET = QueryDict("status=pending")
        return super().get(request)


def _reviewable(request: HttpRequest, pk: int, perm: str) -> EnterpriseRegistration:
    if not request.user.has_perm(perm):
        record_denied_access(request, EnterpriseRegistration, pk, reason="role")
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    registration: EnterpriseRegistration | None = (
        EnterpriseRegistration.objects.visible_to(request.user)
        .select_related("region__parent__parent", "reviewed_by", "enterprise")
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        record_denied_access(request, EnterpriseRegistration, pk, reason="scope")
        raise Http404
    return registration


def _detail(
    request: HttpRequest,
    registration: EnterpriseRegistration,
    reject_form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "title": str(registration),
        "object": registration,
        "contact_phone": registration.contact_phone
        if request.user.has_perm("registration.personal_enterpriseregistration")
        else mask(registration.contact_phone),
        "licence_url": file_field_url(registration, "licence") if registration.licence else "",
        "can_review": registration.is_pending and services.may_review(request.user, registration),
        "reject_form": reject_form or RejectForm(),
    }
    return render(request, "registration/review_detail.html", context, status=status)


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _reviewable(request, pk, VIEW_PERM))


def _refuse(request: HttpRequest, registration: EnterpriseRegistration, error: Exception) -> HttpResponse:
    if isinstance(error, PermissionDenied):
        record_denied_access(request, EnterpriseRegistration, registration.pk, reason="role")
        raise error
    assert isinstance(error, ValidationError)
    for message in error.messages:
        messages.error(request, message)
    return _detail(request, registration, status=400)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _reviewable(request, pk, services.CHANGE_PERM)
    try:
        enterprise, account, password = services.approve_registration(
            registration, user=request.user, request=request
        )
    except (PermissionDenied, ValidationError) as e:
        return _refuse(request, registration, e)
    context = {
        "title": _("已批准：%(name)s") % {"name": enterprise.name},
        "object": registration,
        "enterprise": enterprise,
        "account": account,
        "password": password,
    }
    response = render(request, "registration/approved.html", context)
    response["Cache-Control"] = "no-store"  # the initial password is shown once
    return response


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _reviewable(request, pk, services.CHANGE_PERM)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _detail(request, registration, reject_form=form, status=400)
    try:
        services.reject_registration(
            registration, form.cleaned_data["reason"], user=request.user, request=request
        )
    except (PermissionDenied, ValidationError) as e:
        return _refuse(request, registration, e)
    messages.success(request, _("已驳回申请：%(obj)s") % {"obj": registration})
    return redirect(registration.get_absolute_url())
