-- Raw time series, one hypertable per kind and channel (see the MQTT contract, "Storage").
-- (device_id, ts, seq) identifies a reading: a redelivered message is stored once. seq may be NULL, and
-- NULLS NOT DISTINCT makes two seq-less readings of one device at one ts the same reading.

CREATE TABLE env_telemetry (
    ts                timestamptz NOT NULL,
    device_id         text NOT NULL,
    seq               bigint,
    received_at       timestamptz NOT NULL,
    pm25              double precision,
    pm10              double precision,
    no2               double precision,
    o3                double precision,
    co                double precision,
    so2               double precision,
    temperature       double precision,
    relative_humidity double precision,
    laeq              double precision,
    precipitation     double precision,
    water_level       double precision,
    ts_assumed        boolean NOT NULL DEFAULT false
);

CREATE TABLE camera_telemetry (
    ts            timestamptz NOT NULL,
    device_id     text NOT NULL,
    seq           bigint,
    received_at   timestamptz NOT NULL,
    vehicles      integer NOT NULL,
    people        integer NOT NULL,
    avg_speed_kmh double precision,
    interval_s    integer NOT NULL,
    ts_assumed    boolean NOT NULL DEFAULT false
);

CREATE TABLE camera_events (
    ts           timestamptz NOT NULL,
    device_id    text NOT NULL,
    seq          bigint,
    received_at  timestamptz NOT NULL,
    type         text NOT NULL,
    confidence   double precision NOT NULL,
    snapshot_url text,
    note         text,
    ts_assumed   boolean NOT NULL DEFAULT false
);

CREATE TABLE wifi_telemetry (
    ts           timestamptz NOT NULL,
    device_id    text NOT NULL,
    seq          bigint,
    received_at  timestamptz NOT NULL,
    clients      integer NOT NULL,
    new_sessions integer NOT NULL,
    bytes_up     bigint NOT NULL,
    bytes_down   bigint NOT NULL,
    interval_s   integer NOT NULL,
    ts_assumed   boolean NOT NULL DEFAULT false
);

CREATE TABLE device_status (
    ts          timestamptz NOT NULL,
    device_id   text NOT NULL,
    seq         bigint,
    received_at timestamptz NOT NULL,
    kind        text NOT NULL,
    online      boolean NOT NULL,
    battery     real,
    rssi        real,
    firmware    text,
    lat         double precision,
    lon         double precision,
    ts_assumed  boolean NOT NULL DEFAULT false
);

SELECT create_hypertable('env_telemetry', by_range('ts', INTERVAL '1 day'));
SELECT create_hypertable('camera_telemetry', by_range('ts', INTERVAL '1 day'));
SELECT create_hypertable('camera_events', by_range('ts', INTERVAL '7 days'));
SELECT create_hypertable('wifi_telemetry', by_range('ts', INTERVAL '1 day'));
SELECT create_hypertable('device_status', by_range('ts', INTERVAL '7 days'));

CREATE UNIQUE INDEX env_telemetry_identity ON env_telemetry (device_id, ts, seq) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX camera_telemetry_identity ON camera_telemetry (device_id, ts, seq) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX camera_events_identity ON camera_events (device_id, ts, seq) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX wifi_telemetry_identity ON wifi_telemetry (device_id, ts, seq) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX device_status_identity ON device_status (device_id, ts, seq) NULLS NOT DISTINCT;
CREATE INDEX camera_events_type_ts ON camera_events (type, ts DESC);

-- Every rejected message, with the reason a person can act on. Never dropped silently.
CREATE TABLE dead_letters (
    received_at   timestamptz NOT NULL,
    topic         text NOT NULL,
    payload       bytea NOT NULL,
    reason        text NOT NULL,
    code          text NOT NULL,
    field         text,
    element_index integer,
    device_id     text,           -- from the topic when the topic could be read
    kind          text
);
SELECT create_hypertable('dead_letters', by_range('received_at', INTERVAL '7 days'));
CREATE INDEX dead_letters_device ON dead_letters (device_id, received_at DESC);
