-- Ward geography helpers: which ward a point lies in on a date, and how figures kept against the wards that existed
-- before the 2025-07-01 merger roll up to the current wards.

-- The wards valid on a date (validity is [valid_from, valid_to)).
CREATE FUNCTION ioc_wards_at(on_date date) RETURNS SETOF wards
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT * FROM wards w WHERE w.valid_from <= $1 AND (w.valid_to IS NULL OR $1 < w.valid_to)
$$;

-- The ward valid on a date that holds a point, or NULL outside every ward. A point on a shared boundary (or in an
-- overlap of two polygons) goes to the ward that contains it strictly, else to the lowest code: deterministic, so
-- a figure is counted once. layers.assign lists such points. The point is transformed to EPSG:4326 explicitly; a
-- point without an SRID is an error, not a guess.
CREATE FUNCTION ioc_ward_at(pt geometry, on_date date) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT w.code
    FROM wards w
    WHERE w.valid_from <= $2 AND (w.valid_to IS NULL OR $2 < w.valid_to)
      AND ST_Covers(w.geom, ST_Transform($1, 4326))
    ORDER BY ST_Contains(w.geom, ST_Transform($1, 4326)) DESC, w.code
    LIMIT 1
$$;

-- Old ward -> new ward. Old wards are named, not coded, in the published merger text, and names repeat across
-- cities (two "Phường Tân Bình"), so the key is (old_city, old_ward). Names are stored in Unicode NFC.
CREATE TABLE ward_mapping (
    old_city      text NOT NULL,
    old_ward      text NOT NULL,
    old_province  text,
    old_code      text,                 -- statistics-office code when the source gives one
    new_ward_code text NOT NULL,        -- wards.code; no foreign key: wards is versioned, code alone is not unique
    weight        double precision CHECK (weight IS NULL OR weight >= 0),
    source        text,
    imported_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (old_city, old_ward, new_ward_code)
);
CREATE INDEX ward_mapping_old_code ON ward_mapping (old_code) WHERE old_code IS NOT NULL;
COMMENT ON COLUMN ward_mapping.weight IS
    'share of a split old ward''s figures given to this new ward (normalised per old ward); NULL: equal split';

-- The share of each old ward's figures that each new ward receives; the shares of one old ward sum to 1.
-- Weights are used only when every row of the old ward has one and they sum to more than 0; otherwise equal split.
CREATE VIEW ward_mapping_share AS
SELECT old_city, old_ward, old_code, new_ward_code,
       CASE WHEN count(weight) OVER o = count(*) OVER o AND sum(weight) OVER o > 0
            THEN weight / sum(weight) OVER o
            ELSE 1.0 / count(*) OVER o
       END AS share
FROM ward_mapping
WINDOW o AS (PARTITION BY old_city, old_ward);

-- Figures keyed by old ward, rolled up to new wards. Totals are preserved: a figure whose old ward is not in the
-- mapping comes back under new_ward_code NULL instead of vanishing.
CREATE FUNCTION ioc_roll_up_old_wards(p_city text[], p_ward text[], p_value double precision[])
RETURNS TABLE (new_ward_code text, value double precision)
LANGUAGE sql STABLE AS $$
    WITH f AS (
        SELECT normalize(btrim(c), NFC) AS old_city, normalize(btrim(w), NFC) AS old_ward, v
        FROM unnest(p_city, p_ward, p_value) AS u(c, w, v)
    )
    SELECT s.new_ward_code, sum(f.v * coalesce(s.share, 1.0))
    FROM f LEFT JOIN ward_mapping_share s ON s.old_city = f.old_city AND s.old_ward = f.old_ward
    GROUP BY s.new_ward_code
$$;
