"""The kernel's write path. Domain ``services.py`` verbs call these; views, API, imports and CLI
call the domain verbs. Each write validates, saves, re-checks the data scope, and appends the
change log, all in one transaction."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext as _

from anjian.audit.models import ChangeAction, ObjectChange
from anjian.core.context import get_request_id
from anjian.core.fields import mask
from anjian.core.models import BusinessModel
from anjian.core.scope import scope_for

M = TypeVar("M", bound=BusinessModel)

_AUDIT_FIELDS = {"created_at", "updated_at", "created_by", "updated_by", "version"}


class OutOfScope(ValidationError):
    """The record would end up outside the acting user's data scope."""


def snapshot(instance: BusinessModel) -> dict[str, Any]:
    """The record's field values as plain JSON data (for the change log)."""
    data = serializers.serialize("python", [instance])[0]["fields"]
    data = {k: v for k, v in data.items() if k not in _AUDIT_FIELDS}
    for field in instance._meta.concrete_fields:
        if getattr(field, "personal", False) and data.get(field.name):
            data[field.name] = mask(str(data[field.name]))  # no personal identifiers in the change log
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


def _check_writable(instance: BusinessModel) -> None:
    if not instance.is_local:
        raise PermissionDenied(
            _("该记录来自节点 %(node)s，本节点只读，不能修改。") % {"node": instance.source_node}
        )


def _log(user: Any, action: str, instance: BusinessModel, before: Any, after: Any) -> None:
    ObjectChange.objects.create(
        user=user if getattr(user, "pk", None) else None,
        user_name=getattr(user, "username", "") or "",
        request_id=get_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=instance.pk,
        object_uid=instance.uid,
        object_repr=str(instance)[:200],
        object_version=instance.version,
        before=before,
        after=after,
    )


def jurisdiction_fields(model: type[BusinessModel]) -> list[str]:
    """The fields that place a record in a jurisdiction: the first step of each scope path."""
    paths = (model.scope_region, model.scope_sector, model.scope_enterprise)
    names = {path.split("__")[0].removesuffix("_id") for path in paths if path}
    return sorted(name for name in names if name not in ("id", "pk"))


def _check_jurisdiction_kept(current: BusinessModel, instance: BusinessModel, user: Any) -> None:
    """An enterprise (or anyone whose scope is one enterprise) cannot move its own record to
    another region, sector or enterprise: that would take it out of its regulator's reach."""
    if user is None or scope_for(user).enterprise_id is None:
        return
    fields = {name: instance._meta.get_field(name) for name in jurisdiction_fields(type(instance))}
    attnames = {name: getattr(field, "attname", name) for name, field in fields.items()}
    changed = [name for name, att in attnames.items() if getattr(current, att) != getattr(instance, att)]
    if changed:
        message = _("企业用户不能更改记录的所在区域、监管行业或所属企业；如需更正，请联系属地监管部门。")
        raise ValidationError({name: [message] for name in changed})


def _outbox(instance: BusinessModel, op: str) -> None:
    """The exchange outbox row of a change to a shared model, in the change's transaction."""
    from anjian.core.registry import write_outbox  # the registry imports this module

    write_outbox(instance, op)


@transaction.atomic
def save_object(instance: M, *, user: Any, scope_error_field: str | None = None) -> M:
    """Create or update ``instance`` as ``user``.

    Runs the model's validation, stamps uid/source node/version/audit fields, saves, then
    re-reads the row through the user's scope; a row the user could not see after the save is
    rolled back (a user cannot move a record out of their reach). ``scope_error_field`` names
    the form field to blame for that (``region`` for an enterprise).
    """
    model = type(instance)
    creating = instance._state.adding
    acting = user if getattr(user, "pk", None) else None
    before = None
    if creating:
        instance.source_node = settings.NODE_CODE
        instance.created_by = acting
    else:
        _check_writable(instance)
        current = model.objects.select_for_update().get(pk=instance.pk)
        before = snapshot(current)
        instance.version = current.version
        _check_jurisdiction_kept(current, instance, user)
    instance.full_clean()
    after = snapshot(instance)
    if before == after:
        return instance  # nothing changed: no new version, no change-log row
    instance.version += 1
    instance.updated_by = acting
    instance.save()
    if user is not None and not model.objects.visible_to(user).filter(pk=instance.pk).exists():
        message = _("保存后的记录不在您的管辖范围内，未保存。")
        raise OutOfScope({scope_error_field: [message]} if scope_error_field else message)
    _log(user, ChangeAction.CREATE if creating else ChangeAction.UPDATE, instance, before, after)
    _outbox(instance, "upsert")  # same transaction: a rollback leaves no outbox row
    return instance


@transaction.atomic
def delete_object(instance: BusinessModel, *, user: Any) -> None:
    _check_writable(instance)
    before = snapshot(instance)
    _log(user, ChangeAction.DELETE, instance, before, None)
    _outbox(instance, "delete")
    instance.delete()
