"""Secrets sealed at rest: AES-GCM under keys derived from the pepper, one key per purpose."""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from leerid_app.services.hashing import get_password_hashing

# What Reflex pickles into its state store (Redis with several workers, or disk).
STATE_AT_REST = "reflex-state-at-rest"

_FORMAT = b"\x01"  # the layout below; another one can follow without breaking old data
_NONCE_BYTES = 12
_TAG_BYTES = 16
# Fixed and public: HKDF's salt only separates this application's keys from others'.
_SALT = b"leerid-schoolloket-sealing"


class SealBroken(Exception):
    """A sealed value was changed, cut short, or sealed under another key or purpose."""


def derive_key(pepper: bytes, purpose: str) -> bytes:
    """The 256-bit key of one purpose; keys of different purposes are independent."""
    if not purpose:
        raise ValueError("a sealing purpose is required")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose.encode()).derive(
        pepper
    )


class Sealer:
    """Seals and opens bytes for one purpose (AES-256-GCM, a random nonce per seal)."""

    def __init__(self, pepper: bytes, purpose: str) -> None:
        self.purpose = purpose
        self._aead = AESGCM(derive_key(pepper, purpose))
        # The purpose is authenticated too: a value sealed for one use never opens in another.
        self._associated = purpose.encode()

    def seal(self, data: bytes) -> bytes:
        """``format || nonce || ciphertext+tag``; the same data seals differently every time."""
        nonce = os.urandom(_NONCE_BYTES)
        return _FORMAT + nonce + self._aead.encrypt(nonce, data, self._associated)

    def open(self, sealed: bytes) -> bytes:
        """The data that was sealed; SealBroken for anything else."""
        if (
            not isinstance(sealed, bytes | bytearray)
            or len(sealed) < 1 + _NONCE_BYTES + _TAG_BYTES
            or sealed[:1] != _FORMAT
        ):
            raise SealBroken("not a sealed value")
        nonce, body = sealed[1 : 1 + _NONCE_BYTES], sealed[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, bytes(body), self._associated)
        except InvalidTag:
            raise SealBroken("sealed value does not open") from None


@lru_cache(maxsize=8)
def sealer(purpose: str) -> Sealer:
    """The process-wide sealer of a purpose, keyed by the app's pepper (same in every worker)."""
    return Sealer(get_password_hashing().pepper, purpose)
