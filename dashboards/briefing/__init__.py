"""The weekly leader briefing, built from the pages' own queries and view models (so every number equals the page it
links to), rendered to HTML (Jinja2) and PDF (Chromium's print), archived and mailed. Week arithmetic, the data
model, the archive and the schedule are in :mod:`pipelines.briefing`; docs/briefing.md."""
