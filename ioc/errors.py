"""One root exception for the IOC; the CLI prints its message as one line, never a traceback.

Each subclass's docstring is its default message. Driver errors are translated at the boundary (``raise … from exc``).
"""

from __future__ import annotations


class IocError(Exception):
    """The operations center hit an error."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())


class ConfigError(IocError):
    """The configuration is invalid."""


class StackError(IocError):
    """The local stack (private PostgreSQL and Mosquitto) could not be managed."""


class DatabaseUnavailable(IocError):
    """The database cannot be reached."""


class MigrationError(IocError):
    """A schema migration failed."""


class ImportDataError(IocError):
    """An import file is unusable."""
