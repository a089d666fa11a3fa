"""Incidents: alarms, camera events and field reports near in space and time, grouped, handled by a playbook."""
