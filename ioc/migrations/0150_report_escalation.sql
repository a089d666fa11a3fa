-- Field reports can be escalated (handed up to the ward's leadership) while open: a flag beside the status, like
-- the pause; set by the `escalate` action, cleared by `deescalate` or when the report is resolved or rejected.
-- The alarm rule kind report_escalated raises while it is set (docs/alarms.md, docs/reports.md).
ALTER TABLE reports ADD COLUMN escalated_at timestamptz;
ALTER TABLE reports ADD CONSTRAINT reports_escalated_open
    CHECK (escalated_at IS NULL OR status IN ('received', 'assigned', 'in_progress'));
CREATE INDEX reports_escalated ON reports (escalated_at) WHERE escalated_at IS NOT NULL;
COMMENT ON COLUMN reports.escalated_at IS 'escalated to the leadership since (NULL: not escalated); open reports only';
