"""Dash Pages, one module per page: ``register_page``, ``layout()`` and thin callbacks that call ``views/``.

Dash imports every module here (``pages_folder`` in :mod:`dashboards.app`), so nothing else belongs in this folder.
"""
