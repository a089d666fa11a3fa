-- Administrative-procedure and digital-government KPIs (pipelines/kpis, docs/kpis.md).
-- Four imported sources: the procedure catalogue, one row per dossier (hồ sơ), monthly aggregate sheets from units
-- that report totals only, and indicator sheets (adoption, socio-economic, e-documents, education, health).
-- A figure kept against a pre-2025 ward names it (old_city, old_ward) and rolls up through ward_mapping_share;
-- a current one carries ward_code. Exactly one of the two is set.

CREATE TABLE kpi_procedures (
    code           text PRIMARY KEY,
    name           text NOT NULL,
    field          text,                       -- lĩnh vực
    level          smallint CHECK (level IN (2, 3, 4)),                      -- Decree 43/2011 terms
    online_service text NOT NULL CHECK (online_service IN ('none', 'partial', 'full')),  -- Decree 42/2022 terms
    fee_bearing    boolean NOT NULL DEFAULT false,
    paper_result   boolean NOT NULL DEFAULT true,
    source         text,
    imported_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON COLUMN kpi_procedures.online_service IS
    'full = toàn trình, partial = một phần (Decree 42/2022 Art. 11), none = not an online public service';

CREATE TABLE kpi_dossiers (
    dossier_id          text PRIMARY KEY,
    procedure_code      text NOT NULL,
    unit                text NOT NULL,          -- receiving unit
    ward_code           text,
    old_city            text,
    old_ward            text,
    received_at         timestamptz NOT NULL,   -- ngày tiếp nhận: puts the dossier in a period
    channel             text NOT NULL CHECK (channel IN ('online', 'in_person', 'post')),
    end_to_end          boolean NOT NULL,
    fee_bearing         boolean NOT NULL,
    fee_amount          numeric CHECK (fee_amount IS NULL OR fee_amount >= 0),
    paid_online         boolean NOT NULL,
    input_digitized     boolean NOT NULL,
    output_digitized    boolean NOT NULL,
    paper_result        boolean NOT NULL,
    e_result            boolean NOT NULL,
    due_at              timestamptz NOT NULL,   -- promised date at receipt
    resolved_at         timestamptz,            -- end of processing
    status              text NOT NULL CHECK (status IN ('received', 'in_progress', 'supplement', 'resolved',
                                                        'rejected', 'withdrawn')),
    supplement_requests integer NOT NULL DEFAULT 0 CHECK (supplement_requests >= 0),
    supplement_wait_days double precision NOT NULL DEFAULT 0 CHECK (supplement_wait_days >= 0),
    reused_data         boolean NOT NULL DEFAULT false,
    rated_unsatisfied   boolean NOT NULL DEFAULT false,
    complaint           boolean NOT NULL DEFAULT false,
    source              text,
    imported_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((ward_code IS NULL) <> (old_ward IS NULL)),
    CHECK ((old_ward IS NULL) = (old_city IS NULL))
);
CREATE INDEX kpi_dossiers_received ON kpi_dossiers (received_at);
CREATE INDEX kpi_dossiers_ward ON kpi_dossiers (ward_code, received_at);

CREATE TABLE kpi_monthly_reports (
    unit        text NOT NULL,
    scope_key   text NOT NULL,   -- ward_code, or old_city || ' / ' || old_ward: the primary key's ward part
    ward_code   text,
    old_city    text,
    old_ward    text,
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    counts      jsonb NOT NULL,  -- count name -> count, names as in pipelines/kpis/indicators.py COUNTS
    source      text,
    imported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (unit, scope_key, month),
    CHECK ((ward_code IS NULL) <> (old_ward IS NULL))
);

CREATE TABLE kpi_indicator_values (
    indicator    text NOT NULL,
    unit         text NOT NULL DEFAULT '',    -- unit of measure: người, %, tỷ đồng …
    scope        text NOT NULL,               -- ward code, "code/hamlet", province name, or "old:city/ward"
    period       text NOT NULL,               -- 2025, 2025-Q2, 2025-06
    period_start date NOT NULL,
    period_end   date NOT NULL,               -- exclusive
    value        double precision NOT NULL,
    source       text,
    imported_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (indicator, scope, period)
);

-- Targets per indicator, year and scope ('*' every scope, a province name, or a ward code). The Bình Dương 2025
-- targets ship in pipelines/kpis/targets.py as the default; rows here override them.
CREATE TABLE kpi_targets (
    indicator  text NOT NULL,
    year       integer NOT NULL,
    scope      text NOT NULL DEFAULT '*',
    op         text NOT NULL CHECK (op IN ('>=', '>', '<=', '<')),
    value      double precision NOT NULL,
    source     text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (indicator, year, scope)
);
