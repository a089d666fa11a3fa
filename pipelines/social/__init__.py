"""Social listening: mentions of the city from a listening provider's files and webhook (not a crawler).

The public surface: :mod:`model` (the vocabulary), :mod:`importer` (files), :mod:`webhook` (signed pushes),
:mod:`queries` (counts and listings), :mod:`link` (a mention turned into a field report). See docs/social.md.
"""
