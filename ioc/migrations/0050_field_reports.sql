-- Field reports (phản ánh hiện trường): citizens' reports from the 1022 hotline, apps, Zalo, Facebook, ward staff
-- and Open311, their handling workflow, the SLA clock's configuration and the evidence sensors give for them.
-- The reporter's contact is personal data: it lives in report_contacts only, and every read of it is logged.

CREATE TABLE report_departments (
    code    text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{1,40}$'),
    name_vi text NOT NULL,
    name_en text NOT NULL
);
INSERT INTO report_departments VALUES
    ('ward_office', 'Văn phòng HĐND và UBND phường', 'Ward People''s Committee office'),
    ('ward_police', 'Công an phường', 'Ward police'),
    ('urban', 'Phòng Kinh tế, Hạ tầng và Đô thị', 'Economy, Infrastructure and Urban Affairs office'),
    ('urban_order', 'Đội Quản lý trật tự đô thị', 'Urban order team'),
    ('sanitation', 'Công ty Môi trường đô thị', 'Urban sanitation company'),
    ('drainage', 'Công ty Thoát nước', 'Drainage company'),
    ('lighting', 'Công ty Chiếu sáng công cộng', 'Public lighting company');

-- The category list; a child (lighting, roads, drainage) belongs to its parent group (urban infrastructure).
-- code is also the Open311 service_code.
CREATE TABLE report_categories (
    code       text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{1,40}$'),
    parent     text REFERENCES report_categories (code),
    name_vi    text NOT NULL,
    name_en    text NOT NULL,
    department text REFERENCES report_departments (code),   -- the usual handler, proposed on intake
    sort_order integer NOT NULL
);
INSERT INTO report_categories VALUES
    ('traffic', NULL, 'Giao thông', 'Traffic', 'ward_police', 10),
    ('environment', NULL, 'Môi trường, vệ sinh', 'Environment and sanitation', 'sanitation', 20),
    ('public_order', NULL, 'An ninh, trật tự', 'Public order', 'ward_police', 30),
    ('infrastructure', NULL, 'Hạ tầng đô thị', 'Urban infrastructure', 'urban', 40),
    ('lighting', 'infrastructure', 'Chiếu sáng công cộng', 'Street lighting', 'lighting', 41),
    ('roads', 'infrastructure', 'Đường, vỉa hè', 'Roads and pavements', 'urban', 42),
    ('drainage', 'infrastructure', 'Thoát nước', 'Drainage', 'drainage', 43),
    ('flooding', NULL, 'Ngập úng', 'Flooding', 'drainage', 50),
    ('noise', NULL, 'Tiếng ồn', 'Noise', 'urban_order', 60),
    ('construction', NULL, 'Xây dựng, đất đai', 'Construction and land', 'urban', 70),
    ('other', NULL, 'Khác', 'Other', 'ward_office', 90);

-- The SLA: how many working days a category may take (weekends and public holidays do not count; see docs).
CREATE TABLE report_sla (
    category     text PRIMARY KEY REFERENCES report_categories (code),
    working_days numeric(6, 2) NOT NULL CHECK (working_days > 0 AND working_days <= 60)
);
INSERT INTO report_sla VALUES
    ('traffic', 2), ('environment', 3), ('public_order', 1), ('infrastructure', 5), ('lighting', 3),
    ('roads', 5), ('drainage', 3), ('flooding', 1), ('noise', 2), ('construction', 10), ('other', 10);

-- Days that differ from the national calendar (holidays.VN): a local holiday (working = false) or a weekend day
-- worked to make up for a bridge holiday (working = true).
CREATE TABLE report_calendar_days (
    day     date PRIMARY KEY,
    working boolean NOT NULL,
    note    text
);

CREATE TABLE reports (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          text NOT NULL CHECK (source IN ('hotline_1022', 'web', 'app', 'zalo', 'facebook',
                                                    'field_staff', 'open311')),
    external_id     text CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 200),
    category        text NOT NULL REFERENCES report_categories (code),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    address         text,
    geom            geometry(Point, 4326),
    ward_code       text,                      -- ioc_ward_at(geom, local date of submitted_at)
    photo_urls      text[] NOT NULL DEFAULT '{}',
    status          text NOT NULL DEFAULT 'received'
                    CHECK (status IN ('received', 'assigned', 'in_progress', 'resolved', 'rejected', 'closed')),
    paused_since    timestamptz,               -- waiting for the citizen: the SLA clock is stopped
    department      text REFERENCES report_departments (code),
    submitted_at    timestamptz NOT NULL,
    sla_days        numeric(6, 2) NOT NULL CHECK (sla_days > 0),
    extension_days  numeric(6, 2) NOT NULL DEFAULT 0 CHECK (extension_days >= 0),
    due_at          timestamptz,               -- the clock's due time over the closed pauses (see docs/reports.md)
    resolved_at     timestamptz,               -- left the work states: resolved or rejected
    outcome         text CHECK (outcome IN ('resolved', 'rejected')),
    closed_at       timestamptz,
    public_response text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, external_id),
    CHECK (paused_since IS NULL OR status IN ('received', 'assigned', 'in_progress'))
);
CREATE INDEX reports_status_due ON reports (status, due_at);
CREATE INDEX reports_submitted ON reports (submitted_at DESC);
CREATE INDEX reports_resolved ON reports (resolved_at DESC) WHERE resolved_at IS NOT NULL;
CREATE INDEX reports_ward ON reports (ward_code, submitted_at DESC);
CREATE INDEX reports_geom_gix ON reports USING gist (geom);
COMMENT ON COLUMN reports.due_at IS
    'overdue while open: due_at < coalesce(paused_since, now()); on time when closed: resolved_at <= due_at';

-- Personal data, apart from the report. Read only through pipelines.reports.contacts, which logs every read.
CREATE TABLE report_contacts (
    report_id bigint PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    name      text,
    phone     text,
    email     text,
    CHECK (coalesce(name, phone, email) IS NOT NULL)
);

CREATE TABLE report_contact_views (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    viewer    text NOT NULL,
    role      text NOT NULL,
    masked    boolean NOT NULL,
    purpose   text,
    viewed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX report_contact_views_report ON report_contact_views (report_id, viewed_at DESC);

-- Every transition and action (pause, resume, extend), who and when; pauses are read back from here.
CREATE TABLE report_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    from_status text,
    to_status   text NOT NULL,
    note        text,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX report_history_report ON report_history (report_id, at, id);

-- The newest corroboration of each report (pipelines.reports.evidence): the verdict sorts the queue.
CREATE TABLE report_evidence (
    report_id   bigint PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    verdict     text NOT NULL CHECK (verdict IN ('corroborated', 'not_corroborated', 'no_sensor')),
    summary     jsonb NOT NULL,
    computed_at timestamptz NOT NULL
);

-- Corroboration finds devices within R metres with ST_DWithin on geography; this index serves exactly
-- ST_DWithin(location::geography, …), which the geometry index on devices.location cannot.
CREATE INDEX devices_location_geog_gix ON devices USING gist ((location::geography));
