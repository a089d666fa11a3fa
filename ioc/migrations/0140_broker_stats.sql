-- The broker's own counters (issue 16, per-stage accounting): what Mosquitto publishes under $SYS/broker/, sampled
-- by the ingesters (pipelines/ingest/broker_stats.py) so `ioc ingest audit` can show the broker stage of a window
-- and fail when the broker says it dropped messages. The counters count since the broker started (uptime_s); a
-- smaller uptime than the sample before it is a restart. docs/ingestion.md explains every column.
CREATE TABLE broker_stats (
    sampled_at          timestamptz NOT NULL,   -- when the ingester received the $SYS tick (broker/uptime)
    worker              text NOT NULL,          -- the ingester worker (client id) that sampled it
    uptime_s            bigint NOT NULL,        -- $SYS/broker/uptime
    publish_received    bigint,                 -- $SYS/broker/publish/messages/received
    publish_sent        bigint,                 -- $SYS/broker/publish/messages/sent
    publish_dropped     bigint,                 -- $SYS/broker/publish/messages/dropped (queue full, too large, ...)
    messages_received   bigint,                 -- $SYS/broker/messages/received (every packet type)
    messages_sent       bigint,                 -- $SYS/broker/messages/sent
    store_messages      bigint,                 -- $SYS/broker/store/messages/count: held for sessions now
    store_bytes         bigint,                 -- $SYS/broker/store/messages/bytes
    clients_connected   bigint,                 -- $SYS/broker/clients/connected
    PRIMARY KEY (worker, sampled_at)
);
SELECT create_hypertable('broker_stats', by_range('sampled_at', INTERVAL '7 days'));
CREATE INDEX broker_stats_sampled ON broker_stats (sampled_at DESC);
COMMENT ON TABLE broker_stats IS
    'Mosquitto $SYS/broker counters as sampled by the ingester workers; the broker stage of ioc ingest audit.';
