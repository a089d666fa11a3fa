-- Alarm notifications (docs/alarms.md, "Notifications"): one row per message to one target on one channel, with
-- its delivery history (attempts, last error, when to try again). The message is rendered once when it is queued,
-- so a retry sends exactly what the first attempt sent.
CREATE TABLE alarm_deliveries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_key   text NOT NULL,                 -- rule|ward|severity, or escalation:<alarm>:<tier>
    event_ids   bigint[] NOT NULL DEFAULT '{}', -- the alarm_events this message tells about
    alarm_ids   bigint[] NOT NULL DEFAULT '{}',
    tier        smallint NOT NULL DEFAULT 0 CHECK (tier >= 0),
    channel     text NOT NULL CHECK (channel IN ('email', 'webhook', 'telegram', 'zalo')),
    target      text NOT NULL,
    severity    text NOT NULL,
    subject     text NOT NULL,
    body        text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}'::jsonb,   -- the structured message (webhook body, ZNS template data)
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'sent', 'failed')),
    attempt     integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    error       text CHECK (length(error) <= 2000),
    created_at  timestamptz NOT NULL,
    next_try_at timestamptz,
    sent_at     timestamptz
);
CREATE INDEX alarm_deliveries_due ON alarm_deliveries (next_try_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX alarm_deliveries_created ON alarm_deliveries (created_at DESC);

-- When each notification group (rule|ward|severity) last sent: the repeat interval is measured from here.
CREATE TABLE alarm_notify_groups (
    group_key    text PRIMARY KEY,
    last_sent_at timestamptz NOT NULL
);

-- Escalations done: a critical alarm unacknowledged past a tier's delay notifies that tier once.
CREATE TABLE alarm_escalations (
    alarm_id bigint NOT NULL REFERENCES alarms (id) ON DELETE CASCADE,
    tier     smallint NOT NULL CHECK (tier >= 1),
    at       timestamptz NOT NULL,
    PRIMARY KEY (alarm_id, tier)
);
