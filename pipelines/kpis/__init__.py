"""Administrative-procedure and digital-government KPIs: import, formulas, targets, forecasts, summary.

Pure core: :mod:`.periods`, :mod:`.indicators`, :mod:`.formulas`, :mod:`.rollup`, :mod:`.targets`,
:mod:`.forecast`, :mod:`.compute`, :mod:`.summary`, :mod:`.adoption`. IO at the edges: :mod:`.reader` (files),
:mod:`.store` and :mod:`.source` (PostgreSQL), :mod:`.cli`. See docs/kpis.md.
"""
