"""Transports: push (POST to the peer's /exchange/v1/batches), pull (GET from the peer's
/exchange/v1/mailbox with a signed request), file (export/import), and the worker loop."""

from __future__ import annotations

import json
import logging
import secrets
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.exchange import batches
from anjian.exchange.batches import MEDIA_TYPE, Rejected
from anjian.exchange.models import Peer, PeerMode, RequestNonce
from anjian.exchange.outbox import canonical, local_seq
from anjian.exchange.receive import receive

logger = logging.getLogger(__name__)

REQUEST_HEADER = "X-Anjian-Exchange-Request"


class TransportError(Exception):
    """The peer could not be reached or answered with an error."""


def _ssl_context() -> ssl.SSLContext | None:
    cafile = settings.EXCHANGE_CA_FILE or None
    return ssl.create_default_context(cafile=cafile) if cafile else None


def _http(request: urllib.request.Request) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(
            request, timeout=settings.EXCHANGE_TIMEOUT, context=_ssl_context()
        ) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as e:
        return int(e.code), e.read()
    except (urllib.error.URLError, OSError) as e:
        raise TransportError(_("无法连接对端：%(error)s") % {"error": getattr(e, "reason", e)}) from e


def _endpoint(peer: Peer, path: str) -> str:
    if not peer.url:
        raise TransportError(_("对端 %(node)s 未登记地址。") % {"node": peer.code})
    return peer.url.rstrip("/") + path


def _failed(peer: Peer, message: str) -> None:
    Peer.objects.filter(pk=peer.pk).update(last_error=message[:500], last_error_at=timezone.now())


def _succeeded(peer: Peer, **fields: Any) -> None:
    Peer.objects.filter(pk=peer.pk).update(last_error="", last_contact_at=timezone.now(), **fields)


def apply_receipt(peer: Peer, receipt: dict[str, Any]) -> None:
    """Acknowledgement and resend request from a verified receipt: the peer has everything up to
    ``received_seq``; the next batch starts after it (a resend when the peer found a gap)."""
    received = receipt.get("received_seq")
    if not isinstance(received, int) or isinstance(received, bool):
        return
    with transaction.atomic():
        current = Peer.objects.select_for_update().get(pk=peer.pk)
        resend_from = receipt.get("resend_from")
        stale = received < current.acked_seq  # receipts may arrive late or out of order
        if isinstance(resend_from, int) and not isinstance(resend_from, bool) and not stale:
            current.sent_seq = min(current.sent_seq, resend_from - 1)
        current.acked_seq = max(current.acked_seq, received)
        current.sent_seq = max(current.sent_seq, current.acked_seq)
        current.save(update_fields=["acked_seq", "sent_seq"])


@dataclass
class PushResult:
    batches: int = 0
    records: int = 0


def push(peer: Peer) -> PushResult:
    """Send every pending batch to ``peer`` until its receipts acknowledge our last sequence."""
    result = PushResult()
    url = _endpoint(peer, "/exchange/v1/batches")
    while True:
        peer.refresh_from_db()
        content = batches.build(peer.code, peer.acked_seq)
        if content is None:
            _succeeded(peer)
            return result
        manifest = batches.peek(content)
        Peer.objects.filter(pk=peer.pk).update(sent_seq=max(peer.sent_seq, int(manifest["last_seq"])))
        request = urllib.request.Request(
            url, data=content, method="POST", headers={"Content-Type": MEDIA_TYPE}
        )
        try:
            status, body = _http(request)
        except TransportError as e:
            _failed(peer, str(e))
            raise
        try:
            receipt = batches.open_receipt(json.loads(body))
        except (*batches.JSON_ERRORS, Rejected) as e:
            message = _("对端 %(node)s 返回 HTTP %(status)d，回执无效：%(error)s") % {
                "node": peer.code,
                "status": status,
                "error": getattr(e, "message", str(e)),
            }
            _failed(peer, message)
            raise TransportError(message) from e
        mismatch = _receipt_mismatch(peer, manifest, receipt)
        if mismatch:
            _failed(peer, mismatch)
            raise TransportError(mismatch)
        if receipt.get("status") == "rejected":
            message = _("对端拒收批次 %(first)s–%(last)s：%(error)s %(message)s") % {
                "first": manifest["first_seq"],
                "last": manifest["last_seq"],
                "error": receipt.get("error"),
                "message": receipt.get("message"),
            }
            _failed(peer, message)
            raise TransportError(message)
        before = peer.acked_seq
        apply_receipt(peer, receipt)
        result.batches += 1
        result.records += int(manifest["count"])
        peer.refresh_from_db()
        if peer.acked_seq <= before and receipt.get("status") != "held":
            raise TransportError(_("对端未确认任何新数据，停止推送。"))


