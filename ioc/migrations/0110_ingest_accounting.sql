-- Ingest accounting (issue 16, part 1): one row per device and hour, written by the ingester in the same transaction
-- as the data it counts, so it can never disagree with it. The unit is the reading: one record of the contract, or
-- one rejection (a refused array element, or a whole message that could not be read). docs/ingestion.md defines
-- every column. The CHECK makes the balance hold by construction: a bug in the counting refuses the batch instead of
-- committing a wrong count.
CREATE TABLE ingest_accounting (
    device_id   text NOT NULL,              -- '(unreadable topic)' for messages whose topic names no device
    hour        timestamptz NOT NULL,       -- UTC hour of the reading's ts; of received_at for a rejection
    expected    double precision NOT NULL DEFAULT 0,   -- 3600 / the device's (or its kind's) interval; 0: none
    received    integer NOT NULL DEFAULT 0, -- readings parsed: stored + rejected + duplicates
    stored      integer NOT NULL DEFAULT 0, -- rows committed to the time-series tables
    periodic    integer NOT NULL DEFAULT 0, -- of stored: rows of interval channels (telemetry), what expected counts
    rejected    integer NOT NULL DEFAULT 0, -- readings dead-lettered (over-budget ones included)
    duplicates  integer NOT NULL DEFAULT 0, -- rows ON CONFLICT DO NOTHING skipped (redeliveries, replays)
    late        integer NOT NULL DEFAULT 0, -- of stored: received more than the late delay after their ts
    max_lag_s   double precision,           -- of stored: the largest received_at - ts, seconds
    first_ts    timestamptz,                -- of stored: the earliest and latest reading ts
    last_ts     timestamptz,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, hour),
    CHECK (received = stored + rejected + duplicates),
    CHECK (periodic <= stored AND late <= stored)
);
SELECT create_hypertable('ingest_accounting', by_range('hour', INTERVAL '30 days'));
CREATE INDEX ingest_accounting_hour ON ingest_accounting (hour DESC);
COMMENT ON TABLE ingest_accounting IS
    'Per device and UTC hour: readings received, stored, rejected, duplicated, late; written with the data.';
