-- Ward geography (versioned: wards merge and split) and the device registry.
-- Documented for analysts in the MQTT contract ("Storage"); names and meanings hold.

CREATE TABLE wards (
    code        text NOT NULL,
    name        text NOT NULL,
    province    text,
    geom        geometry(MultiPolygon, 4326) NOT NULL,
    valid_from  date NOT NULL,
    valid_to    date,                       -- exclusive; NULL while the ward is current
    former_city text,
    source      text,
    imported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (code, valid_from),
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    EXCLUDE USING gist (code WITH =, daterange(valid_from, valid_to) WITH &&)
);
CREATE INDEX wards_geom_gix ON wards USING gist (geom);
COMMENT ON TABLE wards IS 'Ward boundaries, one row per ward and validity period [valid_from, valid_to).';

-- How often a device of each kind is expected to send data; "stale" is no data for stale_factor intervals.
CREATE TABLE device_kinds (
    kind                text PRIMARY KEY,
    expected_interval_s integer NOT NULL CHECK (expected_interval_s > 0),
    stale_factor        real NOT NULL DEFAULT 3 CHECK (stale_factor >= 1),
    name_vi             text NOT NULL,
    name_en             text NOT NULL
);
INSERT INTO device_kinds VALUES
    ('camera', 60, 3, 'Camera', 'Camera'),
    ('wifi',   60, 3, 'Điểm wifi công cộng', 'Public wifi access point'),
    ('env',    60, 3, 'Trạm quan trắc môi trường', 'Environment station');

CREATE TABLE devices (
    device_id           text PRIMARY KEY CHECK (device_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    kind                text NOT NULL REFERENCES device_kinds (kind),
    name                text,
    location            geometry(Point, 4326),
    ward_code           text,
    registered          boolean NOT NULL DEFAULT false,
    attrs               jsonb NOT NULL DEFAULT '{}'::jsonb,   -- ownership, camera_type, hotspot, city ...
    expected_interval_s integer CHECK (expected_interval_s > 0),  -- overrides device_kinds when set
    registered_at       timestamptz,
    first_seen_at       timestamptz,
    last_seen_at        timestamptz,   -- any message, status included
    last_data_at        timestamptz,   -- newest telemetry or event ts: freshness
    online              boolean,
    online_changed_at   timestamptz,
    status_ts           timestamptz,   -- ts of the status message that set online/battery/...
    battery             real,
    rssi                real,
    firmware            text,
    reported_location   geometry(Point, 4326),
    location_mismatch   boolean NOT NULL DEFAULT false
);
CREATE INDEX devices_location_gix ON devices USING gist (location);
CREATE INDEX devices_kind_idx ON devices (kind);
CREATE INDEX devices_ward_idx ON devices (ward_code);
COMMENT ON COLUMN devices.registered IS 'false: the device published but nobody placed it in the registry yet';

-- One state per device: unregistered, offline, stale (connected but silent) or online.
CREATE VIEW device_state AS
SELECT d.*,
       coalesce(d.expected_interval_s, k.expected_interval_s) AS interval_s,
       extract(epoch FROM now() - d.last_data_at) AS data_age_s,
       CASE
           WHEN NOT d.registered THEN 'unregistered'
           WHEN d.online IS FALSE THEN 'offline'
           WHEN d.last_data_at IS NULL
             OR now() - d.last_data_at
                > make_interval(secs => k.stale_factor * coalesce(d.expected_interval_s, k.expected_interval_s))
             THEN 'stale'
           ELSE 'online'
       END AS state
FROM devices d
JOIN device_kinds k USING (kind);
