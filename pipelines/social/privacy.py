"""Personal identifiers out of a mention before it is stored (Law 91/2025/QH15 on personal data protection).

A listening provider's export names the post's author, their handle, profile link, follower count and sometimes
quotes a phone number or e-mail address in the post. None of that serves the purpose (knowing what the city talks
about, and sending someone where a problem is): the IOC keeps the post's URL and the provider's measures only.

* author columns (:data:`PERSONAL_FIELDS`) are never read into a mention; the import says which it dropped;
* the author's name and handle, when the provider gave them, are cut out of the summary wherever they appear;
* every link, @handle, e-mail address, phone number and citizen ID number in the summary is replaced by a marker;
* the post URL loses its tracking parameters (``fbclid``, ``utm_*`` …), its fragment and any user:password part.
Pure functions; the markers are in Vietnamese, as the summaries are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ioc.security.personal import redact
from ioc.textfold import unmarked

# Column names (folded) of personal data in providers' exports: dropped on sight, never stored.
PERSONAL_FIELDS: Final = frozenset({
    "author", "author name", "author_name", "authorname", "tac gia", "nguoi dang", "ten nguoi dang", "user",
    "username", "user name", "user_name", "handle", "screen name", "screen_name", "author handle", "author_handle",
    "profile", "profile url", "profile_url", "author url", "author_url", "user id", "user_id", "author id",
    "author_id", "followers", "follower count", "author followers", "phone", "so dien thoai", "email", "avatar",
    "gender", "gioi tinh", "age", "tuoi", "location of author", "author location"})
LINK: Final = "[liên kết đã ẩn]"
HANDLE: Final = "[tài khoản đã ẩn]"
AUTHOR: Final = "[người đăng]"
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_HANDLE = re.compile(r"(?<![\w.@])@[\w.]{2,30}")
# share and campaign trackers only: a forum's ``t`` or ``p`` is its thread or post, and stays
_TRACKING = re.compile(r"(?i)^(utm_\w+|fbclid|gclid|igshid|mibextid|si|ref|ref_src|ref_url|__cft__.*|__tn__|"
                       r"_rdr|rdid|share_url|sfnsn)$")


def is_personal_field(name: str) -> bool:
    return " ".join(re.split(r"[\s_\-.]+", unmarked(name).strip())) in PERSONAL_FIELDS or \
        unmarked(name).strip() in PERSONAL_FIELDS


def clean_summary(text: str, known: Iterable[str | None] = ()) -> str:
    """``text`` without the author (names given in ``known``), links, handles, e-mails, phone and ID numbers."""
    for name in sorted({k.strip().lstrip("@") for k in known if k and len(k.strip().lstrip("@")) >= 2},
                       key=len, reverse=True):
        text = re.sub(r"@?" + re.escape(name), AUTHOR, text, flags=re.IGNORECASE)
    text = _URL.sub(LINK, text)
    text = redact(text)                 # e-mails first, so their "@domain" is not read as a handle
    text = _HANDLE.sub(HANDLE, text)
    return re.sub(r"\s+", " ", text).strip()


def clean_url(url: str) -> str:
    """The post's URL without tracking parameters, fragment or credentials; the rest is what finds the post."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((parts.scheme.lower(), netloc.lower(), parts.path, query, ""))
