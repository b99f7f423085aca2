"""Our SM2 interoperates with gmssl's reference implementation in both directions."""

from __future__ import annotations

import secrets

from gmssl import sm2 as gmssl_sm2

from anjian.exchange import sm2


def _gmssl(private: int | None, public: tuple[int, int]) -> gmssl_sm2.CryptSM2:
    return gmssl_sm2.CryptSM2(
        private_key=f"{private:064x}" if private is not None else None,
        public_key=f"{public[0]:064x}{public[1]:064x}",
    )


def test_public_key_matches_gmssl() -> None:
    d = secrets.randbelow(sm2.N - 2) + 1
    reference = _gmssl(d, (0, 0))._kg(d, gmssl_sm2.default_ecc_table["g"])
    x, y = sm2.public_point(d)
    assert f"{x:064x}{y:064x}" == reference
    assert sm2.on_curve((x, y))


def test_signatures_verify_both_ways() -> None:
    for message in (b"", b"manifest", "清单".encode() * 300):
        d = secrets.randbelow(sm2.N - 2) + 1
        public = sm2.public_point(d)
        ours = sm2.sign(d, message)
        assert _gmssl(None, public).verify_with_sm3(ours, message)
        theirs = _gmssl(d, public).sign_with_sm3(message, f"{secrets.randbelow(sm2.N - 1) + 1:064x}")
        assert sm2.verify(public, message, theirs)
        assert sm2.verify(public, message, ours)
        assert not sm2.verify(public, message + b"x", ours)
        assert not sm2.verify(public, message, ours[:64] + f"{(int(ours[64:], 16) + 1) % sm2.N:064x}")


def test_rejects_malformed_signatures_and_points() -> None:
    d = secrets.randbelow(sm2.N - 2) + 1
    public = sm2.public_point(d)
    assert not sm2.verify(public, b"m", "00" * 64)
    assert not sm2.verify(public, b"m", "zz" * 64)
    assert not sm2.verify(public, b"m", "ab")
    assert not sm2.verify((public[0], public[1] + 1), b"m", sm2.sign(d, b"m"))
