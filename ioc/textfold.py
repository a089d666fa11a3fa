"""Vietnamese text compared without its marks: one rule for every place that matches names typed by people
(export headers, category names, support-point kinds), so "Đã trả", "đa tra" and "DA TRA" meet."""

from __future__ import annotations

import unicodedata


def unmarked(text: object) -> str:
    """Lower case with the diacritics removed (đ → d): "Nộp trực tuyến" → "nop truc tuyen". Spacing and
    punctuation are left to the caller, whose matching rules differ."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()
