-- API keys may also carry `kpi` (/api/v1/kpis…) and `reports:read` (/api/v1/reports: field reports as published)
-- (issue 18). No scope of a key opens personal data: contacts and snapshots stay with signed-in staff.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_check1;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_known
    CHECK (kind = 'kiosk' OR scopes <@ '{read,reports:submit,kpi,reports:read}'::text[]);
