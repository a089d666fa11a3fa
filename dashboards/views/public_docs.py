"""The disclosure documents of /public/<ward> as data: by category, newest first, in the visitor's language and local
time, each with its comment period, the count of comments (all but hidden ones) and the published comments' text
(no name: none is stored). A document whose period is open carries a signed form token
(:mod:`pipelines.public.formtoken`); the page may be cached for 30 s, far inside the token's two hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from psycopg_pool import ConnectionPool

from dashboards import fmt
from dashboards.i18n import t
from pipelines.public import comments, disclosures, formtoken

_WHEN = "HH:mm dd/MM/yyyy"


@dataclass(frozen=True)
class PublicDocument:
    id: int
    category: str
    category_label: str
    title: str
    date: str
    published: str
    url: str
    kind: str                  # PDF, XLSX, …
    size: str
    sha256: str
    period: str                # none, not_open, open, closed
    period_text: str
    comments: int
    published_comments: tuple[str, ...]
    token: str | None          # the comment form's token while the period is open
    synthetic: bool = False    # made up by the demo


def _kind(content_type: str) -> str:
    return {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}.get(
        content_type, "XLSX" if "spreadsheet" in content_type else "DOCX")


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(1, round(n / 1024))} kB"


def _period_text(row: dict[str, Any], state: str, tz: ZoneInfo, lang: str) -> str:
    if state == "none":
        return ""
    opens, closes = (fmt.local_time(row[k], tz, lang, _WHEN) for k in ("comments_open", "comments_close"))
    return t(f"public.docs.period.{state}", lang, opens=opens, closes=closes)


def documents(pool: ConnectionPool, ward: str, now: datetime, tz: ZoneInfo, lang: str) -> list[PublicDocument]:
    found = disclosures.public_list(pool, ward, now)
    secret = None
    out = []
    for r in found:
        state = comments.period_state(r["comments_open"], r["comments_close"], now)
        token = None
        if state == "open":
            if secret is None:
                with pool.connection() as conn:
                    secret = formtoken.key(conn)
            token = formtoken.issue(secret, int(r["id"]), now)
        title = r["title_en"] if lang == "en" and r["title_en"] else r["title_vi"]
        out.append(PublicDocument(
            int(r["id"]), r["category"], t(f"public.docs.cat.{r['category']}", lang), title,
            r["document_date"].strftime("%d/%m/%Y"),
            fmt.local_time(r["published_at"], tz, lang, _WHEN), f"/public/documents/{r['id']}",
            _kind(r["content_type"]), _size(int(r["size_bytes"])), r["sha256"], state,
            _period_text(r, state, tz, lang), int(r["comments"]), tuple(r["published_comments"]), token,
            bool(r["synthetic"])))
    return out


def as_data(docs: list[PublicDocument]) -> list[dict[str, Any]]:
    """The documents in /public/<ward>.json: what the page shows, without the form token."""
    return [{"id": d.id, "category": d.category, "title": d.title, "date": d.date, "published": d.published,
             "url": d.url, "type": d.kind, "size": d.size, "sha256": d.sha256, "comment_period": d.period,
             "comment_period_text": d.period_text, "comments": d.comments,
             "published_comments": list(d.published_comments), "synthetic": d.synthetic} for d in docs]
