"""Text made safe for the files we hand to other programs: spreadsheets (CSV, XLSX) and XML.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or carriage return) as a
formula: a resident's report reading ``=HYPERLINK("http://evil", "bấm")`` would become a live link, or worse, in
the ward office's Excel. OWASP's advice is followed: such text cells get a leading apostrophe, which spreadsheets
show as text and people still read. Only text is touched: numbers stay numbers (``-5`` in a numeric column).

XML 1.0 forbids most control characters even as references; one report holding ``\\x01`` made the whole Open311
``.xml`` feed unparsable. They are dropped (they carry no meaning a reader could see). XLSX is XML inside, so
spreadsheet cells drop them too (openpyxl refuses them outright).
"""

from __future__ import annotations

import re
from typing import TypeVar

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Everything XML 1.0's Char production leaves out: C0 controls but tab/LF/CR, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

T = TypeVar("T")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def cell(value: T) -> T | str:
    """A spreadsheet cell's value: text that would start a formula gets a leading apostrophe; other values as is."""
    if not isinstance(value, str):
        return value
    text = xml_text(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def frame(found: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``found`` whose text cells and column names are safe for a spreadsheet; numeric columns untouched."""
    out = found.copy()
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].map(cell)
    out.columns = [cell(c) for c in out.columns]
    return out

