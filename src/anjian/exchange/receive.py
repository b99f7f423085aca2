"""Receiving a batch: verify, check the sequence, apply in one transaction, record a receipt.

The apply path is bulk: one transaction per batch, the existing rows looked up by uid in chunks,
one upsert statement per chunk (``INSERT … ON CONFLICT (uid) DO UPDATE``), one change-log insert
per chunk. Received rows keep their sender as ``source_node``, so they are read-only here
(``BusinessModel.is_local``), and their change-log rows name the sender (``exchange:<node>``).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.audit.events import EventResult, EventType
from anjian.audit.models import ChangeAction, ObjectChange
from anjian.audit.services import record_event
from anjian.core.context import get_request_id
from anjian.core.fields import mask
from anjian.core.models import BusinessModel
from anjian.core.registry import SharedModel, shared_models
from anjian.exchange.batches import (
    JSON_ERRORS,
    Batch,
    Rejected,
    open_batch,
    peek,
    sign_receipt,
    utcnow,
)
from anjian.exchange.models import (
    Peer,
    QuarantinedBatch,
    QuarantineStatus,
    Receipt,
    ReceiptStatus,
    ResendRequest,
)
from anjian.exchange.outbox import OPS, is_business_relation, value_field

logger = logging.getLogger(__name__)

CHUNK = 500  # rows per lookup/upsert statement (SQLite's bound-variable limit allows it)


def _after_chunk(done: int) -> None:
    """Called after each applied chunk; tests replace it to simulate a crash in mid-apply."""


def actor_name(sender: str) -> str:
    return f"exchange:{sender}"


def _shared_by_label() -> dict[str, SharedModel]:
    return {shared.label: shared for shared in shared_models()}


def _parse_lines(batch: Batch) -> list[dict[str, Any]]:
    """The payload lines, checked against the manifest: one per sequence number, in order, each
    owned by the sender, of a data set shared here."""
    if batch.payload and not batch.payload.endswith(b"\n"):
        raise Rejected("malformed", _("载荷应以换行结束。"))
    raw = batch.payload.split(b"\n")[:-1]
    if len(raw) != batch.count:
        raise Rejected("bad_sequence", _("载荷行数与清单记录数不符。"))
    known = _shared_by_label()
    records = []
    for offset, line in enumerate(raw):
        try:
            record = json.loads(line)
        except JSON_ERRORS as e:
            raise Rejected("malformed", _("第 %(n)d 行不是有效的 JSON。") % {"n": offset + 1}) from e
        if not isinstance(record, dict) or record.get("seq") != batch.first_seq + offset:
            raise Rejected("bad_sequence", _("第 %(n)d 行的序号不连续。") % {"n": offset + 1})
        if record.get("source_node") != batch.sender:
            raise Rejected(
                "not_owner",
                _("记录 %(uid)s 属于节点 %(owner)s，发送节点 %(node)s 无权发送。")
                % {"uid": record.get("uid"), "owner": record.get("source_node"), "node": batch.sender},
            )
        if record.get("model") not in known:
            raise Rejected(
                "unknown_model", _("本节点不接收数据集 %(model)s。") % {"model": record.get("model")}
            )
        version = record.get("version")
        if (
            record.get("op") not in OPS
            or not isinstance(version, int)
            or isinstance(version, bool)
            or version < 1
            or not isinstance(record.get("data"), dict)
        ):
            raise Rejected("malformed", _("第 %(n)d 行缺少操作、版本或数据。") % {"n": offset + 1})
        try:
            record["uid"] = UUID(str(record.get("uid")))
        except ValueError as e:
            raise Rejected("malformed", _("第 %(n)d 行的全局标识无效。") % {"n": offset + 1}) from e
        records.append(record)
    return records


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    size = CHUNK
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Field classes whose Python value is also the database value on every backend.
_PLAIN_FIELDS = (
    models.CharField,
    models.BooleanField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.FloatField,
)


def _db_converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a Python value becomes the query parameter: None when it already is one."""
    plain = value_field(field)
    if type(plain) in _PLAIN_FIELDS or type(plain) is models.TextField:
        return None
    # The real connection, not the thread-local proxy (looked up once, not once per value).
    return functools.partial(field.get_db_prep_save, connection=connections[DEFAULT_DB_ALIAS])


def _db_prep(field: models.Field[Any, Any], value: Any) -> Any:
    converter = _db_converter(field)
    return value if converter is None or value is None else converter(value)