def _receipt_mismatch(peer: Peer, manifest: dict[str, Any], receipt: dict[str, Any]) -> str:
    """Why a verified receipt is not the answer to the batch just sent to ``peer`` ("" if it is):
    it must be signed by that peer and name the batch's sequence range and payload hash."""
    if receipt.get("sender") != peer.code:
        return _("回执由 %(signer)s 签发，不是推送的对端 %(node)s，不予采信。") % {
            "signer": str(receipt.get("sender"))[:16],
            "node": peer.code,
        }
    if any(receipt.get(name) != manifest[name] for name in ("first_seq", "last_seq", "payload_hash")):
        return _("对端 %(node)s 的回执与所发批次 %(first)s–%(last)s 的序号或摘要不符，不予采信。") % {
            "node": peer.code,
            "first": manifest["first_seq"],
            "last": manifest["last_seq"],
        }
    return ""


def signed_request(peer_code: str, after: int) -> str:
    body = {
        "node": settings.NODE_CODE,
        "peer": peer_code,
        "after": after,
        "time": batches.utcnow(),
        "nonce": secrets.token_hex(16),
    }
    from anjian.exchange import keys

    return canonical({"request": body, "signature": batches.sign_document(body, keys.signing_key())}).decode()


NONCE_LENGTH = range(16, 65)  # characters


def open_request(header: str) -> tuple[Peer, int]:
    """The peer and ``after`` of a signed mailbox request; Rejected otherwise. Each request is
    served once: its (node, nonce) is remembered while its time is within the clock-skew window."""
    try:
        document = json.loads(header)
        body = document["request"]
        after = body["after"]
        nonce = body["nonce"]
        sent = datetime.fromisoformat(body["time"].replace("Z", "+00:00"))
        skew = abs((datetime.now(UTC) - sent).total_seconds())  # TypeError when without zone
    except (*batches.JSON_ERRORS, KeyError, TypeError, AttributeError, OverflowError) as e:
        raise Rejected("malformed", _("取件请求格式错误。")) from e
    if (
        not isinstance(body, dict)
        or not isinstance(nonce, str)
        or len(nonce) not in NONCE_LENGTH
        or not isinstance(after, int)
        or isinstance(after, bool)
        or after < 0
    ):
        raise Rejected("malformed", _("取件请求格式错误。"))
    if body.get("peer") != settings.NODE_CODE:
        raise Rejected("wrong_receiver", _("取件请求不是发给本节点的。"))
    if skew > settings.EXCHANGE_CLOCK_SKEW:
        raise Rejected("stale_request", _("取件请求已过期（时钟偏差过大或重放）。"))
    peer = batches.verify_document(str(body.get("node", "")), body, document.get("signature"))
    _use_nonce(peer.code, nonce, sent)
    return peer, after


def _use_nonce(node: str, nonce: str, sent: datetime) -> None:
    """Remember a verified request's nonce; Rejected if it was seen (a replay). Nonces of requests
    older than the clock-skew window are forgotten: those requests are refused as stale anyway."""
    now = timezone.now()
    RequestNonce.objects.filter(time__lt=now - timedelta(seconds=settings.EXCHANGE_CLOCK_SKEW + 60)).delete()
    try:
        with transaction.atomic():
            RequestNonce.objects.create(node=node, nonce=nonce, time=sent)
    except IntegrityError as e:
        raise Rejected("stale_request", _("取件请求已被使用过（重放），不予处理。")) from e


def mailbox(peer: Peer, after: int) -> bytes | None:
    """The next batch for a pulling peer; ``after`` is what it has applied (its acknowledgement)."""
    content = batches.build(peer.code, after)
    fields: dict[str, Any] = {"acked_seq": after, "last_contact_at": timezone.now()}
    if content is not None:
        fields["sent_seq"] = int(batches.peek(content)["last_seq"])
    Peer.objects.filter(pk=peer.pk).update(**fields)
    return content


