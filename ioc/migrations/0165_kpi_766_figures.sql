-- Decision 766: the monthly figures sheet per unit (ioc kpis import-figures), for the indicators whose source the IOC
-- does not hold (the national procedure database, the national portal's sync logs). One row per unit, ward, month
-- and indicator id (1.1, 1.2, 1.3, 1.4, 3.1, 3.2, 3.5a, 3.5b, 4.4, 4.5a, 4.5b, 4.6; data/kpis/decision766.yaml).
-- A re-import updates the row. Missing rows are missing data: the page says so and never scores them.
CREATE TABLE kpi_766_figures (
    unit          text NOT NULL CHECK (length(unit) BETWEEN 1 AND 200),
    ward_code     text NOT NULL,
    month         date NOT NULL CHECK (extract(day FROM month) = 1),
    indicator     text NOT NULL CHECK (indicator ~ '^[1-5]\.[0-9][a-z]?$'),
    numerator     numeric(14, 2) NOT NULL CHECK (numerator >= 0),
    denominator   numeric(14, 2) NOT NULL CHECK (denominator >= 0),
    denominator_2 numeric(14, 2) CHECK (denominator_2 >= 0),   -- 1.4: the portal's count beside the national report's
    source        text NOT NULL,
    imported_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (unit, ward_code, month, indicator),
    CHECK (numerator <= greatest(denominator, coalesce(denominator_2, 0)))
);
CREATE INDEX kpi_766_figures_month ON kpi_766_figures (month, ward_code);

-- The citizen's verdict on how a field report (phản ánh) was handled, for 766 §5.3: rated unsatisfied, or followed by a
-- complaint. A report without a row was not rated unsatisfied and drew no complaint.
CREATE TABLE report_feedback_ratings (
    report_id   bigint PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    unsatisfied boolean NOT NULL DEFAULT false,
    complaint   boolean NOT NULL DEFAULT false,
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
