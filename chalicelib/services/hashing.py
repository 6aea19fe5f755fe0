"""argon2id for passwords and secret answers (DESIGN.md, security model), with the costs of the configuration."""

import secrets
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from chalicelib import settings


@lru_cache(maxsize=4)
def _hasher(memory_cost: int, time_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(memory_cost=memory_cost, time_cost=time_cost, parallelism=parallelism, type=Type.ID)


def _current() -> PasswordHasher:
    return _hasher(**settings.argon2_parameters())


def hash_secret(secret: str) -> str:
    return _current().hash(secret)


@lru_cache(maxsize=4)
def _dummy_hash(memory_cost: int, time_cost: int, parallelism: int) -> str:
    """A hash of a random secret with the current parameters: verifying against it costs what a real check costs."""
    return _hasher(memory_cost, time_cost, parallelism).hash(secrets.token_urlsafe(32))


def verify_secret(stored_hash: str | None, candidate: str) -> bool:
    """True when ``candidate`` matches; a missing or corrupt hash never matches."""
    if not stored_hash:
        # Do the same work as a real check (one verification) so that timing does not tell an unknown account.
        try:
            _current().verify(_dummy_hash(**settings.argon2_parameters()), candidate)
        except VerificationError:
            pass
        return False
    try:
        return _current().verify(stored_hash, candidate)
    except (VerificationError, InvalidHashError):
        return False
