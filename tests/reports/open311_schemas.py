"""Validators for the Open311 GeoReport v2 schemas (tests/fixtures/open311/, relative ``$ref`` resolved)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.reports.helpers import SCHEMAS

NAMES = ("request.json", "requests.json", "service.json", "services.json", "service-definition.json")


def _registry() -> Registry:
    return Registry().with_resources(
        (name, Resource.from_contents(json.loads((SCHEMAS / name).read_text(encoding="utf-8")),
                                      default_specification=DRAFT202012)) for name in NAMES)


def validate(name: str, document: Any) -> None:
    """Raise :class:`jsonschema.ValidationError` when ``document`` does not follow the schema ``name``."""
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator(schema, registry=_registry()).validate(document)
    for item in document if isinstance(document, list) else [document]:
        for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
            if isinstance(item, dict) and item.get(key) is not None:
                assert datetime.fromisoformat(item[key]).utcoffset() is not None, f"{key} lacks an offset"


def validate_errors(document: Any) -> None:
    """The standard's error format: a list of {code, description}."""
    Draft202012Validator({"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}}).validate(document)


def request_response_schema() -> dict[str, Any]:
    """The POST answer: the swagger file's RequestResponse, each property a string."""
    swagger = json.loads((SCHEMAS / "swagger.json").read_text(encoding="utf-8"))
    item = swagger["definitions"]["RequestResponse"]
    return {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["service_request_id"],
            "additionalProperties": False,
            "properties": {k: {"type": v["type"]} for k, v in item["properties"].items()}}}
