-- One access log for personal data. Views of a reporter's contact were logged in report_contact_views (field
-- reports) while ioc.security.personal logs into personal_data_access: auditors had two places to read and the
-- retention of access logs applied to one. From now on every view lands in personal_data_access, with whether
-- the contact was masked; report_contact_views stays, for the queries that read it, as a view of that log.
ALTER TABLE personal_data_access ADD COLUMN masked boolean NOT NULL DEFAULT false;

INSERT INTO personal_data_access (at, viewer, role, data_class, subject, purpose, masked)
SELECT viewed_at, viewer, role, 'report_contact', report_id::text, left(purpose, 500), masked
FROM report_contact_views ORDER BY viewed_at, id;

DROP TABLE report_contact_views;

CREATE VIEW report_contact_views AS
SELECT id, subject::bigint AS report_id, viewer, role, masked, purpose, at AS viewed_at
FROM personal_data_access WHERE data_class = 'report_contact';
