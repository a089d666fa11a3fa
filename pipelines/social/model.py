"""The vocabulary of social listening as small immutable values: topics, sentiments, a mention on intake.

A mention holds the post's URL and what the provider measured; never its author (docs/social.md, Law 91/2025/QH15).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from ioc.errors import IocError

TOPICS: Final = ("flooding", "waste", "public_order", "traffic", "public_services", "street_lighting", "other")
SENTIMENTS: Final = ("negative", "neutral", "positive")
WARD_HOW: Final = ("given", "point", "unknown")
# The field report category a topic becomes (report_categories of migration 0050).
REPORT_CATEGORY: Final = {"flooding": "flooding", "waste": "environment", "public_order": "public_order",
                          "traffic": "traffic", "public_services": "other", "street_lighting": "lighting",
                          "other": "other"}
HIGH_REACH: Final = 5000     # default: from this many people reached, a negative local mention may become a report
MAX_SUMMARY: Final = 2000


class SocialError(IocError):
    """Social listening could not do that."""


class UnknownProvider(SocialError):
    """No such social listening provider; add it with `ioc social providers add NAME`."""


class MentionNotFound(SocialError):
    """No such mention."""


class NotReportable(SocialError):
    """Only a negative, high-reach mention in a known ward becomes a field report."""


@dataclass(frozen=True)
class MentionIn:
    """A mention as it arrives, validated and stripped of personal identifiers; the ward is still to be found."""

    source: str
    url: str
    published_at: datetime      # aware
    topic: str
    sentiment: str
    reach: int
    summary: str = ""
    ward: str | None = None     # a ward code or name as the provider gave it
    lon: float | None = None
    lat: float | None = None
    synthetic: bool = False


@dataclass(frozen=True)
class Problem:
    """Why one input item was refused: where (line of a CSV or JSON Lines file, item of a JSON array), which
    field, and a reason the provider can fix."""

    line: int
    field: str
    reason: str

    def describe(self, unit: str = "line") -> str:
        return f"{unit} {self.line}, {self.field}: {self.reason}"


def reportable(sentiment: str, reach: int, ward_code: str | None, high_reach: int = HIGH_REACH) -> bool:
    """A mention worth a field report: negative, seen by many, and somewhere we can send someone."""
    return sentiment == "negative" and reach >= high_reach and ward_code is not None
