-- Ingest throughput (issue 16, part 2): room for HOT updates in the two tables every batch upserts.
-- Each batch updates one devices row (last_seen_at, last_data_at) and one ingest_accounting row per (device, hour)
-- it touches: at the default fillfactor (100) a page has no room for the new row version, so about 94 % of those
-- updates were not HOT (measured: 3,646 of 56,000) and each wrote a new entry into every index of the table (five
-- on devices, two GiST among them). With 30 % of each page kept free, 91 % are HOT and the backend's CPU per message
-- falls by about a quarter (docs/benchmarks.md). No indexed column is updated by the ingester, so HOT is possible.
-- Pages written from now on keep the room; existing pages gain it as they are rewritten (VACUUM FULL to do it now).
ALTER TABLE devices SET (fillfactor = 70);
ALTER TABLE ingest_accounting SET (fillfactor = 70);   -- the hypertable: chunks created from now on inherit it
DO $$
DECLARE chunk regclass;
BEGIN
    FOR chunk IN SELECT show_chunks('ingest_accounting') LOOP
        EXECUTE format('ALTER TABLE %s SET (fillfactor = 70)', chunk);
    END LOOP;
END $$;
