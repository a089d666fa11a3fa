-- Incidents (docs/incidents.md): alarms, camera events and field reports near in space and time, grouped by the
-- suggester (pipelines.incidents.suggest) or by hand, confirmed by an operator and handled through a playbook.

CREATE TABLE incidents (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type            text NOT NULL,                 -- data/incidents/types.yaml
    status          text NOT NULL DEFAULT 'suggested'
                    CHECK (status IN ('suggested', 'confirmed', 'resolved', 'dismissed', 'merged')),
    severity        text NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'warning')),
    owner           text NOT NULL,                 -- the department in charge (report_departments.code)
    geom            geometry(Geometry, 4326),      -- a point, or an area around the evidence
    ward_codes      text[] NOT NULL DEFAULT '{}',
    opened_at       timestamptz NOT NULL,          -- the first evidence
    last_evidence_at timestamptz NOT NULL,         -- the newest evidence: a late one within the window joins
    confirmed_at    timestamptz,
    confirmed_by    text,
    resolved_at     timestamptz,
    merged_into     bigint REFERENCES incidents (id),
    -- optimistic concurrency: every change bumps it; an action names the version it saw and is refused otherwise
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'merged') = (merged_into IS NOT NULL))
);
CREATE INDEX incidents_live ON incidents (type, last_evidence_at DESC) WHERE status IN ('suggested', 'confirmed');
CREATE INDEX incidents_opened ON incidents (opened_at DESC);
CREATE INDEX incidents_geom_gix ON incidents USING gist (geom);

-- The evidence. (source, ref) is unique: one alarm, camera event or report belongs to one incident at a time, so a
-- suggester that runs every few seconds (or two at once) can never make two suggestions of one event.
CREATE TABLE incident_items (
    incident_id  bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    source       text NOT NULL CHECK (source IN ('alarm', 'camera_event', 'report')),
    ref          text NOT NULL,                   -- alarm id, report id, or '<device>@<ts ISO>' of a camera event
    at           timestamptz NOT NULL,
    geom         geometry(Point, 4326),
    ward_code    text,
    kind         text,                            -- the alarm's rule, the camera event's type, the report's category
    label        text NOT NULL,                   -- what a person reads in the timeline
    attached_by  text NOT NULL,                   -- 'system' (the suggester) or a user
    attached_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, ref)
);
CREATE INDEX incident_items_incident ON incident_items (incident_id, at);

-- The playbook copied onto the incident when it is confirmed: later edits of playbooks.yaml do not change it.
CREATE TABLE incident_steps (
    incident_id  bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position     smallint NOT NULL CHECK (position >= 1),
    title_vi     text NOT NULL,
    title_en     text NOT NULL,
    department   text NOT NULL,
    due_at       timestamptz NOT NULL,
    checklist    jsonb NOT NULL DEFAULT '[]'::jsonb,   -- [{"vi": …, "en": …, "done": bool}, …]
    done_at      timestamptz,
    done_by      text,
    PRIMARY KEY (incident_id, position)
);

-- Everything that happened to an incident, who and when (the suggester is 'system').
CREATE TABLE incident_timeline (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id  bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    at           timestamptz NOT NULL,
    actor        text NOT NULL,
    action       text NOT NULL,
    note         text CHECK (length(note) <= 4000),
    detail       jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, at, id);
