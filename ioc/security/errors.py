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



class Forbidden(SecurityError):
    """This role may not do that."""
