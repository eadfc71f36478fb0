"""Sealing at rest: round trip, tamper detection, wrong key, key separation by purpose."""

from __future__ import annotations

import pytest

from leerid_app.services.sealing import STATE_AT_REST, SealBroken, Sealer, derive_key, sealer

PEPPER = b"a-pepper-of-at-least-sixteen-bytes"
SECRET = b"Wachtwoord: Qxu7Benc"


def test_a_sealed_value_opens_to_what_was_sealed_and_shows_none_of_it() -> None:
    box = Sealer(PEPPER, "test")
    sealed = box.seal(SECRET)
    assert box.open(sealed) == SECRET
    assert SECRET not in sealed and b"Qxu7Benc" not in sealed
    # A fresh nonce every time: equal secrets do not look equal at rest.
    assert box.seal(SECRET) != sealed
    assert box.open(box.seal(b"")) == b""


@pytest.mark.parametrize("position", [0, 1, 12, 13, -1])
def test_any_changed_byte_is_refused(position: int) -> None:
    box = Sealer(PEPPER, "test")
    sealed = bytearray(box.seal(SECRET))
    sealed[position] ^= 0x01
    with pytest.raises(SealBroken):
        box.open(bytes(sealed))


@pytest.mark.parametrize("broken", [b"", b"\x01", b"\x01" + b"x" * 27, "text", None])
def test_cut_short_or_foreign_input_is_refused(broken: object) -> None:
    with pytest.raises(SealBroken):
        Sealer(PEPPER, "test").open(broken)  # type: ignore[arg-type]


def test_another_pepper_cannot_open_it() -> None:
    sealed = Sealer(PEPPER, "test").seal(SECRET)
    with pytest.raises(SealBroken):
        Sealer(b"another-pepper-of-sixteen-bytes!", "test").open(sealed)


def test_keys_are_separated_by_purpose() -> None:
    assert derive_key(PEPPER, "one") != derive_key(PEPPER, "two")
    assert derive_key(PEPPER, "one") == derive_key(PEPPER, "one")
    assert len(derive_key(PEPPER, "one")) == 32
    # The key is derived, never the pepper itself.
    assert PEPPER not in derive_key(PEPPER, "one")
    sealed = Sealer(PEPPER, "one").seal(SECRET)
    with pytest.raises(SealBroken):
        Sealer(PEPPER, "two").open(sealed)
    with pytest.raises(ValueError):
        derive_key(PEPPER, "")


def test_the_app_sealer_uses_the_configured_pepper() -> None:
    assert sealer(STATE_AT_REST) is sealer(STATE_AT_REST)
    assert sealer(STATE_AT_REST).open(sealer(STATE_AT_REST).seal(SECRET)) == SECRET
    with pytest.raises(SealBroken):
        Sealer(PEPPER, STATE_AT_REST).open(sealer(STATE_AT_REST).seal(SECRET))
