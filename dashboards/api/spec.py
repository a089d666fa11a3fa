"""The API described as data: each endpoint's parameters and response schema. Routes and the OpenAPI document
are both generated from these, so they cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from psycopg_pool import ConnectionPool

from ioc.config import Settings

Kind = Literal["string", "integer", "datetime", "enum"]


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind = "string"
    description: str = ""
    where: Literal["query", "path"] = "query"
    required: bool = False
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None
    pattern: str | None = None

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any]
        if self.kind == "integer":
            out = {"type": "integer"}
            if self.minimum is not None:
                out["minimum"] = self.minimum
            if self.maximum is not None:
                out["maximum"] = self.maximum
        elif self.kind == "datetime":
            out = {"type": "string", "format": "date-time"}
        elif self.kind == "enum":
            out = {"type": "string", "enum": list(self.enum)}
        else:
            out = {"type": "string", "minLength": 1} | ({"pattern": self.pattern} if self.pattern else {})
        if self.default is not None:
            out["default"] = self.default
        return out


Handler = Callable[[ConnectionPool, Settings, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Endpoint:
    path: str                      # Flask rule under /api/v1, e.g. /devices/<device_id>
    name: str
    summary: str
    handler: Handler
    response: dict[str, Any]
    params: tuple[Param, ...] = ()
    errors: tuple[int, ...] = (400,)
    tags: tuple[str, ...] = field(default=("read",))
    permission: str = "read"       # what the caller (API key scope or user role) must hold; policy.RULES agrees
    writes: bool = False           # writes (the personal-data access log): the primary, never the read standby

    @property
    def openapi_path(self) -> str:
        return self.path.replace("<", "{").replace(">", "}")


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return schema | {"nullable": True}


NUM = {"type": "number"}
INT = {"type": "integer"}
STR = {"type": "string"}
TS = {"type": "string", "format": "date-time"}
BOOL = {"type": "boolean"}


def obj(props: dict[str, Any], required: tuple[str, ...] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required if required is not None else props)}


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    return obj({"total": INT, "limit": INT, "offset": INT, "items": {"type": "array", "items": item}})
