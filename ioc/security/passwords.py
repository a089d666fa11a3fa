"""Passwords: argon2id hashes (argon2-cffi's RFC 9106 low-memory profile), the rules for a new password, and
one-time passwords an admin hands over.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ioc.security.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 256          # argon2 hashes any length; a bound keeps a login request from costing more than one
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"   # no 0/o, 1/l/i: read aloud or typed from paper


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(stored: str, password: str) -> bool:
    """True when ``password`` matches ``stored``; a malformed hash is a mismatch, never an error."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher().check_needs_rehash(stored)


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def burn_time(password: str) -> None:
    """Spend what a real verification costs, so an unknown user name answers as slowly as a known one."""
    verify(_dummy_hash(), password)


def check_new(password: str, username: str) -> str:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"a password has at most {MAX_LENGTH} characters")
    if password.strip().lower() == username.lower() or len(set(password)) < 4:
        raise InvalidInput("that password is too easy to guess")
    return password


def one_time_password() -> str:
    """Four groups of five characters (about 99 bits), e.g. ``k3mzq-…``: to be changed at first login."""
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(4)]
    return "-".join(groups)
