"""Exchange endpoints between nodes (signed batches, no user session) and the monitoring page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from anjian.exchange import keys, transport
from anjian.exchange.batches import MEDIA_TYPE, Rejected
from anjian.exchange.models import QuarantinedBatch, Receipt
from anjian.exchange.receive import receive

MONITOR_PERMISSION = "exchange.monitor_exchange"
HTTP_STATUS = {"applied": 200, "duplicate": 200, "held": 202, "rejected": 422}


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


@csrf_exempt
@require_POST
def batches(request: HttpRequest) -> HttpResponse:
    """Push: a peer POSTs one batch; the answer is the signed receipt."""
    if len(request.body) > settings.EXCHANGE_BATCH_BYTES + 64 * 1024:
        return _error("too_large", _("批次超过大小上限。"), 413)
    try:
        document = receive(request.body)
    except keys.KeyError_ as e:  # this node cannot sign receipts yet: nothing was applied
        return _error("receiver_not_ready", str(e), 503)
    status = HTTP_STATUS.get(str(document["receipt"].get("status")), 422)
    return JsonResponse(document, status=status, json_dumps_params={"ensure_ascii": False})


@require_GET
def mailbox(request: HttpRequest) -> HttpResponse:
    """Pull: a peer fetches its next batch with a signed request; 204 when nothing is waiting."""
    header = request.headers.get(transport.REQUEST_HEADER, "")
    try:
        peer, after = transport.open_request(header)
    except Rejected as e:
        return _error(e.code, e.message, 403)
    content = transport.mailbox(peer, after)
    if content is None:
        return HttpResponse(status=204)
    return HttpResponse(content, content_type=MEDIA_TYPE)


class MonitorView(LoginRequiredMixin, View):
    """Per peer: sequences sent, acknowledged and received, backlog, lag, last error; quarantine."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(MONITOR_PERMISSION):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        context = {
            "status": transport.status(),
            "quarantine": QuarantinedBatch.objects.defer("content")[:50],
            "receipts": Receipt.objects.all()[:20],
        }
        return render(request, "exchange/monitor.html", context)
