"""Who is asking: a signed-in user, a kiosk (wall screen token) or an API client. Pure value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["user", "kiosk", "api_key"]


@dataclass(frozen=True)
class Principal:
    kind: Kind
    name: str                       # user name, or the key's name
    role: str                       # a user's role; "kiosk" or "api" for tokens
    permissions: frozenset[str]
    must_change_password: bool = False
    user_id: int | None = None
    key_id: int | None = None
    session_id: int | None = None   # set when the request came with a session cookie
    csrf_token: str | None = None   # the session's CSRF token

    def may(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def actor(self) -> str:
        """How logs name this caller: ``alice``, ``kiosk:Lobby wall``, ``key:open311-zalo``."""
        return self.name if self.kind == "user" else f"{'kiosk' if self.kind == 'kiosk' else 'key'}:{self.name}"
