"""Peppered argon2id password hashing: HMAC-SHA256 with a secret pepper, then argon2id."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from leerid_app.settings import Settings, get_settings

PEPPER_BYTES = 32


def load_or_create_pepper(settings: Settings) -> bytes:
    """The pepper from the environment, else from the pepper file, created 0600 on first use."""
    if settings.pepper is not None:
        value = settings.pepper.get_secret_value().encode()
        if len(value) < 16:
            raise ValueError("LEERID_PEPPER must be at least 16 characters")
        return value
    path: Path = settings.pepper_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two workers starting together cannot both create a different pepper.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(PEPPER_BYTES))
    return path.read_text().strip().encode()


@dataclass(frozen=True)
class PasswordHashing:
    """Hashes and verifies passwords with one pepper and one set of argon2id parameters."""

    pepper: bytes
    hasher: PasswordHasher

    def _peppered(self, password: str) -> str:
        digest = hmac.new(self.pepper, password.encode("utf-8"), hashlib.sha256).digest()
        return base64.b64encode(digest).decode("ascii")

    def hash(self, password: str) -> str:
        """The standard encoded argon2id hash of the peppered password."""
        return self.hasher.hash(self._peppered(password))

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether the password matches; False for a mismatch or a malformed hash."""
        try:
            return self.hasher.verify(password_hash, self._peppered(password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with weaker parameters than the current ones."""
        try:
            return self.hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True


def make_password_hashing(settings: Settings) -> PasswordHashing:
    """A hasher for the given settings."""
    hasher = PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )
    return PasswordHashing(pepper=load_or_create_pepper(settings), hasher=hasher)


@lru_cache(maxsize=1)
def get_password_hashing() -> PasswordHashing:
    """The process-wide hasher."""
    return make_password_hashing(get_settings())
