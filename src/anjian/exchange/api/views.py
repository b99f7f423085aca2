"""The resource catalogue: each shared data set, generated from the model declarations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core.registry import SharedModel, shared_models
from anjian.exchange.batches import FORMAT
from anjian.exchange.outbox import is_business_relation


def _field_type(field: models.Field[Any, Any]) -> str:
    if is_business_relation(field):
        return "uid"
    if field.many_to_one:
        assert field.related_model is not None
        assert not isinstance(field.related_model, str)
        return f"ref:{field.related_model._meta.label_lower}"
    return field.get_internal_type()


def describe(shared: SharedModel) -> dict[str, Any]:
    opts = shared.model._meta
    fields = []
    for name in shared.fields:
        field = opts.get_field(name)
        assert isinstance(field, models.Field)
        fields.append(
            {
                "name": name,
                "label": str(field.verbose_name),
                "type": _field_type(field),
                "nullable": bool(field.null),
                "max_length": getattr(field, "plain_max_length", None) or field.max_length,
            }
        )
    owners = (
        shared.model.objects.order_by()
        .values("source_node")
        .annotate(records=Count("pk"))
        .order_by("source_node")
    )
    return {
        "dataset": shared.label,
        "name": str(opts.verbose_name),
        "schema_version": shared.schema_version,
        "format": FORMAT,
        "publisher": settings.NODE_CODE,
        "owner_node": settings.NODE_CODE,
        "owners": {row["source_node"]: row["records"] for row in owners},
        "update_frequency": str(shared.frequency),
        "fields": fields,
    }


class CatalogView(APIView):
    """GET /api/v1/exchange/catalog/: the data sets this node exchanges (资源目录)."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "node": settings.NODE_CODE,
                "role": settings.NODE_ROLE,
                "suite": settings.CRYPTO_SUITE,
                "datasets": [describe(shared) for shared in shared_models()],
            }
        )
