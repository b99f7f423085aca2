from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from anjian.core.context import (
    new_request_id,
    reset_request_id,
    reset_token_id,
    set_request_id,
    set_token_id,
)


class RequestIdMiddleware:
    """Tags each request with an id (echoed as X-Request-ID) that the change log records, and
    scopes the API token context (set by BearerTokenAuthentication) to this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        token = set_request_id(request_id)
        api_token = set_token_id(None)
        try:
            response = self.get_response(request)
        finally:
            reset_token_id(api_token)
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response
