"""Hashing and MACs by crypto suite: SM3 (``gm``, GB/T 32905) or SHA-256 (``intl``)."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes, hmac
from django.conf import settings


def _algorithm(suite: str | None = None) -> hashes.HashAlgorithm:
    return hashes.SM3() if (suite or settings.CRYPTO_SUITE) == "gm" else hashes.SHA256()


def digest(data: bytes, suite: str | None = None) -> str:
    """Hex digest of ``data`` with the node's suite hash."""
    h = hashes.Hash(_algorithm(suite))
    h.update(data)
    return h.finalize().hex()


def mac(key: bytes, data: bytes, suite: str | None = None) -> str:
    """Hex HMAC-SM3 or HMAC-SHA256 of ``data``."""
    h = hmac.HMAC(key, _algorithm(suite))
    h.update(data)
    return h.finalize().hex()
