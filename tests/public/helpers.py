"""Shared steps of the disclosure tests: a document in the database, a form token of a given age."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import psycopg

from pipelines.public import disclosures, formtoken
from tests.public.files import PDF

WARD = "22333"


def add_document(db: psycopg.Connection, *, data: bytes = PDF, opens: datetime | None = None,
                 closes: datetime | None = None, title: str = "Kế hoạch chỉnh trang vỉa hè 2027",
                 category: str = "plan", ward: str = WARD) -> int:
    now = datetime.now(UTC)
    found = disclosures.add(db, disclosures.NewDisclosure(
        ward, category, title, date(2026, 11, 30), "ke-hoach.pdf", data, "Pavement plan 2027",
        opens if opens is not None else now - timedelta(days=1),
        closes if closes is not None else now + timedelta(days=14)), "staff-test")
    db.commit()
    return found


def token(db: psycopg.Connection, document: int, age: timedelta = timedelta(seconds=30)) -> str:
    return formtoken.issue(formtoken.key(db), document, datetime.now(UTC) - age)
