"""Sign-in (password, then the second factor for users who have one) and the user's own security
pages: password change, 我的会话, 我的令牌, 二次认证."""

from __future__ import annotations

import time
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from anjian.accounts import lockout, otp
from anjian.accounts.forms import EnrolForm, LoginForm, OTPForm, StyledPasswordChangeForm
from anjian.accounts.models import APIToken, User, UserSession
from anjian.accounts.passwords import password_expired
from anjian.accounts.services import live_sessions, revoke_session, revoke_token
from anjian.audit.events import EventResult, EventType
from anjian.audit.services import record_event

PENDING_KEY = "_anjian_pending_login"
PENDING_SECONDS = 300  # the second factor must follow the password within five minutes


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not otp.has_second_factor(user):
            return super().form_valid(form)
        # The password was right; the session is signed in only after the second factor.
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
        }
        query = urlencode({"next": self.get_success_url()})
        return HttpResponseRedirect(f"{reverse('security:otp_verify')}?{query}")


def _pending_user(request: HttpRequest) -> tuple[Any, str] | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending["backend"]) if user is not None else None


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in, or a step-up for a signed-in session not yet verified."""
    if request.user.is_authenticated:
        if otp.is_verified(request.user) or not otp.has_second_factor(request.user):
            return redirect(_next_url(request))
        user, backend = request.user, request.session.get(BACKEND_SESSION_KEY, "")
    else:
        pending = _pending_user(request)
        if pending is None:
            messages.info(request, _("请重新登录。"))
            return redirect(settings.LOGIN_URL)
        user, backend = pending
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lock = lockout.current_lock(user.username, request)
        if lock is not None:
            form.add_error(None, lock.message)
        elif (device := otp.verify_code(user, form.cleaned_data["code"])) is not None:
            if not request.user.is_authenticated:
                request.session.pop(PENDING_KEY, None)
                auth_login(request, user, backend=backend)
                lockout.clear_account(user.username)
            otp_login(request, device)
            return redirect(_next_url(request))
        else:
            record_event(EventType.OTP_FAILED, result=EventResult.FAILURE, request=request, user=user)
            lock = lockout.register_failure(user.username, request)
            form.add_error("code", lock.message if lock else _("验证码错误、已过期或已使用过。"))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = StyledPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["forced"] = user.must_change_password  # type: ignore[union-attr]
        context["user_password_expired"] = password_expired(user)
        context["policy"] = password_validators_help_texts()
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
        record_event(EventType.PASSWORD_CHANGE, request=self.request, user=user)
        messages.success(self.request, _("密码已修改。"))
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        if form.has_error("old_password"):
            record_event(
                EventType.PASSWORD_CHANGE,
                result=EventResult.FAILURE,
                request=self.request,
                details={"reason": "old_password"},
            )
        return super().form_invalid(form)


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = live_sessions(request.user)
    return render(
        request,
        "accounts/sessions.html",
        {
            "sessions": sessions,
            "current_key": request.session.session_key,
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        },
    )


@login_required
@require_POST
def session_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    if session.session_key == request.session.session_key:
        messages.error(request, _("不能在此结束当前会话，请使用“退出”。"))
    else:
        revoke_session(session, request=request)
        messages.success(request, _("会话已结束。"))
    return redirect("security:sessions")


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = APIToken.objects.filter(user=cast(User, request.user))
    return render(request, "accounts/tokens.html", {"tokens": tokens})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(APIToken, pk=pk, user=request.user)
    if revoke_token(token, request=request):
        messages.success(request, _("令牌 %(prefix)s… 已吊销。") % {"prefix": token.prefix})
    return redirect("security:tokens")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrolment (QR code and secret, confirmed with a code), then the status page."""
    user = request.user
    if otp.has_second_factor(user):
        return render(
            request,
            "accounts/two_factor.html",
            {
                "enrolled": True,
                "required": otp.requires_second_factor(user),
                "form": OTPForm(),
            },
        )
    device = otp.pending_totp_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp.confirm_enrolment(device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            messages.success(request, _("二次认证已启用。"))
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next": _next_url(request)})
        record_event(
            EventType.OTP_FAILED,
            result=EventResult.FAILURE,
            request=request,
            details={"step": "enrol"},
        )
        form.add_error("code", _("验证码不正确，请核对手机时间后重试。"))
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enrolled": False,
            "form": form,
            "qr": otp.qr_data_uri(device.config_url),
            "secret": otp.secret_base32(device),
            "next": _next_url(request),
        },
    )


@login_required
@require_POST
def two_factor_manage(request: HttpRequest, action: str) -> HttpResponse:
    """Renew the backup codes or turn the second factor off; both need a current code."""
    user = request.user
    form = OTPForm(request.POST)
    device = otp.verify_code(user, form.data.get("code", "")) if form.is_valid() else None
    if device is None:
        record_event(
            EventType.OTP_FAILED, result=EventResult.FAILURE, request=request, details={"step": action}
        )
        messages.error(request, _("验证码错误、已过期或已使用过。"))
        return redirect("security:two_factor")
    if action == "backup-codes":
        return render(request, "accounts/backup_codes.html", {"codes": otp.new_backup_codes(user)})
    if otp.requires_second_factor(user):
        messages.error(request, _("您的账号必须使用二次认证，不能停用。"))
        return redirect("security:two_factor")
    otp.remove_second_factor(user)
    messages.success(request, _("二次认证已停用。"))
    return redirect("security:two_factor")
