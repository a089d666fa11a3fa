"""Category names in, category code out, pure: a code, the Vietnamese or English name, with or without accents.

Hotline spreadsheets write "Ngập úng", "ngap ung" or "Flooding"; another city's Open311 server says "Street light
out" or "Pothole". :class:`Matcher` accepts the first kinds exactly (after folding case and accents) and the last by
keyword, so an unknown name is refused on import (a person fixes the row) but mapped to ``other`` on pull (the
remote city's category list is not ours to fix).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ioc.textfold import unmarked

# English words other cities' Open311 services use (FixMyStreet, SeeClickFix), by our category.
KEYWORDS: tuple[tuple[str, str], ...] = (
    ("street light", "lighting"), ("streetlight", "lighting"), ("lighting", "lighting"), ("lamp", "lighting"),
    ("pothole", "roads"), ("pavement", "roads"), ("sidewalk", "roads"), ("road", "roads"), ("footway", "roads"),
    ("flood", "flooding"), ("drain", "drainage"), ("sewer", "drainage"), ("gully", "drainage"),
    ("noise", "noise"), ("litter", "environment"), ("rubbish", "environment"), ("trash", "environment"),
    ("garbage", "environment"), ("fly tipping", "environment"),
    ("graffiti", "environment"), ("dumping", "environment"), ("smoke", "environment"), ("air", "environment"),
    ("parking", "traffic"), ("traffic", "traffic"), ("signal", "traffic"), ("abandoned vehicle", "traffic"),
    ("antisocial", "public_order"), ("anti social", "public_order"), ("crowd", "public_order"),
    ("construction", "construction"), ("building", "construction"), ("land", "construction"),
)


def fold(text: str) -> str:
    """Lower case, no accents (đ → d), words separated by single spaces: how names are compared."""
    text = unmarked(text).strip()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.replace("&", " and ")).split())


@dataclass(frozen=True)
class Category:
    code: str
    name_vi: str
    name_en: str
    parent: str | None = None
    department: str | None = None


class Matcher:
    def __init__(self, categories: Iterable[Category]) -> None:
        self.categories = {c.code: c for c in categories}
        self._names: dict[str, str] = {}
        for c in self.categories.values():
            for name in (c.code, c.name_vi, c.name_en):
                self._names[fold(name)] = c.code

    @property
    def codes(self) -> list[str]:
        return list(self.categories)

    def exact(self, text: str) -> str | None:
        """The code named by ``text`` (code, Vietnamese or English name; case and accents ignored), else None."""
        return self._names.get(fold(text))

    def guess(self, *texts: str | None) -> str | None:
        """The code by exact name, else by an English keyword in any of ``texts``; None when nothing matches."""
        for text in texts:
            if text and (found := self.exact(text)):
                return found
        for text in texts:
            folded = f" {fold(text)} " if text else ""
            for word, code in KEYWORDS:
                if code in self.categories and f" {fold(word)}" in folded:
                    return code
        return None
