"""我的通知: the signed-in user's own notices (nobody else's), newest first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anjian.notices.models import Notice
from anjian.notices.services import mark_read


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.filter(recipient_id=request.user.pk)
    if request.GET.get("unread") == "1":
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, 25).get_page(request.GET.get("page"))
    return render(
        request, "notices/notice_list.html", {"page": page, "unread_only": request.GET.get("unread") == "1"}
    )


@login_required
@require_POST
def notice_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("notice", "")
    mark_read(request.user, int(raw) if raw.isdigit() else None)
    target = (
        Notice.objects.filter(recipient_id=request.user.pk, pk=int(raw)).first() if raw.isdigit() else None
    )
    if target is not None and target.link.startswith("/") and not target.link.startswith("//"):
        return redirect(target.link)
    return redirect("notices:list")
