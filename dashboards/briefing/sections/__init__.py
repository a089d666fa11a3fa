"""The briefing's sections, in the order a leader reads them. Each is one module with ``build(scope) -> Section``.

Adding one is a module here with its ``build`` and one line in :data:`SECTIONS` (``incidents.py`` is the example
docs/briefing.md shows).
"""

from __future__ import annotations

from collections.abc import Callable

from dashboards.briefing.scope import Scope
from dashboards.briefing.sections import air, alarms, availability, footage, incidents, kpis, reports
from pipelines.briefing.model import Section

Builder = Callable[[Scope], Section]

SECTIONS: tuple[tuple[str, Builder], ...] = (
    ("kpis", kpis.build),
    ("reports", reports.build),
    ("alarms", alarms.build),
    ("incidents", incidents.build),
    ("availability", availability.build),
    ("air", air.build),
    ("footage", footage.build),
)
