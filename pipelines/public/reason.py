"""Why an input was refused, as text (English, for the command line and logs) that also carries a catalogue key and
its values, so a page can say it in the visitor's language (``staff.err.<key>``). Pure."""

from __future__ import annotations

from typing import Any


class Reason(str):
    key: str
    values: dict[str, Any]

    def __new__(cls, text: str, key: str, **values: Any) -> Reason:
        made = super().__new__(cls, text)
        made.key, made.values = key, values
        return made
