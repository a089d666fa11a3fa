"""The weekly leader briefing: ISO weeks in local time, the briefing's data model, its archive, recipients and the
Monday schedule. The sections themselves read the dashboards' own queries and live in ``dashboards/briefing``."""
