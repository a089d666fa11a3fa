-- The camera footage register (sổ trích xuất hình ảnh camera, docs/footage.md). Every extraction of camera footage
-- needs a purpose and a trail under Law 91/2025/QH15 on personal data protection. The register is a log of events
-- (request, approve, refuse, export, deliver, destroy, outcome): a state change is a new row, never an edit.
-- The database refuses UPDATE, DELETE and TRUNCATE, and each row stores
-- row_hash = sha256(prev_hash || canonical row), so an edit made around the triggers (a superuser) breaks the chain
-- and `ioc footage verify` names the first broken row.

-- A new role holds the new right (ioc/security/roles.py: footage:register); only it registers and approves.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'operator', 'leader', 'viewer', 'footage_officer'));

CREATE TABLE footage_register (
    id            bigint PRIMARY KEY,                 -- 1, 2, 3 … in chain order (given by the writer, under a lock)
    extraction_id bigint NOT NULL,                    -- the id of the request's row; later events name it
    event         text NOT NULL CHECK (event IN ('request', 'approve', 'refuse', 'export', 'deliver', 'destroy',
                                                 'outcome')),
    at            timestamptz NOT NULL,
    actor         text NOT NULL CHECK (length(actor) BETWEEN 1 AND 64),   -- the footage officer (ioc users)
    ward_code     text,                               -- request rows: the ward of the cameras
    purpose       text CHECK (purpose IN ('antt', 'ttatgt', 'other')),     -- request rows
    outcome       text CHECK (outcome IN ('traffic_accident', 'criminal_case', 'administrative_violation',
                                          'none')),                      -- outcome rows
    details       jsonb NOT NULL,                     -- the event's fields (docs/footage.md)
    prev_hash     text NOT NULL UNIQUE CHECK (prev_hash ~ '^[0-9a-f]{64}$'),   -- one successor per row: no forks
    row_hash      text NOT NULL UNIQUE CHECK (row_hash ~ '^[0-9a-f]{64}$'),
    CHECK ((event = 'request') = (purpose IS NOT NULL)),
    CHECK ((event = 'outcome') = (outcome IS NOT NULL))
);
CREATE INDEX footage_register_extraction ON footage_register (extraction_id, id);
CREATE INDEX footage_register_requests ON footage_register (at) WHERE event = 'request';
COMMENT ON TABLE footage_register IS
    'Camera footage extractions (Law 91/2025/QH15): append-only, hash-chained; see docs/footage.md';

-- Append-only: the database itself refuses changes, whoever asks (only a superuser disabling the trigger can get
-- around it, and the hash chain shows it).
CREATE FUNCTION footage_register_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'footage_register is append-only: % refused (record a new event instead)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER footage_register_append_only BEFORE UPDATE OR DELETE ON footage_register
    FOR EACH ROW EXECUTE FUNCTION footage_register_refuse();
CREATE TRIGGER footage_register_no_truncate BEFORE TRUNCATE ON footage_register
    FOR EACH STATEMENT EXECUTE FUNCTION footage_register_refuse();

-- A new row must continue the chain: the next id, linked to the last row's hash.
CREATE FUNCTION footage_register_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
    last_hash text;
BEGIN
    SELECT id, row_hash INTO last_id, last_hash FROM footage_register ORDER BY id DESC LIMIT 1;
    IF NEW.id <> coalesce(last_id, 0) + 1 OR NEW.prev_hash <> coalesce(last_hash, repeat('0', 64)) THEN
        RAISE EXCEPTION 'footage_register row % does not continue the chain (last row %)', NEW.id, last_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER footage_register_chain BEFORE INSERT ON footage_register
    FOR EACH ROW EXECUTE FUNCTION footage_register_link();

-- Delivery contacts (a recipient's phone or e-mail) are personal data with their own retention
-- (IOC_FOOTAGE_CONTACT_RETENTION_DAYS): they live beside the chain, not in it, so deleting them breaks nothing.
CREATE TABLE footage_contacts (
    register_id bigint PRIMARY KEY REFERENCES footage_register (id),
    contact     text NOT NULL CHECK (length(contact) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);
