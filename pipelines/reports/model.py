"""The vocabulary of field reports as small immutable values: channels, statuses, a report on intake, a contact."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ioc.errors import IocError

CHANNELS = ("hotline_1022", "web", "app", "zalo", "facebook", "field_staff", "open311")
STATUSES = ("received", "assigned", "in_progress", "resolved", "rejected", "closed")
OPEN_STATUSES = ("received", "assigned", "in_progress")
DONE_STATUSES = ("resolved", "rejected", "closed")
VERDICTS = ("corroborated", "not_corroborated", "no_sensor")


class ReportError(IocError):
    """A field report could not be handled."""


class ReportNotFound(ReportError):
    """No such field report."""


class TransitionRefused(ReportError):
    """The action is not allowed in the report's current state."""


class AccessDenied(ReportError):
    """This role may not see that."""


@dataclass(frozen=True)
class Contact:
    """The reporter's contact: personal data, stored apart from the report and never shown on public outputs."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None

    def empty(self) -> bool:
        return not (self.name or self.phone or self.email)


@dataclass(frozen=True)
class ReportIn:
    """A report as it arrives from any channel, validated; the ward is assigned from the point by the database."""

    source: str
    external_id: str | None
    category: str
    submitted_at: datetime            # aware
    description: str = ""
    lon: float | None = None
    lat: float | None = None
    address: str | None = None
    photo_urls: tuple[str, ...] = ()
    department: str | None = None
    contact: Contact | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)
    description_public: bool | None = None   # the reporter's answer; None: not asked, the channel's default
    consent_keep: bool = False               # keep contact and personal details beyond the retention period
    hamlet: str | None = None                # ấp / khu phố / tổ dân phố as given; None: the database assigns it


@dataclass(frozen=True)
class Problem:
    """Why one input row was refused: where (line, or item for JSON), which field, and a reason a person can fix."""

    line: int
    field: str
    reason: str

    def describe(self, unit: str = "line") -> str:
        return f"{unit} {self.line}, {self.field}: {self.reason}"
