-- Alarms (docs/alarms.md): rules as data, per-(rule, entity) evaluation state, the alarms themselves, their audit
-- trail, the outbox the notifier reads, and silences. Plain tables: alarms are few next to telemetry.

-- The rules in force. definition is the validated rule (pipelines.alarms.rules) as JSON; the columns beside it are
-- copies for listing and filtering.
CREATE TABLE alarm_rules (
    id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
    kind       text NOT NULL,
    severity   text NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'warning')),
    name_vi    text NOT NULL,
    name_en    text NOT NULL,
    owner      text NOT NULL,
    enabled    boolean NOT NULL DEFAULT true,
    definition jsonb NOT NULL,
    source     text NOT NULL,             -- file (and line) or the admin who edited it
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Where the evaluator is for each (rule, entity) that is not plainly "ok": pending (raising, waiting for `for`),
-- firing, clearing (clear condition holds, waiting for clear_for). Rows in phase ok are deleted, so the table holds
-- only what is abnormal. Read back on start-up: a restart neither forgets a firing alarm nor raises it again.
CREATE TABLE alarm_rule_state (
    rule_id    text NOT NULL REFERENCES alarm_rules (id) ON DELETE CASCADE,
    entity     text NOT NULL,
    phase      text NOT NULL CHECK (phase IN ('pending', 'firing', 'clearing')),
    since      timestamptz NOT NULL,
    value      double precision,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rule_id, entity)
);

CREATE TABLE alarms (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id         text NOT NULL REFERENCES alarm_rules (id),
    entity          text NOT NULL,                 -- device id, 'device:type', 'report:42' or 'system'
    device_id       text,
    device_kind     text,
    ward_code       text,
    severity        text NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'warning')),
    owner           text NOT NULL,
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved', 'closed')),
    assignee        text,
    value           double precision,              -- the value that raised it (or the latest while firing)
    raised_at       timestamptz NOT NULL,           -- first raise of this alarm
    last_raised_at  timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL,           -- the raise condition was last seen holding
    resolved_at     timestamptz,
    closed_at       timestamptz,
    count           integer NOT NULL DEFAULT 1 CHECK (count >= 1),  -- raises folded into this alarm
    raise_times     timestamptz[] NOT NULL DEFAULT '{}',            -- raises inside the flapping window
    flapping        boolean NOT NULL DEFAULT false,
    last_notified_at timestamptz
);
-- At most one alarm per (rule, entity) that is not closed: a new raise folds into it (count, last_seen_at),
-- and a raise soon after a clear reopens it rather than making a second row.
CREATE UNIQUE INDEX alarms_one_live ON alarms (rule_id, entity) WHERE state <> 'closed';
CREATE INDEX alarms_state ON alarms (state, severity, last_raised_at DESC);
CREATE INDEX alarms_raised ON alarms (raised_at DESC);

-- Every transition, who, when and why: raised, reraised, acknowledged, assigned, resolved, reopened, closed.
CREATE TABLE alarm_transitions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alarm_id   bigint NOT NULL REFERENCES alarms (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL,
    actor      text NOT NULL,                  -- a username, or 'system' for the evaluator
    action     text NOT NULL,
    from_state text,
    to_state   text NOT NULL,
    note       text CHECK (length(note) <= 2000)
);
CREATE INDEX alarm_transitions_alarm ON alarm_transitions (alarm_id, at, id);

-- The outbox: what happened to an alarm and whether it should reach people. The notifier (later work) reads rows
-- with notify AND NOT delivered; silenced and flapping alarms are recorded with notify = false and the reason.
CREATE TABLE alarm_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alarm_id     bigint NOT NULL REFERENCES alarms (id) ON DELETE CASCADE,
    at           timestamptz NOT NULL,
    event        text NOT NULL CHECK (event IN ('raised', 'reraised', 'renotify', 'flapping', 'resolved',
                                                'acknowledged', 'closed')),
    severity     text NOT NULL,
    notify       boolean NOT NULL,
    held_by      text,                          -- why notify is false: 'silence:<id>', 'flapping', 'renotify'
    payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
    delivered_at timestamptz
);
CREATE INDEX alarm_events_pending ON alarm_events (id) WHERE notify AND delivered_at IS NULL;
CREATE INDEX alarm_events_alarm ON alarm_events (alarm_id, at);

-- Silences: ad hoc (a matcher, a reason, a creator and an expiry, all mandatory) or recurring maintenance windows
-- (local-time windows, several a day, on some weekdays, until the expiry). Silenced alarms still record.
CREATE TABLE alarm_silences (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    matcher    jsonb NOT NULL CHECK (jsonb_typeof(matcher) = 'object' AND matcher <> '{}'::jsonb),
    reason     text NOT NULL CHECK (length(reason) BETWEEN 3 AND 500),
    created_by text NOT NULL CHECK (length(created_by) >= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    starts_at  timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    windows    jsonb,                           -- NULL: ad hoc; else [{"start": "HH:MM", "end": "HH:MM"}, …] local
    weekdays   smallint[],                      -- ISO 1 (Monday)..7, NULL: every day; recurring only
    revoked_at timestamptz,
    CHECK (expires_at > starts_at),
    CHECK (windows IS NULL OR jsonb_typeof(windows) = 'array'),
    CHECK (weekdays IS NULL OR windows IS NOT NULL)
);
CREATE INDEX alarm_silences_live ON alarm_silences (expires_at) WHERE revoked_at IS NULL;

-- The runner's watermark over raw tables (received_at) so each cycle reads only what was stored since.
CREATE TABLE alarm_watermarks (
    source     text PRIMARY KEY,
    watermark  timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
