"""Field reports (phản ánh hiện trường): intake from files and Open311, the handling workflow, the SLA clock,
corroboration by nearby sensors, and personal data kept apart.

Pure core: :mod:`workflow`, :mod:`sla`, :mod:`privacy`, :mod:`rows`, :mod:`evidence`, :mod:`open311`.
Database edge: :mod:`store`, :mod:`intake`, :mod:`actions`, :mod:`contacts`, :mod:`evidence_db`, :mod:`public`.
"""

from pipelines.reports.model import CHANNELS, STATUSES, Contact, ReportIn
from pipelines.reports.privacy import mask_contact

__all__ = ["CHANNELS", "STATUSES", "Contact", "ReportIn", "mask_contact"]
