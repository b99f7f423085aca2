"""SM2 signatures (GB/T 32918.2, with SM3 and the default user id of GB/T 35276), in integer
arithmetic.

gmssl's ``CryptSM2`` computes every field operation on hexadecimal strings and draws the
signature nonce from ``random`` (not a cryptographic generator). The protocol here is the same
and interoperates with it both ways (tests/exchange/test_sm2.py); the point arithmetic uses
Jacobian coordinates, a precomputed table for the base point, the nonce comes from ``secrets``,
and the SM3 digests from OpenSSL (``core.crypto``). One signature or verification then costs a
millisecond or two instead of 15-25.
"""

from __future__ import annotations

import functools
import secrets

from anjian.core.crypto import digest

P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0
DEFAULT_ID = b"1234567812345678"

Affine = tuple[int, int]
Jacobian = tuple[int, int, int]  # Z == 0: the point at infinity
_INFINITY: Jacobian = (1, 1, 0)


def _double(point: Jacobian) -> Jacobian:
    x, y, z = point
    if z == 0 or y == 0:
        return _INFINITY
    delta = z * z % P
    gamma = y * y % P
    beta = x * gamma % P
    alpha = 3 * (x - delta) * (x + delta) % P  # a = -3
    x3 = (alpha * alpha - 8 * beta) % P
    z3 = ((y + z) * (y + z) - gamma - delta) % P
    y3 = (alpha * (4 * beta - x3) - 8 * gamma * gamma) % P
    return x3, y3, z3


def _add_affine(point: Jacobian, other: Affine) -> Jacobian:
    """``point + other`` with ``other`` in affine coordinates (mixed addition)."""
    x1, y1, z1 = point
    x2, y2 = other
    if z1 == 0:
        return x2, y2, 1
    z1z1 = z1 * z1 % P
    u2 = x2 * z1z1 % P
    s2 = y2 * z1 * z1z1 % P
    h = (u2 - x1) % P
    r = 2 * (s2 - y1) % P
    if h == 0:
        return _double(point) if r == 0 else _INFINITY
    hh = h * h % P
    i = 4 * hh % P
    j = h * i % P
    v = x1 * i % P
    x3 = (r * r - j - 2 * v) % P
    y3 = (r * (v - x3) - 2 * y1 * j) % P
    z3 = ((z1 + h) * (z1 + h) - z1z1 - hh) % P
    return x3, y3, z3


def _to_affine(point: Jacobian) -> Affine:
    x, y, z = point
    if z == 0:
        raise ValueError("point at infinity")
    inverse = pow(z, -1, P)
    inverse2 = inverse * inverse % P
    return x * inverse2 % P, y * inverse2 * inverse % P


def _add(point: Jacobian, other: Jacobian) -> Jacobian:
    if other[2] == 0:
        return point
    return _add_affine(point, _to_affine(other))


@functools.lru_cache(maxsize=32)
def _table(point: Affine) -> tuple[tuple[Affine, ...], ...]:
    """``table[i][j] = j * 16**i * point``: a scalar multiple is then 64 additions, no doublings.
    Kept for the base point and for the few peer keys this node verifies again and again."""
    table = []
    base: Jacobian = (point[0], point[1], 1)
    for _ in range(64):
        row: list[Affine] = [(0, 0)]
        acc: Jacobian = _INFINITY
        affine = _to_affine(base)
        for _j in range(1, 16):
            acc = _add_affine(acc, affine)
            row.append(_to_affine(acc))
        table.append(tuple(row))
        for _k in range(4):
            base = _double(base)
    return tuple(table)


def _mul_fixed(k: int, point: Affine) -> Jacobian:
    table = _table(point)
    acc = _INFINITY
    for i in range(64):
        nibble = (k >> (4 * i)) & 0xF
        if nibble:
            acc = _add_affine(acc, table[i][nibble])
    return acc


def _mul_base(k: int) -> Jacobian:
    return _mul_fixed(k, (GX, GY))


def on_curve(point: Affine) -> bool:
    x, y = point
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


@functools.lru_cache(maxsize=8)
def public_point(private: int) -> Affine:
    return _to_affine(_mul_base(private))


def _e(public: Affine, message: bytes, user_id: bytes = DEFAULT_ID) -> int:
    """e = SM3(Z_A || M), Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A)."""
    parts = [(len(user_id) * 8).to_bytes(2, "big"), user_id]
    parts += [value.to_bytes(32, "big") for value in (A, B, GX, GY, public[0], public[1])]
    z = bytes.fromhex(digest(b"".join(parts), "gm"))
    return int(digest(z + message, "gm"), 16)


def sign(private: int, message: bytes) -> str:
    """Hex ``r || s`` (64 bytes) of ``message`` with the default user id."""
    if not 1 <= private < N - 1:
        raise ValueError("invalid SM2 private key")
    e = _e(public_point(private), message)
    inverse = pow(1 + private, -1, N)
    while True:
        k = secrets.randbelow(N - 1) + 1
        x1 = _to_affine(_mul_base(k))[0]
        r = (e + x1) % N
        if r == 0 or r + k == N:
            continue
        s = inverse * (k - r * private) % N
        if s != 0:
            return f"{r:064x}{s:064x}"


def verify(public: Affine, message: bytes, signature: str) -> bool:
    if len(signature) != 128 or not on_curve(public):
        return False
    try:
        r, s = int(signature[:64], 16), int(signature[64:], 16)
    except ValueError:
        return False
    if not (1 <= r < N and 1 <= s < N):
        return False
    t = (r + s) % N
    if t == 0:
        return False
    point = _add(_mul_base(s), _mul_fixed(t, public))
    if point[2] == 0:
        return False
    x1 = _to_affine(point)[0]
    return (_e(public, message) + x1) % N == r