def pull(peer: Peer) -> PushResult:
    """Fetch and apply every batch waiting for us in ``peer``'s mailbox."""
    result = PushResult()
    while True:
        peer.refresh_from_db()
        query = urlencode({"after": peer.received_seq})
        request = urllib.request.Request(
            _endpoint(peer, f"/exchange/v1/mailbox?{query}"),
            headers={REQUEST_HEADER: signed_request(peer.code, peer.received_seq)},
        )
        try:
            status, body = _http(request)
        except TransportError as e:
            _failed(peer, str(e))
            raise
        if status == 204:
            _succeeded(peer)
            return result
        if status != 200:
            message = _("对端 %(node)s 返回 HTTP %(status)d：%(body)s") % {
                "node": peer.code,
                "status": status,
                "body": body[:200].decode("utf-8", "replace"),
            }
            _failed(peer, message)
            raise TransportError(message)
        sender = batches.peek(body).get("sender")
        if sender != peer.code:
            # receive() verifies the signature of whoever the batch names: it must be this peer.
            message = _("从 %(node)s 取到的批次由 %(sender)s 发出，不予接收。") % {
                "node": peer.code,
                "sender": str(sender)[:16],
            }
            _failed(peer, message)
            raise TransportError(message)
        receipt = receive(body)["receipt"]
        if receipt.get("status") == "rejected":
            raise TransportError(
                _("拒收来自 %(node)s 的批次：%(message)s")
                % {"node": peer.code, "message": receipt.get("message")}
            )
        result.batches += 1
        result.records += int(batches.peek(body).get("count", 0))


# --- Files ---------------------------------------------------------------------------------


