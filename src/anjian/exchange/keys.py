"""Node keys and signatures by crypto suite: SM2 with SM3 (``gm``, ``exchange/sm2.py``) or Ed25519
(``intl``, through cryptography). A batch is signed once (its manifest holds the payload hash),
never per record.

Public keys travel as PEM SubjectPublicKeyInfo. An SM2 key is the uncompressed point under the
id-ecPublicKey / SM2 curve identifiers (1.2.840.10045.2.1, 1.2.156.10197.1.301), which OpenSSL and
GmSSL read. Private keys stay in ``VAR_DIR/exchange/<key id>.key``, readable by the owner only.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction

from anjian.core.crypto import digest
from anjian.exchange import sm2

SUITES = ("gm", "intl")
SIGNATURE_ALGORITHMS = {"gm": "SM2-SM3", "intl": "Ed25519"}
HASH_ALGORITHMS = {"gm": "SM3", "intl": "SHA-256"}

# DER of SubjectPublicKeyInfo up to the 64-byte point: SEQUENCE { SEQUENCE { ecPublicKey, SM2 },
# BIT STRING 00 04 }.
_SM2_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200" + "04")
_SM2_PRIVATE_LABEL = "ANJIAN SM2 PRIVATE KEY"


class KeyError_(Exception):
    """A key is missing, unreadable or of the wrong kind (the message says which)."""


def key_dir() -> Path:
    return Path(settings.VAR_DIR) / "exchange"


def _pem(label: str, der: bytes) -> str:
    body = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def _unpem(text: str) -> tuple[str, bytes]:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 3 or not lines[0].startswith("-----BEGIN ") or not lines[-1].startswith("-----END "):
        raise KeyError_("不是 PEM 格式的密钥")
    label = lines[0][len("-----BEGIN ") : -5]
    try:
        return label, base64.b64decode("".join(lines[1:-1]), validate=True)
    except ValueError as e:
        raise KeyError_("PEM 内容不是有效的 Base64") from e


def public_key_suite(pem: str) -> str:
    """``gm`` or ``intl`` for a public key PEM; KeyError_ for anything else."""
    label, der = _unpem(pem)
    if label != "PUBLIC KEY":
        raise KeyError_("应为公钥（PUBLIC KEY）")
    if der.startswith(_SM2_SPKI_PREFIX) and len(der) == len(_SM2_SPKI_PREFIX) + 64:
        return "gm"
    try:
        key = serialization.load_der_public_key(der)
    except ValueError as e:
        raise KeyError_("无法识别的公钥") from e
    if isinstance(key, Ed25519PublicKey):
        return "intl"
    raise KeyError_("公钥应为 SM2 或 Ed25519")


def _raw_public(pem: str) -> bytes:
    _label, der = _unpem(pem)
    if der.startswith(_SM2_SPKI_PREFIX):
        return der[len(_SM2_SPKI_PREFIX) :]
    key = serialization.load_der_public_key(der)
    if not isinstance(key, Ed25519PublicKey):
        raise KeyError_("公钥应为 SM2 或 Ed25519")
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(pem: str) -> str:
    """The key's identifier: the first 16 hex digits of the SM3 digest of the raw public key."""
    return digest(_raw_public(pem), "gm")[:16]


@dataclass(frozen=True)
class KeyPair:
    suite: str
    private: str  # the file content
    public_pem: str

    @property
    def key_id(self) -> str:
        return key_id_of(self.public_pem)


def generate(suite: str) -> KeyPair:
    if suite == "gm":
        d = secrets.randbelow(sm2.N - 2) + 1
        x, y = sm2.public_point(d)
        public_pem = _pem("PUBLIC KEY", _SM2_SPKI_PREFIX + x.to_bytes(32, "big") + y.to_bytes(32, "big"))
        return KeyPair(suite, _pem(_SM2_PRIVATE_LABEL, d.to_bytes(32, "big")), public_pem)
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return KeyPair(suite, private, public.decode("ascii"))


def sign(private: str, suite: str, message: bytes) -> str:
    """Hex signature of ``message`` (SM2 signs the SM3 digest with the default user id)."""
    if suite == "gm":
        label, raw = _unpem(private)
        if label != _SM2_PRIVATE_LABEL:
            raise KeyError_("节点私钥不是 SM2 私钥")
        return sm2.sign(int.from_bytes(raw, "big"), message)
    key = serialization.load_pem_private_key(private.encode("ascii"), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyError_("节点私钥不是 Ed25519 私钥")
    return key.sign(message).hex()


def verify(public_pem: str, suite: str, message: bytes, signature: str) -> bool:
    try:
        if suite == "gm":
            raw = _raw_public(public_pem)
            point = (int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
            return sm2.verify(point, message, signature)
        key = serialization.load_der_public_key(_unpem(public_pem)[1])
        if not isinstance(key, Ed25519PublicKey):
            return False
        key.verify(bytes.fromhex(signature), message)
        return True
    except (InvalidSignature, ValueError, KeyError_, IndexError, TypeError):
        return False


# --- This node's keys ------------------------------------------------------------------------


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(content)
    os.chmod(path, 0o600)


@transaction.atomic
def keygen(*, rotate: bool = False) -> tuple[str, bool]:
    """The node's public key PEM, making a key pair first if there is none (or ``rotate``).
    Returns (PEM, created)."""
    from anjian.exchange.models import NodeKey

    current = NodeKey.objects.select_for_update().filter(active=True, suite=settings.CRYPTO_SUITE).first()
    if current is not None and not rotate and (key_dir() / f"{current.key_id}.key").exists():
        return current.public_key, False
    pair = generate(settings.CRYPTO_SUITE)
    _write_private(key_dir() / f"{pair.key_id}.key", pair.private)
    NodeKey.objects.filter(active=True).update(active=False)  # old public keys stay, for old batches
    NodeKey.objects.create(key_id=pair.key_id, suite=pair.suite, public_key=pair.public_pem, active=True)
    return pair.public_pem, True


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    suite: str
    private: str


def signing_key() -> SigningKey:
    """The node's active key; KeyError_ when ``anjian exchange keygen`` has not been run."""
    from anjian.exchange.models import NodeKey

    key = NodeKey.objects.filter(active=True).first()
    if key is None:
        raise KeyError_("本节点尚未生成交换密钥，请先运行 anjian exchange keygen")
    path = key_dir() / f"{key.key_id}.key"
    try:
        return SigningKey(key.key_id, key.suite, path.read_text(encoding="ascii"))
    except OSError as e:
        raise KeyError_(f"无法读取节点私钥 {path}：{e.strerror}") from e
