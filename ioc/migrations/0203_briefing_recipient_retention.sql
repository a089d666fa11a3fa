-- Leaders' e-mail addresses in the briefing archive are personal data (Law 91/2025/QH15): after
-- IOC_BRIEFING_RECIPIENT_RETENTION_DAYS the retention purge (ioc/security/retention.py) empties `briefings.mailed_to`
-- and keeps here how many addresses it held. `mailed_at` stays: it keeps the schedule from mailing a week twice.
-- Its own table, not columns of `briefings`: this number runs before 0220 on a fresh database, where `briefings`
-- does not exist yet. Briefings are never deleted (a regenerated one keeps its id), so no foreign key is needed.
CREATE TABLE briefing_recipient_counts (
    briefing_id  bigint PRIMARY KEY,
    mailed_count integer NOT NULL CHECK (mailed_count >= 0),
    purged_at    timestamptz NOT NULL DEFAULT now()
);
