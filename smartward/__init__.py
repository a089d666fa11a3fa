"""The composition root: the ``ioc`` command and the demo runner, above every concern.

``ioc/`` is the core (settings, database edge, migrations, the local stack, security) and imports nothing above it;
``sensors/``, ``pipelines/``, ``layers/`` and ``dashboards/`` each add their commands, which :mod:`smartward.cli`
loads lazily by name. Run it as ``ioc …`` (the console script) or ``python -m smartward …``.
"""
