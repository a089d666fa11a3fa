-- create_hypertable already made ingest_accounting_hour_idx on (hour DESC); 0110's own index on the same column
-- doubled the index work of every new (device, hour) row for nothing.
DROP INDEX IF EXISTS ingest_accounting_hour;
