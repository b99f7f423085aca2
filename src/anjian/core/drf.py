"""DRF settings hooks (pagination, error format). Kept apart from core/api.py, which imports
DRF's generic views: those read these settings at import time."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class BoundedJSONParser(JSONParser):
    """JSON nested too deep for the decoder is a malformed request (400), not a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON 嵌套层数过多。")) from exc


class Pagination(PageNumberPagination):
    """``{count, next, previous, results}``; ``?page_size=`` up to 1,000."""

    page_size_query_param = "page_size"
    max_page_size = 1000


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Django ``ValidationError`` from models and services becomes a 400 keyed by field name."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=get_error_detail(exc))
    return drf_exception_handler(exc, context)
