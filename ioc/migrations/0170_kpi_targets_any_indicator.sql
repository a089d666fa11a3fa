-- Targets for any indicator, not only the procedure KPIs (issue 18): a socio-economic indicator (chỉ tiêu KT-XH)
-- has its own unit (%, điểm, người …) and a direction (higher or lower is better). Procedure-KPI targets stay
-- fractions with unit '' (a rate 0–1); the direction of a row is the one its comparison implies, so the two
-- cannot disagree.
ALTER TABLE kpi_targets
    ADD COLUMN unit text NOT NULL DEFAULT '',
    ADD COLUMN direction text GENERATED ALWAYS AS (CASE WHEN op IN ('>=', '>') THEN 'higher' ELSE 'lower' END) STORED;
COMMENT ON COLUMN kpi_targets.unit IS
    'unit of measure of value: '''' for a procedure KPI (a fraction 0-1), else as the indicator sheet writes it (%, điểm …)';
COMMENT ON COLUMN kpi_targets.direction IS 'higher or lower is better: implied by op';
