"""Pages beyond the generic ones: filing a major hazard source with the regulator (备案)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from anjian.audit.services import record_denied_access
from anjian.hazards import services
from anjian.hazards.models import HazardUnit


class FilingView(LoginRequiredMixin, View):
    """POST ``submit`` (enterprise or regulator), ``accept`` or ``return`` (regulator, with reason)."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        if not request.user.has_perm("hazards.change_hazardunit"):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        unit = HazardUnit.objects.visible_to(request.user).filter(pk=pk).first()
        if unit is None:
            record_denied_access(request, HazardUnit, pk, reason="scope")
            raise Http404
        try:
            if action == "submit":
                services.submit_filing(unit, user=request.user)
            elif action in ("accept", "return"):
                reason = request.POST.get("reason", "")
                services.review_filing(unit, user=request.user, accept=action == "accept", reason=reason)
            else:
                raise Http404
        except ValidationError as e:
            for message in e.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("备案状态：%(status)s") % {"status": unit.get_filing_status_display()}
            )
        return redirect("hazards:hazardunit_detail", pk=unit.pk)
