"""Archiving old audit events to a signed file, then pruning them; the chain verifies across it."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.audit import sql
from anjian.audit.chain import ChainBreak, verify
from anjian.audit.events import EventType
from anjian.audit.models import AuditArchive, AuditChainHead, AuditEvent
from anjian.audit.services import record_event
from anjian.core.crypto import digest, mac


class ArchiveError(Exception):
    pass


def _archive_key() -> bytes:
    """The node's archive signing key, generated once into var/ (readable by the owner only)."""
    path = Path(settings.VAR_DIR) / "audit_archive.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def chain_start() -> tuple[str, int]:
    """The hash and id the online chain starts after (the newest archive's last event)."""
    archive = AuditArchive.objects.order_by("-last_id").first()
    return (archive.last_hash, archive.last_id) if archive else ("", 0)


def verify_chain() -> tuple[int, ChainBreak | None]:
    start_hash, start_id = chain_start()
    events = AuditEvent.objects.filter(id__gt=start_id).order_by("id").iterator(chunk_size=2000)
    count, broken = verify(events, start_hash)
    if broken is not None:
        return count, broken
    head = AuditChainHead.objects.filter(pk=1).first()
    last = AuditEvent.objects.order_by("-id").first()
    if head is not None and head.last_id and (last is None or last.hash != head.last_hash):
        return count, ChainBreak(head.last_id, _("链尾事件缺失：最新的事件被删除"))
    return count, None


@dataclass
class ArchiveResult:
    count: int
    path: Path


def sign_manifest(manifest: dict[str, object]) -> str:
    body = json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return mac(_archive_key(), body)


def archive_before(before: datetime, directory: Path) -> ArchiveResult:
    cutoff = timezone.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    if before > cutoff:
        raise ArchiveError(
            _("归档截止时间必须早于 %(days)d 天前（审计日志在线保留期）。")
            % {"days": settings.AUDIT_RETENTION_DAYS}
        )
    _count, broken = verify_chain()
    if broken is not None:
        raise ArchiveError(
            _("审计链校验失败（事件 %(id)s：%(reason)s），拒绝归档。")
            % {"id": broken.event_id, "reason": broken.reason}
        )
    start_hash, start_id = chain_start()
    events = list(AuditEvent.objects.filter(id__gt=start_id, time__lt=before).order_by("id"))
    if not events:
        raise ArchiveError(_("没有早于该时间的审计事件。"))
    directory.mkdir(parents=True, exist_ok=True)
    first, last = events[0], events[-1]
    path = directory / f"audit-{first.id}-{last.id}.jsonl"
    lines = [
        json.dumps(
            {f.name: getattr(e, f.attname) for f in AuditEvent._meta.concrete_fields},
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            sort_keys=True,
        )
        for e in events
    ]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(payload)
    manifest: dict[str, object] = {
        "node": settings.NODE_CODE,
        "suite": settings.CRYPTO_SUITE,
        "first_id": first.id,
        "last_id": last.id,
        "count": len(events),
        "start_hash": start_hash,
        "last_hash": last.hash,
        "file_digest": digest(payload),
        "before": before.isoformat(),
    }
    manifest["signature"] = sign_manifest(manifest)
    path.with_suffix(".manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    with transaction.atomic():
        AuditArchive.objects.create(
            before=before,
            first_id=first.id,
            last_id=last.id,
            count=len(events),
            last_hash=last.hash,
            file_name=str(path),
            file_digest=str(manifest["file_digest"]),
        )
        _prune(first.id, last.id)
        record_event(
            EventType.AUDIT_ARCHIVE,
            details={"first_id": first.id, "last_id": last.id, "count": len(events), "file": path.name},
        )
    return ArchiveResult(len(events), path)


def verify_archive_file(path: Path) -> bool:
    """The archive file matches its signed manifest."""
    manifest = json.loads(path.with_suffix(".manifest.json").read_text(encoding="utf-8"))
    signature = manifest.pop("signature")
    if signature != sign_manifest(manifest):
        return False
    return bool(digest(path.read_bytes(), manifest["suite"]) == manifest["file_digest"])


def _prune(first_id: int, last_id: int) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('anjian.audit_prune', 'on', true)")
            cursor.execute("DELETE FROM audit_auditevent WHERE id BETWEEN %s AND %s", [first_id, last_id])
            cursor.execute("SELECT set_config('anjian.audit_prune', 'off', true)")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_delete")
            cursor.execute("DELETE FROM audit_auditevent WHERE id BETWEEN %s AND %s", [first_id, last_id])
            cursor.execute(sql.SQLITE_NO_DELETE)
