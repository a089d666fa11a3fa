"""Decision 766/QĐ-TTg's public-service index: all 100 points, indicator by indicator (docs/kpis.md).

``table`` reads the indicator table (data/kpis/decision766.yaml), ``rules`` turns a rate into points, ``figures``
reads the monthly figures sheet, ``feedback`` judges field reports (5.1-5.3), ``score`` puts them together for a
period and a scope, ``score_db`` loads what it needs from PostgreSQL.
"""
