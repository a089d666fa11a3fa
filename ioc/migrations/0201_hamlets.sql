-- Hamlets and residential groups (ấp, khu phố, tổ dân phố) inside a ward (issue 19): residents filter their ward's
-- reports by the one they live in. A hamlet is an area (a polygon) or, where the ward has no drawn boundaries, a
-- point (its cultural house, its head's office): a report then goes to the nearest point of its ward.
-- Loaded by `ioc hamlets import FILE` (GeoJSON or CSV; pipelines/public/hamlets.py).
CREATE TABLE hamlets (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ward_code  text NOT NULL,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    geom       geometry(Geometry, 4326) NOT NULL
               CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')),
    synthetic  boolean NOT NULL DEFAULT false,     -- made up by the demo, not a real hamlet
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (ward_code, name)
);
CREATE INDEX hamlets_geom_gix ON hamlets USING gist (geom);

-- The hamlet a report names (intake: an explicit field, or Open311's attribute[hamlet]), else the one its point
-- lies in, else the nearest hamlet point of its ward (within 2 km: farther, it is a guess we do not make).
ALTER TABLE reports ADD COLUMN hamlet text CHECK (length(hamlet) BETWEEN 1 AND 100);
CREATE INDEX reports_ward_hamlet ON reports (ward_code, hamlet) WHERE hamlet IS NOT NULL;

CREATE FUNCTION ioc_hamlet_at(ward text, pt geometry) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT h.name FROM hamlets h
    WHERE h.ward_code = $1 AND (
          (GeometryType(h.geom) <> 'POINT' AND ST_Covers(h.geom, $2))
       OR (GeometryType(h.geom) = 'POINT' AND ST_DWithin(h.geom::geography, $2::geography, 2000)))
    ORDER BY GeometryType(h.geom) = 'POINT', ST_Distance(h.geom::geography, $2::geography), h.name
    LIMIT 1
$$;

CREATE FUNCTION ioc_reports_hamlet() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.hamlet IS NULL AND NEW.geom IS NOT NULL AND NEW.ward_code IS NOT NULL THEN
        NEW.hamlet := ioc_hamlet_at(NEW.ward_code, NEW.geom);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER reports_hamlet BEFORE INSERT ON reports FOR EACH ROW EXECUTE FUNCTION ioc_reports_hamlet();
