"""``Authorization: Bearer <token>``: the key is looked up by its SHA-256, never stored in clear."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from anjian.accounts.models import APIToken, hash_token
from anjian.audit.events import EventResult, EventType
from anjian.audit.services import client_ip, record_event
from anjian.core.context import set_token_id


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """API tokens (``anjian token USERNAME``); documented in the OpenAPI schema as ``bearerAuth``."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, APIToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式错误：应为 Authorization: Bearer <令牌>。"))
        try:
            key = header[1].decode()
        except UnicodeDecodeError as e:
            raise exceptions.AuthenticationFailed(_("令牌格式错误。")) from e
        token = APIToken.objects.select_related("user").filter(key_hash=hash_token(key)).first()
        if token is None or not token.is_usable:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已吊销。"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("账号已停用。"))
        # The Django request: reading ``request.user`` on DRF's would re-enter authentication.
        http_request = request._request
        address = client_ip(http_request)
        if not token.allows_address(address):
            record_event(
                EventType.ACCESS_DENIED,
                result=EventResult.DENIED,
                request=http_request,
                user=token.user,
                obj=token,
                details={
                    "token": token.pk,
                    "reason": "token_source_address",
                    "source": address,
                    "path": http_request.path[:300],
                },
            )
            raise exceptions.PermissionDenied(
                _("来源地址 %(address)s 不在该令牌允许的范围内。") % {"address": address or "—"}
            )
        APIToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        set_token_id(token.pk)  # audit events of this request record the token (reset per request)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "anjian.accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <令牌>"}
