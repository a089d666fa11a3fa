"""Who may see and do what: users and roles, sessions, API keys and kiosk tokens, the access policy of the web
app, device credentials for the MQTT broker, personal data and its retention. See docs/security.md.

The modules are small and imported where used: ``roles`` and ``policy`` are pure; ``users``, ``logins``,
``sessions``, ``keys``, ``credentials``, ``personal`` and ``retention`` take a psycopg connection; ``broker`` writes
Mosquitto's files; ``cli`` and ``cli_devices`` are the ``ioc users|keys|devices`` commands.
"""
