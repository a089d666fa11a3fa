-- What a report's reporter agreed to publish and to keep (issue 14). Until now the public Open311 GET published
-- every report's free text, address and exact point, and contacts of reports never closed were kept forever.
--   description_public: the description may be published (redacted of phone numbers, e-mails and ID numbers);
--                       the address never is, the point only snapped to a ~50 m grid.
--   consent_keep:       the reporter agreed to keep their contact and the personal details of the description
--                       beyond the retention period (ioc.security.retention.purge skips the report).
--   last_activity_at:   the newest handling step (report_history), kept by a trigger: retention counts from it,
--                       closed or not.
--   details_purged_at:  when the purge removed the contact and redacted the description.

-- Who decides whether a description is public when the reporter was not asked: hotline and Zalo calls are
-- transcribed by staff (the caller never agreed to publication); web and app forms ask the reporter and record
-- the answer, so their default only applies to an answer that was not recorded; field staff write for the record.
CREATE TABLE report_channel_defaults (
    source             text PRIMARY KEY CHECK (source IN ('hotline_1022', 'web', 'app', 'zalo', 'facebook',
                                                          'field_staff', 'open311')),
    description_public boolean NOT NULL,
    asks_reporter      boolean NOT NULL
);
INSERT INTO report_channel_defaults VALUES
    ('hotline_1022', false, false), ('zalo', false, false), ('facebook', false, false),
    ('web', false, true), ('app', false, true), ('open311', false, true), ('field_staff', true, false);

ALTER TABLE reports
    ADD COLUMN description_public boolean NOT NULL DEFAULT false,
    ADD COLUMN consent_keep boolean NOT NULL DEFAULT false,
    ADD COLUMN last_activity_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN details_purged_at timestamptz;

-- Existing reports were published without anyone asking: only field staff's own reports and requests pulled
-- from another city's Open311 server (already public there; external id "prefix:id") stay public.
UPDATE reports SET description_public = (source = 'field_staff' OR (source = 'open311' AND external_id LIKE '%:%'));

UPDATE reports r SET last_activity_at = greatest(r.submitted_at, r.updated_at, r.resolved_at, r.closed_at,
                                                 (SELECT max(h.at) FROM report_history h WHERE h.report_id = r.id));

CREATE INDEX reports_last_activity ON reports (last_activity_at) WHERE NOT consent_keep;

CREATE FUNCTION ioc_report_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reports SET last_activity_at = greatest(last_activity_at, NEW.at) WHERE id = NEW.report_id;
    RETURN NULL;
END $$;

CREATE TRIGGER report_history_activity AFTER INSERT ON report_history
    FOR EACH ROW EXECUTE FUNCTION ioc_report_activity();
