"""Per-request context that the write path records (request id), without threading it through calls."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("anjian_request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


def get_request_id() -> str:
    """The id of the HTTP request being served, or '' for CLI and background work."""
    return _request_id.get()


def set_request_id(value: str) -> object:
    return _request_id.set(value)


def reset_request_id(token: object) -> None:
    _request_id.reset(token)  # type: ignore[arg-type]


_token_id: ContextVar[int | None] = ContextVar("anjian_token_id", default=None)


def get_token_id() -> int | None:
    """The id of the API token that authenticated the request being served, if any."""
    return _token_id.get()


def set_token_id(value: int | None) -> object:
    return _token_id.set(value)


def reset_token_id(token: object) -> None:
    _token_id.reset(token)  # type: ignore[arg-type]
