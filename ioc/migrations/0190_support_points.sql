-- Online support points (issue 19, the residents' page): where residents get help with online public services.
-- "Cà phê dịch vụ công" (public-service cafés), community digital technology teams (tổ công nghệ số cộng đồng) and
-- one-stop desks (bộ phận một cửa): a place, its opening hours and what it helps with. Public data: a place and its
-- office phone, never a person's. Loaded by `ioc support-points import FILE` (pipelines/public/support_points.py).
CREATE TABLE support_points (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ward_code   text NOT NULL,             -- a current wards.code (checked on import; wards is versioned)
    kind        text NOT NULL CHECK (kind IN ('cafe', 'digital_team', 'one_stop')),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    address     text CHECK (length(address) <= 300),
    geom        geometry(Point, 4326) NOT NULL,
    hours       text CHECK (length(hours) <= 200),
    helps_with  text[] NOT NULL DEFAULT '{}',
    phone       text CHECK (length(phone) <= 40),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (ward_code, name)
);
CREATE INDEX support_points_ward ON support_points (ward_code);