def export_files(peer: Peer, directory: Path) -> list[Path]:
    """Write every batch not yet sent to ``peer`` as a file; the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    while True:
        peer.refresh_from_db()
        content = batches.build(peer.code, peer.sent_seq)
        if content is None:
            return written
        manifest = batches.peek(content)
        path = directory / (
            f"{settings.NODE_CODE}-{peer.code}-{manifest['first_seq']:012d}-{manifest['last_seq']:012d}.batch"
        )
        tmp = path.with_suffix(".part")
        tmp.write_bytes(content)
        tmp.rename(path)
        Peer.objects.filter(pk=peer.pk).update(sent_seq=int(manifest["last_seq"]))
        written.append(path)


@dataclass
class FileOutcome:
    path: Path
    ok: bool
    message: str


def import_file(path: Path, receipt_dir: Path | None = None) -> FileOutcome:
    """Apply a batch file, or take in a receipt file from a peer. A batch's signed receipt is
    written to ``receipt_dir`` (to carry back to the sender) when given."""
    try:
        content = path.read_bytes()
    except OSError as e:
        return FileOutcome(path, False, _("无法读取文件：%(error)s") % {"error": e.strerror})
    if content.startswith(b'{"receipt"'):
        return _import_receipt(path, content)
    document = receive(content)
    receipt = document["receipt"]
    status = receipt.get("status")
    if receipt_dir is not None and "signature" in document:
        receipt_dir.mkdir(parents=True, exist_ok=True)
        (receipt_dir / (path.name + ".receipt.json")).write_bytes(canonical(document))
    if status == "rejected":
        return FileOutcome(
            path,
            False,
            _("拒收：%(error)s %(message)s")
            % {"error": receipt.get("error"), "message": receipt.get("message")},
        )
    labels = {"applied": _("已应用"), "duplicate": _("重复，未改变数据"), "held": _("暂存待补缺，已请求补发")}
    return FileOutcome(
        path,
        True,
        _("%(status)s：序号 %(first)s–%(last)s")
        % {
            "status": labels.get(str(status), str(status)),
            "first": receipt.get("first_seq"),
            "last": receipt.get("last_seq"),
        },
    )


def _import_receipt(path: Path, content: bytes) -> FileOutcome:
    try:
        receipt = batches.open_receipt(json.loads(content))
    except (*batches.JSON_ERRORS, Rejected) as e:
        return FileOutcome(path, False, _("回执无效：%(error)s") % {"error": getattr(e, "message", str(e))})
    peer = Peer.objects.get(code=receipt["sender"])
    apply_receipt(peer, receipt)
    return FileOutcome(path, True, _("回执：对端已接收至序号 %(seq)s") % {"seq": receipt.get("received_seq")})


# --- Worker ----------------------------------------------------------------------------------


def exchange_once(peer: Peer) -> PushResult:
    if peer.mode == PeerMode.PUSH:
        return push(peer)
    if peer.mode == PeerMode.PULL:
        return pull(peer)
    return PushResult()


def _reset_connections() -> None:
    """After an unexpected error: drop database connections that broke, so the next round opens
    new ones (not inside a transaction, where the connection is not ours to close)."""
    if not transaction.get_connection().in_atomic_block:
        close_old_connections()


def worker(
    *,
    cycles: int | None = None,
    interval: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    log: Callable[[str], None] = logger.info,
) -> None:
    """Push to and pull from every enabled peer, forever (or ``cycles`` rounds). A failing peer
    waits interval × 2^failures (at most EXCHANGE_BACKOFF_MAX seconds) before its next try."""
    base = interval if interval is not None else settings.EXCHANGE_WORKER_INTERVAL
    failures: dict[str, int] = {}
    next_try: dict[str, float] = {}
    done = 0
    while cycles is None or done < cycles:
        now = clock()
        try:
            peers = list(Peer.objects.filter(enabled=True).exclude(mode=PeerMode.FILE))
        except Exception as e:  # the database is unreachable: wait a round and try again
            logger.exception("exchange worker: cannot list peers")
            log(f"{e} (retry in {base:g} s)")
            _reset_connections()
            peers = []
        for peer in peers:
            if next_try.get(peer.code, 0.0) > now:
                continue
            try:
                outcome = exchange_once(peer)
                failures.pop(peer.code, None)
                next_try.pop(peer.code, None)
                if outcome.batches:
                    log(f"{peer.code}: {outcome.batches} batches, {outcome.records} records")
            except Exception as e:  # the worker outlives any one peer's failure, expected or not
                if not isinstance(e, TransportError | Rejected):
                    logger.exception("exchange worker: unexpected error with peer %s", peer.code)
                    _reset_connections()
                count = failures[peer.code] = failures.get(peer.code, 0) + 1
                delay = min(base * 2**count, settings.EXCHANGE_BACKOFF_MAX)
                next_try[peer.code] = now + delay
                log(f"{peer.code}: {e} (retry in {delay:g} s)")
        done += 1
        if cycles is None or done < cycles:
            sleep(base)


def status() -> dict[str, Any]:
    """Per peer: sequences sent/acknowledged/received, backlog, lag, last error (for the page and
    ``anjian exchange status``)."""
    from anjian.exchange.models import NodeKey, OutboxEntry, QuarantinedBatch, QuarantineStatus, ResendRequest

    seq = local_seq()
    now = timezone.now()
    peers = []
    for peer in Peer.objects.all():
        oldest = (
            OutboxEntry.objects.filter(seq__gt=peer.acked_seq)
            .order_by("seq")
            .values_list("created_at", flat=True)
            .first()
        )
        peers.append(
            {
                "code": peer.code,
                "mode": peer.mode,
                "enabled": peer.enabled,
                "url": peer.url,
                "sent_seq": peer.sent_seq,
                "acked_seq": peer.acked_seq,
                "backlog": max(seq - peer.acked_seq, 0),
                "lag_s": round((now - oldest).total_seconds(), 1) if oldest else 0,
                "received_seq": peer.received_seq,
                "held": QuarantinedBatch.objects.filter(
                    sender=peer.code, status=QuarantineStatus.HELD
                ).count(),
                "resend_requests": list(
                    ResendRequest.objects.filter(peer=peer, filled_at=None).values_list("from_seq", flat=True)
                ),
                "last_error": peer.last_error,
                "last_error_at": peer.last_error_at.isoformat() if peer.last_error_at else None,
                "last_contact_at": peer.last_contact_at.isoformat() if peer.last_contact_at else None,
                "keys": list(peer.keys.filter(enabled=True).values_list("key_id", flat=True)),
            }
        )
    key = NodeKey.objects.filter(active=True).first()
    return {
        "node": settings.NODE_CODE,
        "role": settings.NODE_ROLE,
        "suite": settings.CRYPTO_SUITE,
        "key_id": key.key_id if key else None,
        "local_seq": seq,
        "rejected": QuarantinedBatch.objects.filter(status=QuarantineStatus.REJECTED).count(),
        "peers": peers,
    }
