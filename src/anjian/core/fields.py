"""Field encryption at rest for personal identifiers (MLPS level 3, 4.4): SM4-GCM with the ``gm``
suite, AES-256-GCM with ``intl``. The key lives outside the database (ANJIAN_FIELD_KEY, or a key
file generated into var/). Values are stored as ``<scheme>:<base64(nonce | ciphertext | tag)>``;
reading accepts either scheme, so a node can change suite without re-encrypting at once.
"""

from __future__ import annotations

import base64
import os
import secrets
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

SCHEMES = {"sm4gcm": (algorithms.SM4, 16), "aesgcm": (algorithms.AES, 32)}


@cache
def _master_key() -> bytes:
    if key := os.environ.get("ANJIAN_FIELD_KEY"):
        return bytes.fromhex(key)
    path = Path(settings.VAR_DIR) / "field.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


@cache
def _key(scheme: str) -> bytes:
    _algorithm, length = SCHEMES[scheme]
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=f"anjian-field-{scheme}".encode())
    return hkdf.derive(_master_key())


def encrypt(plaintext: str, scheme: str | None = None) -> str:
    scheme = scheme or ("sm4gcm" if settings.CRYPTO_SUITE == "gm" else "aesgcm")
    algorithm, _length = SCHEMES[scheme]
    nonce = secrets.token_bytes(12)
    encryptor = Cipher(algorithm(_key(scheme)), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    return f"{scheme}:" + base64.b64encode(nonce + body + encryptor.tag).decode("ascii")


def decrypt(stored: str) -> str:
    scheme, sep, data = stored.partition(":")
    if not sep or scheme not in SCHEMES:
        return stored  # written before the field was encrypted; the next save encrypts it
    raw = base64.b64decode(data)
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    algorithm, _length = SCHEMES[scheme]
    decryptor = Cipher(algorithm(_key(scheme)), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")


class EncryptedCharField(models.TextField):  # type: ignore[type-arg]
    """A short text encrypted in the database; cannot be searched or filtered."""

    personal = True  # masked in lists, exports and the change log

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)
        if max_length is not None:
            from django.core.validators import MaxLengthValidator

            self.validators.append(MaxLengthValidator(max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return forms.CharField(
            max_length=self.plain_max_length,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
        )


def mask(value: str | None) -> str:
    """138****5678 for a phone number, 110101********1234 for an ID card number; short values fully."""
    if not value:
        return ""
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) >= 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * len(value)


def encrypt_existing(app_label: str, model_name: str, field_name: str) -> Any:
    """A RunPython operation for the migration that turns a plain field into an encrypted one:
    values written before are read as plain text and saved encrypted."""
    from django.db import migrations

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        for row in model.objects.exclude(**{field_name: ""}).only("pk", field_name).iterator():
            row.save(update_fields=[field_name])

    return migrations.RunPython(forward, migrations.RunPython.noop)
