-- Our own rollups: portable to the Apache TimescaleDB (no continuous aggregates there) and to the licensed build.
-- Long format, one row per bucket, device and metric. mean = sum / n. Event counts are metric 'event:<type>'.
-- rollup_1d buckets start at Asia/Ho_Chi_Minh midnight.

CREATE TABLE rollup_1m (
    bucket    timestamptz NOT NULL,
    device_id text NOT NULL,
    metric    text NOT NULL,
    n         integer NOT NULL,
    sum       double precision,
    min       double precision,
    max       double precision,
    PRIMARY KEY (device_id, metric, bucket)
);
CREATE TABLE rollup_1h (LIKE rollup_1m INCLUDING ALL);
CREATE TABLE rollup_1d (LIKE rollup_1m INCLUDING ALL);
SELECT create_hypertable('rollup_1m', by_range('bucket', INTERVAL '7 days'));
SELECT create_hypertable('rollup_1h', by_range('bucket', INTERVAL '30 days'));
SELECT create_hypertable('rollup_1d', by_range('bucket', INTERVAL '365 days'));
CREATE INDEX rollup_1m_metric_bucket ON rollup_1m (metric, bucket DESC);
CREATE INDEX rollup_1h_metric_bucket ON rollup_1h (metric, bucket DESC);
CREATE INDEX rollup_1d_metric_bucket ON rollup_1d (metric, bucket DESC);

-- Raw minutes touched by ingestion (late data included) whose rollups must be recomputed.
CREATE TABLE rollup_dirty (
    source    text NOT NULL,          -- raw table name
    minute    timestamptz NOT NULL,   -- start of the minute
    marked_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (source, minute)
);

-- Ingest heartbeat per ingester worker, for the stale-data banner and the system tile.
CREATE TABLE ingest_heartbeat (
    worker       text PRIMARY KEY,
    updated_at   timestamptz NOT NULL,
    last_commit_at timestamptz,
    counters     jsonb NOT NULL DEFAULT '{}'::jsonb
);
