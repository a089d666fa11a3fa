-- Smart street lighting (docs/lighting.md, docs/mqtt-contract.md "light"): lamps and their control cabinets publish
-- one telemetry shape told apart by device_type, so both live in one hypertable like the other kinds' telemetry.
-- Lamps report every 10 minutes: a lamp's state changes twice a night, and 10-minute power is enough for kWh.

INSERT INTO device_kinds VALUES ('light', 600, 3, 'Đèn chiếu sáng công cộng', 'Street light');

CREATE TABLE light_telemetry (
    ts                          timestamptz NOT NULL,
    device_id                   text NOT NULL,
    seq                         bigint,
    received_at                 timestamptz NOT NULL,
    device_type                 text NOT NULL,      -- lamp | cabinet
    power_state                 text NOT NULL,      -- on | off | low | bootingUp (a cabinet: its output contactor)
    commanded_power_state       text,               -- what the control system commanded; compared, never sent
    illuminance_level           real,               -- fraction of full output
    commanded_illuminance_level real,
    active_power                real,               -- W
    active_energy               double precision,   -- kWh, cumulative meter
    energy_consumed             real,               -- kWh since local midnight (cabinets)
    operating_hours             real,
    status                      text,               -- FIWARE Streetlight status
    lamp_failure                boolean,
    supply_loss                 boolean,
    lamp_unexpected_on          boolean,            -- a day burner
    control_gear_comm_failure   boolean,
    working_mode                text,               -- automatic | manual | semiautomatic (cabinets)
    voltage_l1                  real,
    voltage_l2                  real,
    voltage_l3                  real,
    current_l1                  real,
    current_l2                  real,
    current_l3                  real,
    power_factor                real,
    cabinet_door_open           boolean,
    interval_s                  integer NOT NULL DEFAULT 60,
    ts_assumed                  boolean NOT NULL DEFAULT false
);
SELECT create_hypertable('light_telemetry', by_range('ts', INTERVAL '1 day'));
CREATE UNIQUE INDEX light_telemetry_identity ON light_telemetry (device_id, ts, seq) NULLS NOT DISTINCT;
