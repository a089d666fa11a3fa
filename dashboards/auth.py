"""The one authorisation seam of the dashboards and the read API.

For now :func:`require` ALLOWS EVERYTHING: API keys and scopes come in a later issue. Every API route and every
protected page is already wrapped with ``@require(scope)``, so adding the check here protects all of them at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

SCOPES = ("read",)


def require(scope: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator that will check the caller holds ``scope``; today it only validates the scope name."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; expected one of {', '.join(SCOPES)}")

    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        @wraps(func)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            return func(*args, **kwargs)  # no check yet: see the module docstring

        return checked

    return wrap
