"""The model registry: one ``ModelSpec`` per business model gives it list/detail/edit/delete/
import/export pages, an API viewset, a navigation entry and an API root entry.

    register(ModelSpec(model=Enterprise, filterset=EnterpriseFilterSet, table=EnterpriseTable,
                       form=EnterpriseForm, serializer=EnterpriseSerializer, nav_group="industry",
                       save=services.save_enterprise, delete=services.delete_enterprise))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from anjian.core import services
from anjian.core.models import BusinessModel

SaveFn = Callable[..., Any]
DeleteFn = Callable[..., None]


@dataclass
class ModelSpec:
    model: type[BusinessModel]
    filterset: type[Any]
    table: type[Any]
    form: type[Any]
    serializer: type[Any]
    nav_group: str
    save: SaveFn = services.save_object
    delete: DeleteFn = services.delete_object
    # The field that identifies a row in an import file (duplicate rows within a file are refused).
    import_key: str | None = None
    # Columns of the import template, in order (form field names); defaults to the form's fields.
    import_fields: list[str] | None = None
    # The form field that takes the blame when a save would leave the user's scope.
    scope_error_field: str | None = None
    icon: str = "list"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    api_prefix: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name or ""

    @property
    def url_namespace(self) -> str:
        return self.app_label

    @property
    def api_path(self) -> str:
        """The collection's path under /api/v1/: ``enterprises`` for ``Enterprise``."""
        return self.api_prefix or f"{self.model_name}s"

    def perm(self, action: str) -> str:
        return f"{self.app_label}.{action}_{self.model_name}"

    def url_name(self, view: str) -> str:
        return f"{self.url_namespace}:{self.model_name}_{view}"


_registry: dict[type[models.Model], ModelSpec] = {}


def register(spec: ModelSpec) -> ModelSpec:
    if spec.model in _registry:
        raise ValueError(f"{spec.model.__name__} is registered twice")
    _registry[spec.model] = spec
    return spec


def spec_for(model: type[models.Model]) -> ModelSpec:
    return _registry[model]


def all_specs() -> list[ModelSpec]:
    return list(_registry.values())


# --- Shared models (data exchange between nodes, ARCHITECTURE.md section 5) ------------------


@dataclass(frozen=True)
class SharedModel:
    """A model whose records flow to the other nodes: every create/update/delete of a record
    writes an exchange outbox row in the same transaction (``core/services.py``)."""

    model: type[BusinessModel]
    # The fields carried between nodes (field names; a foreign key to another business model is
    # carried as the target's uid, to reference data as its code).
    fields: tuple[str, ...]
    schema_version: int = 1
    # How often the data set changes, for the resource catalogue (a Chinese label).
    frequency: Any = ""

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_shared: dict[type[models.Model], SharedModel] = {}
# Set by the exchange app: ``writer(instance, op)`` appends the outbox row.
OutboxWriter = Callable[[BusinessModel, str], None]
_outbox_writer: list[OutboxWriter] = []


def share(shared: SharedModel) -> SharedModel:
    """Declare a model shared between nodes (see ``SharedModel``)."""
    if shared.model in _shared:
        raise ValueError(f"{shared.model.__name__} is shared twice")
    for name in shared.fields:
        shared.model._meta.get_field(name)  # a typo fails at start-up, not at the first exchange
    _shared[shared.model] = shared
    return shared


def shared_spec(model: type[models.Model]) -> SharedModel | None:
    return _shared.get(model)


def shared_models() -> list[SharedModel]:
    return list(_shared.values())


def set_outbox_writer(writer: OutboxWriter) -> None:
    _outbox_writer[:] = [writer]


def write_outbox(instance: BusinessModel, op: str) -> None:
    """Append the exchange outbox row of a change to a shared model (nothing for other models)."""
    if instance.__class__ in _shared and _outbox_writer:
        _outbox_writer[0](instance, op)
