"""Secrets kept at rest (a mailbox's app password, a calendar's secret address), encrypted with
Fernet under the keys of settings.CAPTURE_ENCRYPTION_KEYS: the first key encrypts, every key
decrypts (MultiFernet), so a key is rotated by putting a new one first, running
`manage.py rotate_capture_keys` (which re-encrypts every secret under it), then dropping the
old one."""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnreadable(Exception):
    """No configured key opens this secret: the key that wrote it was removed too early."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("CAPTURE_ENCRYPTION_KEYS must hold at least one key.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "Each CAPTURE_ENCRYPTION_KEYS key must be 32 url-safe base64-encoded bytes "
            "(make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')."
        ) from error


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.CAPTURE_ENCRYPTION_KEYS))


def secret_seal(plain: str) -> str:
    return fernet().encrypt(plain.encode()).decode() if plain else ""


def secret_open(sealed: str) -> str:
    if not sealed:
        return ""
    try:
        return fernet().decrypt(sealed.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable(
            "The saved password or address cannot be decrypted with the server's keys: "
            "enter it again."
        ) from error


def secret_rotate(sealed: str) -> str:
    """The same secret under the first key (raises `SecretUnreadable` if no key opens it)."""
    if not sealed:
        return ""
    try:
        return fernet().rotate(sealed.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable("No configured key opens this secret.") from error
