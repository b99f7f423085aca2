"""Batches: a signed manifest line followed by the JSON Lines payload (docs/exchange.md).

    {"manifest": {...}, "signature": {"alg": ..., "key_id": ..., "value": hex}}\\n
    {payload line for seq first}\\n
    ...
    {payload line for seq last}\\n

The signature covers the canonical JSON of the manifest; the manifest holds the payload's hash,
so one signature per batch protects every record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from anjian.core import crypto
from anjian.exchange import keys
from anjian.exchange.models import OutboxEntry, Peer, PeerKey
from anjian.exchange.outbox import canonical

FORMAT = "anjian-exchange/1"
SCHEMA_VERSION = 1
MEDIA_TYPE = "application/vnd.anjian.batch+jsonl"


class Rejected(Exception):
    """A batch (or receipt, or request) refused; ``code`` is the error code of docs/exchange.md.
    ``authenticated``: the whole content was verified as the sender's (signature and payload hash),
    so the refusal is the peer's doing, not possibly anyone's."""

    def __init__(self, code: str, message: str, *, authenticated: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.authenticated = authenticated


# json.loads raises RecursionError for deeply nested input: as malformed as invalid JSON.
JSON_ERRORS = (ValueError, RecursionError)


def utcnow() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sign_document(body: dict[str, Any], key: keys.SigningKey) -> dict[str, Any]:
    return {
        "alg": keys.SIGNATURE_ALGORITHMS[key.suite],
        "key_id": key.key_id,
        "value": keys.sign(key.private, key.suite, canonical(body)),
    }


def verify_document(sender: str, body: dict[str, Any], signature: Any) -> Peer:
    """The enabled peer whose enabled key signed ``body``; Rejected otherwise."""
    peer = Peer.objects.filter(code=sender).first()
    if peer is None:
        raise Rejected("unknown_peer", _("发送节点 %(node)s 不是已登记的交换对端。") % {"node": sender})
    if not peer.enabled:
        raise Rejected("peer_disabled", _("交换对端 %(node)s 已停用。") % {"node": sender})
    if not isinstance(signature, dict) or not isinstance(signature.get("value"), str):
        raise Rejected("malformed", _("缺少签名。"))
    key = PeerKey.objects.filter(peer=peer, key_id=signature.get("key_id"), enabled=True).first()
    if key is None:
        raise Rejected(
            "unknown_key",
            _("签名密钥 %(key)s 不是对端 %(node)s 已登记且启用的公钥。")
            % {"key": signature.get("key_id"), "node": sender},
        )
    if signature.get("alg") != keys.SIGNATURE_ALGORITHMS[key.suite] or not keys.verify(
        key.public_key, key.suite, canonical(body), signature["value"]
    ):
        raise Rejected("bad_signature", _("签名验证失败，数据可能被篡改。"))
    return peer


def build(receiver: str, after: int, *, max_records: int | None = None) -> bytes | None:
    """The next batch for ``receiver`` with the outbox rows after sequence ``after``; None if none."""
    limit = max_records or settings.EXCHANGE_BATCH_RECORDS
    max_bytes = settings.EXCHANGE_BATCH_BYTES
    rows = OutboxEntry.objects.filter(seq__gt=after).order_by("seq").values_list("seq", "line")[:limit]
    lines: list[bytes] = []
    size = 0
    first = 0
    for seq, line in rows:
        encoded = line.encode("utf-8") + b"\n"
        if lines and size + len(encoded) > max_bytes:
            break
        first = first or seq
        lines.append(encoded)
        size += len(encoded)
    if not lines:
        return None
    return assemble(settings.NODE_CODE, receiver, first, lines, keys.signing_key())


def assemble(sender: str, receiver: str, first: int, lines: list[bytes], key: keys.SigningKey) -> bytes:
    """A signed batch of payload ``lines`` (each ending in a newline) numbered from ``first``."""
    payload = b"".join(lines)
    manifest = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "sender": sender,
        "receiver": receiver,
        "first_seq": first,
        "last_seq": first + len(lines) - 1,
        "count": len(lines),
        "suite": key.suite,
        "hash_alg": keys.HASH_ALGORITHMS[key.suite],
        "payload_hash": crypto.digest(payload, key.suite),
        "payload_bytes": len(payload),
        "created_at": utcnow(),
    }
    envelope = {"manifest": manifest, "signature": sign_document(manifest, key)}
    return canonical(envelope) + b"\n" + payload


@dataclass
class Batch:
    manifest: dict[str, Any]
    payload: bytes
    peer: Peer

    @property
    def sender(self) -> str:
        return str(self.manifest["sender"])

    @property
    def first_seq(self) -> int:
        return int(self.manifest["first_seq"])

    @property
    def last_seq(self) -> int:
        return int(self.manifest["last_seq"])

    @property
    def count(self) -> int:
        return int(self.manifest["count"])


_MANIFEST_TYPES: dict[str, type] = {
    "format": str,
    "schema_version": int,
    "sender": str,
    "receiver": str,
    "first_seq": int,
    "last_seq": int,
    "count": int,
    "suite": str,
    "hash_alg": str,
    "payload_hash": str,
    "payload_bytes": int,
    "created_at": str,
}


def peek(content: bytes) -> dict[str, Any]:
    """The manifest of ``content`` without verifying anything (for quarantine records); {} if none."""
    header = content.partition(b"\n")[0]
    try:
        envelope = json.loads(header)
    except JSON_ERRORS:
        return {}
    manifest = envelope.get("manifest") if isinstance(envelope, dict) else None
    return manifest if isinstance(manifest, dict) else {}


def open_batch(content: bytes) -> Batch:
    """Parse and verify a batch: format, receiver, registered peer and key, signature, payload hash.
    Raises Rejected with the reason."""
    header, sep, payload = content.partition(b"\n")
    try:
        envelope = json.loads(header)
    except JSON_ERRORS as e:
        raise Rejected("malformed", _("批次首行不是有效的 JSON 清单。")) from e
    if not sep or not isinstance(envelope, dict) or not isinstance(envelope.get("manifest"), dict):
        raise Rejected("malformed", _("批次首行不是有效的 JSON 清单。"))
    manifest: dict[str, Any] = envelope["manifest"]
    for name, kind in _MANIFEST_TYPES.items():
        value = manifest.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise Rejected("malformed", _("清单字段 %(field)s 缺失或类型错误。") % {"field": name})
    if manifest["format"] != FORMAT:
        raise Rejected("malformed", _("不支持的批次格式 %(format)s。") % {"format": manifest["format"]})
    if manifest["receiver"] != settings.NODE_CODE:
        raise Rejected(
            "wrong_receiver",
            _("批次的接收节点是 %(node)s，不是本节点。") % {"node": manifest["receiver"]},
        )
    peer = verify_document(manifest["sender"], manifest, envelope.get("signature"))
    if (
        manifest["suite"] not in keys.SUITES
        or manifest["hash_alg"] != keys.HASH_ALGORITHMS[manifest["suite"]]
    ):
        raise Rejected("malformed", _("不支持的摘要算法。"))
    if (
        len(payload) != manifest["payload_bytes"]
        or crypto.digest(payload, manifest["suite"]) != manifest["payload_hash"]
    ):
        raise Rejected("bad_hash", _("载荷摘要不符，数据在传输中被改动。"))
    first, last, count = manifest["first_seq"], manifest["last_seq"], manifest["count"]
    if first < 1 or last - first + 1 != count:
        raise Rejected("bad_sequence", _("清单的序号范围与记录数不符。"), authenticated=True)
    if manifest["schema_version"] != SCHEMA_VERSION:
        raise Rejected(
            "schema_mismatch",
            _("不支持的数据版本 %(version)s。") % {"version": manifest["schema_version"]},
            authenticated=True,
        )
    return Batch(manifest, payload, peer)


def sign_receipt(receipt: dict[str, Any]) -> dict[str, Any]:
    return {"receipt": receipt, "signature": sign_document(receipt, keys.signing_key())}


def open_receipt(document: Any) -> dict[str, Any]:
    """A receipt from a peer, its signature verified; Rejected otherwise."""
    if not isinstance(document, dict) or not isinstance(document.get("receipt"), dict):
        raise Rejected("malformed", _("不是有效的交换回执。"))
    receipt: dict[str, Any] = document["receipt"]
    if receipt.get("receiver") != settings.NODE_CODE:
        raise Rejected("wrong_receiver", _("回执不是发给本节点的。"))
    verify_document(str(receipt.get("sender", "")), receipt, document.get("signature"))
    return receipt
