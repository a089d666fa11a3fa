"""One catalogue for every label: ``t(key, lang)``, backed by a gettext ``.po`` file per language (``locale/``).

Keys are stable dotted names (``wall.tile.aqi``); the catalogue holds the words. Vietnamese is the default; a
key missing from a catalogue falls back to Vietnamese, then to the key itself, so a gap shows and never crashes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
LOCALES = {"vi": "vi_VN", "en": "en_US"}
_DIR = Path(__file__).with_name("locale")


def norm_lang(value: object, default: str = DEFAULT_LANG) -> str:
    """A supported language code from a URL parameter or setting (``?lang=EN`` → ``en``), else ``default``."""
    text = str(value or "").strip().lower()
    return text if text in LANGS else default


def catalogue_path(lang: str) -> Path:
    return _DIR / f"{lang}.po"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid → msgstr of one language, read once per process on first use."""
    with catalogue_path(lang).open("rb") as fh:
        cat = read_po(fh, locale=LOCALES[lang].split("_")[0])
    return {str(m.id): str(m.string) for m in cat if m.id and m.string}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    lang = norm_lang(lang)
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANG).get(key) or key
    return text.format(**values) if values else text
