"""Per-request account security: keeps 我的会话 current, and holds a user at the password change
page (initial or expired password) or at the second-factor pages (enforced 2FA) until done."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from anjian.accounts.otp import has_second_factor, is_verified, requires_second_factor
from anjian.accounts.passwords import must_change_password
from anjian.accounts.services import track_session

SEEN_KEY = "_anjian_seen"
STARTED_KEY = "_anjian_started"  # when this session signed in (the first request after login)
SEEN_EVERY_SECONDS = 60  # 我的会话 shows the last activity to the minute; no write on every request


def mark_seen(request: HttpRequest, user: Any) -> None:
    track_session(request, user)
    request.session[SEEN_KEY] = int(time.time())


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            started = request.session.setdefault(STARTED_KEY, int(time.time()))
            if time.time() - started > settings.SESSION_MAX_HOURS * 3600:
                # Absolute lifetime (MLPS 1.2): even an active session ends and must sign in again.
                auth_logout(request)
                return self.refuse(request, reverse("login"), _("登录已超过最长时限，请重新登录。"))
            if time.time() - request.session.get(SEEN_KEY, 0) >= SEEN_EVERY_SECONDS:
                mark_seen(request, user)
            response = self.hold(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def hold(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        path = request.path_info
        always = [
            settings.STATIC_URL,
            reverse("logout"),
            reverse("set_language"),
            reverse("javascript-catalog"),
            reverse("healthz"),
        ]
        if any(path.startswith(prefix) for prefix in always):
            return None
        password_page = reverse("security:password_change")
        if must_change_password(user):
            if path == password_page:
                return None
            return self.refuse(request, password_page, _("请先修改密码（初始密码或密码已过期）。"))
        if requires_second_factor(user) and not is_verified(user):
            allowed = {reverse("security:two_factor"), reverse("security:otp_verify"), password_page}
            if path in allowed:
                return None
            if has_second_factor(user):
                return self.refuse(request, reverse("security:otp_verify"), _("请先完成二次认证。"))
            return self.refuse(
                request, reverse("security:two_factor"), _("您的账号须启用二次认证后才能继续使用。")
            )
        return None

    @staticmethod
    def refuse(request: HttpRequest, page: str, message: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        return HttpResponseRedirect(f"{page}?{urlencode({'next': request.get_full_path()})}")
