"""Security errors: narrow subclasses of the one root :class:`~ioc.errors.IocError`; the docstring is the message."""

from __future__ import annotations

from ioc.errors import IocError


class SecurityError(IocError):
    """The request was refused."""


class InvalidInput(SecurityError):
    """A name, role, scope or password is not acceptable."""


class NotFound(SecurityError):
    """No such user, key or device."""


class AuthenticationFailed(SecurityError):
    """Wrong user name or password."""


class RateLimited(SecurityError):
    """Too many failed logins; try again later."""

    def __init__(self, message: str | None = None, retry_after_s: int = 60) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Forbidden(SecurityError):
    """This role may not do that."""
