"""Second factor (MLPS level 3, 1.4): TOTP (RFC 6238, HMAC-based, so a cryptographic technique)
through django-otp, with ten single-use backup codes. The QR code is drawn here as SVG: the secret
never leaves the node."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODES = 10
DEVICE_NAME = "default"


def requires_second_factor(user: Any) -> bool:
    """Government users and the three administrators must use a second factor (when enforced)."""
    if not settings.REQUIRE_2FA or not user.is_authenticated:
        return False
    org = user.organization
    return bool(user.holds_admin_role or user.is_superuser or (org is not None and org.is_government))


def is_verified(user: Any) -> bool:
    """Whether this session passed the second factor (django-otp's OTPMiddleware sets this up)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if check is not None else False


def has_second_factor(user: Any) -> bool:
    return bool(user_has_device(user, confirmed=True))


def pending_totp_device(user: Any) -> TOTPDevice:
    """The unconfirmed device of an enrolment in progress (a new secret each time one is started)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_data_uri(text: str) -> str:
    """``text`` as a QR code, an SVG image in a data: URI (no external service, no inline script)."""
    out = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@transaction.atomic
def confirm_enrolment(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a current code; returns the fresh backup codes, or None when the code
    is wrong. Any earlier devices of the user are replaced."""
    if not device.verify_token(code.strip()):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    return new_backup_codes(device.user)


@transaction.atomic
def new_backup_codes(user: Any) -> list[str]:
    """Ten new single-use codes; the earlier ones stop working. Shown once, stored as given by
    django-otp's static device."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def verify_code(user: Any, code: str) -> Any:
    """The confirmed device that accepts ``code``, or None: six digits are a TOTP code, anything
    else a backup code. A TOTP code is accepted once (django-otp keeps the last time step used, so
    a replayed code fails); a backup code is deleted when used."""
    code = code.strip().replace(" ", "").lower()
    if not code:
        return None
    model = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def remove_second_factor(user: Any) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()
