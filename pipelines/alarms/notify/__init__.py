"""Alarm notifications: group the outbox (``alarm_events``), route to channels, deliver with retries, escalate."""
