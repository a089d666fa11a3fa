"""Alarms: rules as data (``rules``), pure evaluation (``evaluate``, ``policy``), the database side (``store``,
``lifecycle``, ``actions``, ``sources``), the loop (``runner``) and ``ioc alarms`` (``cli``). See docs/alarms.md."""