class _ModelApplier:
    """Applies one data set's lines of a batch with two statements per chunk: an upsert keyed by
    uid and the change-log insert (parameters prepared once per field, no model saves)."""

    def __init__(self, shared: SharedModel, sender: str) -> None:
        self.shared = shared
        self.model: type[BusinessModel] = shared.model
        self.sender = sender
        opts = self.model._meta
        self.fields: list[models.Field[Any, Any]] = []
        for name in shared.fields:
            field = opts.get_field(name)
            assert isinstance(field, models.Field)
            self.fields.append(field)
        self.content_type = ContentType.objects.get_for_model(self.model)
        self.personal = {f.name for f in self.fields if getattr(f, "personal", False)}
        stamp = [opts.get_field(n) for n in ("uid", "source_node", "version", "created_at", "updated_at")]
        self.columns: list[models.Field[Any, Any]] = [f for f in stamp if isinstance(f, models.Field)]
        self.columns += self.fields
        # Fields this node keeps to itself: a new row takes their defaults, an update keeps them.
        taken = {f.name for f in self.columns}
        local = [f for f in opts.concrete_fields if f.name not in taken and not f.primary_key]
        self.columns += local
        self.local = local
        self.local_defaults = [_db_prep(f, f.get_default()) for f in local]
        self.local_per_row = any(callable(f.default) for f in local)  # e.g. a fresh token per row
        self.converters = [_db_converter(f) for f in self.columns]
        # uid converted per row, the stamps once a chunk, the shared fields per value; the local
        # defaults are prepared once.
        shared_count = 5 + len(self.fields)
        self.row_converters = [self.converters[0], None, None, None, None, *self.converters[5:shared_count]]
        self.row_converters += [None] * len(local)
        qn = connection.ops.quote_name
        names = [qn(str(f.column)) for f in self.columns]
        kept = {qn(str(f.column)) for f in local} | {qn("uid"), qn("created_at")}
        updated = [n for n in names if n not in kept]
        table = qn(opts.db_table)
        # The guard repeats the lookup's checks in the statement itself: a row committed meanwhile
        # by another transaction (another sender's apply) is overwritten only if it is the
        # sender's and older; rows left alone are found by the check after the upsert.
        self.upsert_sql = (
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
            f" ON CONFLICT ({qn('uid')}) DO UPDATE SET "
            + ", ".join(f"{n} = EXCLUDED.{n}" for n in updated)
            + f" WHERE {table}.{qn('source_node')} = EXCLUDED.{qn('source_node')}"
            f" AND {table}.{qn('version')} < EXCLUDED.{qn('version')}"
        )
        log_opts = ObjectChange._meta
        log_names = [
            "time",
            "user_name",
            "request_id",
            "action",
            "content_type",
            "object_id",
            "object_uid",
            "object_repr",
            "object_version",
            "before",
            "after",
        ]
        self.log_fields: list[models.Field[Any, Any]] = []
        for name in log_names:
            field = log_opts.get_field(name)
            assert isinstance(field, models.Field)
            self.log_fields.append(field)
        self.log_sql = (
            f"INSERT INTO {qn(log_opts.db_table)} ({', '.join(qn(str(f.column)) for f in self.log_fields)})"
            f" VALUES ({', '.join(['%s'] * len(self.log_fields))})"
        )
        self.log_converters = [_db_converter(f) for f in self.log_fields]

    def _values(self, record: dict[str, Any], refs: dict[str, dict[str, Any]]) -> list[Any]:
        """The shared fields' Python values of ``record``, in ``self.fields`` order."""
        data = record["data"]
        values = []
        for field in self.fields:
            if field.name not in data:
                raise Rejected("schema_mismatch", _("记录缺少共享字段 %(field)s。") % {"field": field.name})
            value = data[field.name]
            try:
                if value is None:
                    pass
                elif is_business_relation(field):
                    value = refs[field.name][str(UUID(str(value)))]
                elif field.many_to_one:
                    value = refs[field.name][value_field(field).to_python(value)]
                else:
                    value = field.to_python(value)
            except KeyError as e:
                raise Rejected(
                    "missing_reference",
                    _("记录 %(uid)s 引用的 %(field)s 在本节点不存在。")
                    % {"uid": record["uid"], "field": field.name},
                ) from e
            except Exception as e:  # to_python raises ValidationError, TypeError…: all mean bad data
                raise Rejected(
                    "malformed",
                    _("记录 %(uid)s 的字段 %(field)s 值无效。") % {"uid": record["uid"], "field": field.name},
                ) from e
            if value is None and not field.null and not is_business_relation(field):
                value = "" if isinstance(field, models.CharField | models.TextField) else value
            values.append(value)
        return values

    def _repr(self, values: list[Any]) -> str:
        """``str()`` of the record without a model save: an unsaved instance with the values."""
        obj = self.model.__new__(self.model)
        obj._state = ModelState()
        for field, value in zip(self.fields, values, strict=True):
            obj.__dict__[field.attname] = value
        try:
            return str(obj)[:200]
        except Exception:  # a __str__ that needs more than the shared fields
            return self.model._meta.verbose_name.__str__()

    def _references(self, records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Per relation field: the referenced keys that exist here (uid → id for business
        records, code → code for reference data such as regions and industries)."""
        refs: dict[str, dict[str, Any]] = {}
        for field in self.fields:
            if not field.many_to_one:
                continue
            target: Any = field.related_model
            if not is_business_relation(field):
                key = value_field(field)
                codes = {
                    key.to_python(r["data"].get(field.name)) for r in records if r["data"].get(field.name)
                }
                existing = target._base_manager.filter(pk__in=codes).values_list("pk", flat=True)
                refs[field.name] = {code: code for code in existing}
                continue
            uids = {str(r["data"].get(field.name)) for r in records if r["data"].get(field.name)}
            found: dict[str, int] = {}
            for part in _chunks(sorted(uids)):
                rows = target.objects.filter(uid__in=part).values_list("uid", "pk")
                found.update((str(u), pk) for u, pk in rows)
            refs[field.name] = found
        return refs

    def apply(self, records: list[dict[str, Any]], done: int) -> int:
        """Apply ``records`` (the latest line per uid); returns the number of rows changed."""
        changed = 0
        for part in _chunks(records):
            existing = {
                uid: (pk, version, owner)
                for uid, pk, version, owner in self.model.objects.filter(
                    uid__in=[r["uid"] for r in part]
                ).values_list("uid", "pk", "version", "source_node")
            }
            refs = self._references(part)
            now = timezone.now()
            upserts: list[tuple[dict[str, Any], list[Any], str]] = []
            deletes: list[tuple[int, dict[str, Any]]] = []
            for record in part:
                current = existing.get(record["uid"])
                if current is not None and current[2] != self.sender:
                    raise Rejected(
                        "not_owner",
                        _("记录 %(uid)s 属于节点 %(owner)s，不能被节点 %(node)s 覆盖。")
                        % {"uid": record["uid"], "owner": current[2], "node": self.sender},
                    )
                if current is not None and current[1] >= record["version"]:
                    continue  # this node already has that version or a newer one
                if record["op"] == "delete":
                    if current is not None:
                        deletes.append((current[0], record))
                    continue
                action = ChangeAction.UPDATE if current is not None else ChangeAction.CREATE
                upserts.append((record, self._values(record, refs), action))
            log: list[tuple[str, int, dict[str, Any], str]] = []  # (action, pk, record, repr)
            if upserts:
                params = []
                stamp = self.converters[3](now) if self.converters[3] else now
                for record, values, _action in upserts:
                    row = [record["uid"], self.sender, record["version"], stamp, stamp, *values]
                    if self.local_per_row:
                        row += [_db_prep(f, f.get_default()) for f in self.local]
                    else:
                        row += self.local_defaults
                    params.append(
                        [
                            v if c is None or v is None else c(v)
                            for c, v in zip(self.row_converters, row, strict=True)
                        ]
                    )
                with connection.cursor() as cursor:
                    cursor.executemany(self.upsert_sql, params)
                log.extend(self._upserted(upserts))
            if deletes:
                # Only the sender's rows: one that changed owner since the lookup stays.
                mine = self.model.objects.filter(
                    pk__in=[pk for pk, _record in deletes], source_node=self.sender
                )
                gone = mine.in_bulk()
                log.extend(
                    (ChangeAction.DELETE, pk, r, str(gone[pk])[:200]) for pk, r in deletes if pk in gone
                )
                mine.delete()
            self._log(log, now)
            changed += len(log)
            _after_chunk(done + changed)
        return changed

    def _upserted(
        self, upserts: list[tuple[dict[str, Any], list[Any], str]]
    ) -> list[tuple[str, int, dict[str, Any], str]]:
        """The change-log entries of the upserts that took effect (the row now holds the sender's
        version). A row another node owns is refused (``not_owner``, the batch rolls back, as when
        the lookup finds it); a row the sender already has in a newer version is left unchanged."""
        rows = {
            uid: (pk, version, owner)
            for uid, pk, version, owner in self.model.objects.filter(
                uid__in=[r["uid"] for r, _v, _a in upserts]
            ).values_list("uid", "pk", "version", "source_node")
        }
        entries = []
        for record, values, action in upserts:
            pk, version, owner = rows[record["uid"]]
            if owner != self.sender:
                raise Rejected(
                    "not_owner",
                    _("记录 %(uid)s 属于节点 %(owner)s，不能被节点 %(node)s 覆盖。")
                    % {"uid": record["uid"], "owner": owner, "node": self.sender},
                )
            if version != record["version"]:
                continue  # a newer version was committed meanwhile: nothing changed here
            entries.append((action, pk, record, self._repr(values)))
        return entries

    def _log(self, entries: list[tuple[str, int, dict[str, Any], str]], now: datetime) -> None:
        """The change-log rows naming the sender (``exchange:<node>``): where each version came from."""
        if not entries:
            return
        actor, request_id = actor_name(self.sender), get_request_id()
        time_converter = self.log_converters[0]
        stamp = time_converter(now) if time_converter else now
        converters = [None, *self.log_converters[1:]]
        params = []
        for action, pk, record, text in entries:
            after = None
            if action != ChangeAction.DELETE:
                after = {
                    k: (mask(str(v)) if k in self.personal and v else v) for k, v in record["data"].items()
                }
            row = [
                stamp,
                actor,
                request_id,
                action,
                self.content_type.pk,
                pk,
                record["uid"],
                text,
                record["version"],
                None,
                after,
            ]
            params.append(
                [v if c is None or v is None else c(v) for c, v in zip(converters, row, strict=True)]
            )
        with connection.cursor() as cursor:
            cursor.executemany(self.log_sql, params)


def _apply(batch: Batch, records: list[dict[str, Any]], skip_through: int) -> int:
    latest: dict[str, dict[UUID, dict[str, Any]]] = {}
    for record in records:
        if record["seq"] <= skip_through:
            continue  # an overlapping batch: the part already applied is skipped
        per_model = latest.setdefault(record["model"], {})
        kept = per_model.get(record["uid"])
        if kept is None or record["version"] >= kept["version"]:
            per_model[record["uid"]] = record
    known = _shared_by_label()
    done = 0
    for label, by_uid in latest.items():
        done += _ModelApplier(known[label], batch.sender).apply(list(by_uid.values()), done)
    return done


def _receipt_document(
    sender: str,
    manifest: dict[str, Any],
    status: str,
    *,
    received_seq: int | None,
    error: str = "",
    message: str = "",
    resend_from: int | None = None,
) -> dict[str, Any]:
    return sign_receipt(
        {
            "type": "receipt",
            "sender": settings.NODE_CODE,
            "receiver": sender,
            "first_seq": manifest.get("first_seq"),
            "last_seq": manifest.get("last_seq"),
            "payload_hash": manifest.get("payload_hash", ""),
            "status": status,
            "received_seq": received_seq,
            "resend_from": resend_from,
            "error": error,
            "message": message,
            "created_at": utcnow(),
        }
    )


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# Refusals before the content is verified as the named sender's (signature and payload hash):
# anyone can cause those, naming any peer. They change no peer's state and leave no receipt row;
# only the start of the content is kept, and only of the latest few such refusals (each one is
# still an audit event).
UNAUTHENTICATED_KEEP = 4 * 1024
UNAUTHENTICATED_RECORDS = 100


def _reject(content: bytes, error: Rejected, manifest: dict[str, Any]) -> dict[str, Any]:
    authenticated = error.authenticated
    sender = str(manifest.get("sender", ""))[:16]
    reason = error.message[:500]
    first, last = _int_or_none(manifest.get("first_seq")), _int_or_none(manifest.get("last_seq"))
    with transaction.atomic():
        QuarantinedBatch.objects.create(
            sender=sender,
            first_seq=first,
            last_seq=last,
            status=QuarantineStatus.REJECTED,
            error=error.code,
            reason=reason,
            content=content if authenticated else content[:UNAUTHENTICATED_KEEP],
            authenticated=authenticated,
        )
        if authenticated:
            Receipt.objects.create(
                sender=sender,
                first_seq=first or 0,
                last_seq=last or 0,
                count=_int_or_none(manifest.get("count")) or 0,
                status=ReceiptStatus.REJECTED,
                error=error.code,
                payload_hash=str(manifest.get("payload_hash", ""))[:64],
            )
            Peer.objects.filter(code=sender).update(last_error=reason, last_error_at=timezone.now())
        else:
            _prune_unauthenticated()
        record_event(
            EventType.EXCHANGE_REJECTED,
            result=EventResult.DENIED,
            username=actor_name(sender),
            details={
                "sender": sender,
                "error": error.code,
                "reason": reason,
                "authenticated": authenticated,
                "first_seq": first,
                "last_seq": last,
            },
        )
    logger.warning("exchange: batch from %s rejected: %s %s", sender, error.code, reason)
    received = None
    if authenticated:
        peer = Peer.objects.filter(code=sender, enabled=True).first()
        received = peer.received_seq if peer is not None else None
    try:
        return _receipt_document(
            sender,
            manifest,
            ReceiptStatus.REJECTED,
            received_seq=received,
            error=error.code,
            message=reason,
        )
    except Exception:  # no key here yet: the rejection is recorded, the receipt goes unsigned
        return {"receipt": {"status": ReceiptStatus.REJECTED, "error": error.code, "message": reason}}


def _prune_unauthenticated() -> None:
    """Keep only the latest UNAUTHENTICATED_RECORDS unauthenticated refusals."""
    stale = (
        QuarantinedBatch.objects.filter(authenticated=False)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)[UNAUTHENTICATED_RECORDS:]
    )
    ids = list(stale)
    if ids:
        QuarantinedBatch.objects.filter(id__in=ids).delete()


def receive(content: bytes) -> dict[str, Any]:
    """Verify and apply one batch; the signed receipt. Never raises for a bad batch (it is
    quarantined with its reason); an unexpected error (a crash) rolls the whole batch back."""
    try:
        batch = open_batch(content)
    except Rejected as e:
        return _reject(content, e, peek(content))
    try:
        receipt = _receive_verified(batch, _parse_lines(batch), content)
    except Rejected as e:
        e.authenticated = True  # the whole batch is the sender's (signature and payload hash)
        return _reject(content, e, batch.manifest)
    except IntegrityError as e:
        logger.warning("exchange: batch from %s conflicts: %s", batch.sender, e)
        conflict = Rejected("conflict", _("与本节点已有数据冲突（唯一性或引用约束）。"), authenticated=True)
        return _reject(content, conflict, batch.manifest)
    if receipt["receipt"]["status"] == ReceiptStatus.APPLIED and _release_held(batch.sender):
        # The held batches this one released are acknowledged in the same receipt.
        received = Peer.objects.get(pk=batch.peer.pk).received_seq
        receipt = _receipt_document(
            batch.sender, batch.manifest, ReceiptStatus.APPLIED, received_seq=received
        )
    return receipt


def _receive_verified(batch: Batch, records: list[dict[str, Any]], content: bytes) -> dict[str, Any]:
    with transaction.atomic():
        peer = Peer.objects.select_for_update().get(pk=batch.peer.pk)
        received = peer.received_seq
        base = {"sender": batch.sender, "first_seq": batch.first_seq, "last_seq": batch.last_seq}
        base |= {"count": batch.count, "payload_hash": batch.manifest["payload_hash"]}
        if batch.last_seq <= received:
            Receipt.objects.create(**base, status=ReceiptStatus.DUPLICATE)
            return _receipt_document(
                batch.sender, batch.manifest, ReceiptStatus.DUPLICATE, received_seq=received
            )
        if batch.first_seq > received + 1:
            return _hold(peer, batch, content, base)
        applied = _apply(batch, records, received)
        peer.received_seq = batch.last_seq
        peer.last_contact_at = timezone.now()
        peer.save(update_fields=["received_seq", "last_contact_at"])
        ResendRequest.objects.filter(peer=peer, filled_at=None, from_seq__lte=peer.received_seq).update(
            filled_at=timezone.now()
        )
        Receipt.objects.create(**base, applied=applied, status=ReceiptStatus.APPLIED)
        return _receipt_document(
            batch.sender, batch.manifest, ReceiptStatus.APPLIED, received_seq=peer.received_seq
        )


def _hold(peer: Peer, batch: Batch, content: bytes, base: dict[str, Any]) -> dict[str, Any]:
    """A gap before this batch: keep it until the gap is filled, and ask for a resend."""
    resend_from = peer.received_seq + 1
    already = QuarantinedBatch.objects.filter(
        sender=batch.sender, status=QuarantineStatus.HELD, first_seq=batch.first_seq, last_seq=batch.last_seq
    ).exists()
    if not already:
        QuarantinedBatch.objects.create(
            sender=batch.sender,
            first_seq=batch.first_seq,
            last_seq=batch.last_seq,
            status=QuarantineStatus.HELD,
            error="gap",
            reason=_("缺少序号 %(start)d–%(end)d 的数据，已请求补发。")
            % {"start": resend_from, "end": batch.first_seq - 1},
            content=content,
        )
    if not ResendRequest.objects.filter(peer=peer, filled_at=None, from_seq=resend_from).exists():
        ResendRequest.objects.create(peer=peer, from_seq=resend_from)
    Receipt.objects.create(**base, status=ReceiptStatus.HELD, error="gap")
    return _receipt_document(
        batch.sender,
        batch.manifest,
        ReceiptStatus.HELD,
        received_seq=peer.received_seq,
        error="gap",
        resend_from=resend_from,
    )


def _release_held(sender: str) -> bool:
    """Apply the held batches the last apply made contiguous; drop those now duplicates.
    Whether any was released.

    Each held batch is applied and marked released in one transaction: if its apply fails
    unexpectedly it stays held (and the sender, acknowledged only up to what was applied, sends
    that part again); if it is refused, it is marked rejected with the reason. Neither fails the
    batch already applied, whose receipt is still returned."""
    released = False
    while True:
        received = Peer.objects.filter(code=sender).values_list("received_seq", flat=True).first() or 0
        held = (
            QuarantinedBatch.objects.filter(
                sender=sender, status=QuarantineStatus.HELD, first_seq__lte=received + 1
            )
            .order_by("first_seq")
            .first()
        )
        if held is None:
            return released
        try:
            released = _release(held) or released
        except Rejected as e:
            _reject_held(held, e)
        except IntegrityError as e:
            logger.warning("exchange: held batch from %s conflicts: %s", sender, e)
            _reject_held(held, Rejected("conflict", _("与本节点已有数据冲突（唯一性或引用约束）。")))
        except Exception:
            logger.exception("exchange: held batch %s from %s not released", held.pk, sender)
            return released


def _release(held: QuarantinedBatch) -> bool:
    """Apply one held batch (if it adds anything) and mark it released, in one transaction;
    whether this call released it (False when another receive already had)."""
    with transaction.atomic():
        peer = Peer.objects.select_for_update().filter(code=held.sender).first()
        current = QuarantinedBatch.objects.select_for_update().filter(pk=held.pk).first()
        if peer is None:
            raise Rejected(
                "unknown_peer", _("发送节点 %(node)s 不是已登记的交换对端。") % {"node": held.sender}
            )
        if current is None or current.status != QuarantineStatus.HELD:
            return False
        content = bytes(current.content)
        if (current.last_seq or 0) > peer.received_seq:
            batch = open_batch(content)  # verified again: the peer's keys may have changed
            _receive_verified(batch, _parse_lines(batch), content)
        current.status = QuarantineStatus.RELEASED
        current.save(update_fields=["status"])
    return True


def _reject_held(held: QuarantinedBatch, error: Rejected) -> None:
    """A held batch refused when its turn came: rejected in place, with its reason."""
    reason = error.message[:500]
    with transaction.atomic():
        QuarantinedBatch.objects.filter(pk=held.pk, status=QuarantineStatus.HELD).update(
            status=QuarantineStatus.REJECTED, error=error.code, reason=reason
        )
        Receipt.objects.create(
            sender=held.sender,
            first_seq=held.first_seq or 0,
            last_seq=held.last_seq or 0,
            count=max((held.last_seq or 0) - (held.first_seq or 0) + 1, 0),
            status=ReceiptStatus.REJECTED,
            error=error.code,
            payload_hash=str(peek(bytes(held.content)).get("payload_hash", ""))[:64],
        )
        Peer.objects.filter(code=held.sender).update(last_error=reason, last_error_at=timezone.now())
        record_event(
            EventType.EXCHANGE_REJECTED,
            result=EventResult.DENIED,
            username=actor_name(held.sender),
            details={
                "sender": held.sender,
                "error": error.code,
                "reason": reason,
                "authenticated": True,
                "first_seq": held.first_seq,
                "last_seq": held.last_seq,
            },
        )
    logger.warning("exchange: held batch from %s rejected: %s %s", held.sender, error.code, reason)
