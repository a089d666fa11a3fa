-- Who may see and do what (docs/security.md). Secrets are stored only as hashes: argon2id for passwords,
-- SHA-256 for 256-bit random tokens (sessions, API keys, kiosk tokens), Mosquitto's PBKDF2-SHA512 for devices.

CREATE TABLE users (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username             text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    display_name         text CHECK (length(display_name) <= 200),
    role                 text NOT NULL CHECK (role IN ('admin', 'operator', 'leader', 'viewer')),
    password_hash        text NOT NULL,
    must_change_password boolean NOT NULL DEFAULT true,
    disabled_at          timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    password_changed_at  timestamptz NOT NULL DEFAULT now(),
    last_login_at        timestamptz
);
COMMENT ON COLUMN users.must_change_password IS 'true after an admin set a one-time password: only /account/password';

-- API keys (kind api: scopes read, reports:submit) and kiosk tokens (kind kiosk: the wall only).
CREATE TABLE api_keys (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('api', 'kiosk')),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    shown        text NOT NULL,                -- the first characters, to recognise a key in lists
    secret_hash  bytea NOT NULL UNIQUE,        -- SHA-256 of the whole key
    scopes       text[] NOT NULL,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CHECK (kind = 'api' OR scopes = '{wall}'),
    CHECK (kind = 'kiosk' OR scopes <@ '{read,reports:submit}'::text[])
);

-- Browser sessions of users and of kiosks; the cookie holds the token, the table its SHA-256.
CREATE TABLE auth_sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE,
    user_id      bigint REFERENCES users (id) ON DELETE CASCADE,
    key_id       bigint REFERENCES api_keys (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    ip           text,
    user_agent   text CHECK (length(user_agent) <= 400),
    CHECK ((user_id IS NULL) <> (key_id IS NULL))
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX auth_sessions_key ON auth_sessions (key_id) WHERE key_id IS NOT NULL;
CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);

-- The security audit log: logins (also the rate limiter's memory), logouts, user, key and credential changes.
CREATE TABLE security_events (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    action  text NOT NULL,
    actor   text NOT NULL,
    subject text,
    ip      text,
    detail  jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX security_events_at ON security_events (at);
CREATE INDEX security_events_login_subject ON security_events (subject, at) WHERE action LIKE 'login%';
CREATE INDEX security_events_login_ip ON security_events (ip, at) WHERE action = 'login_failed';

-- Every view of personal data (Decree 13/2023/NĐ-CP): who, in which role, what, why, when.
CREATE TABLE personal_data_access (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    viewer     text NOT NULL,
    role       text NOT NULL,
    data_class text NOT NULL CHECK (data_class IN ('report_contact', 'camera_snapshot')),
    subject    text NOT NULL,
    purpose    text CHECK (length(purpose) <= 500),
    ip         text
);
CREATE INDEX personal_data_access_subject ON personal_data_access (data_class, subject, at DESC);
CREATE INDEX personal_data_access_at ON personal_data_access (at);

-- MQTT passwords of devices, in Mosquitto's password-file format; `ioc devices credentials` writes the file.
CREATE TABLE mqtt_credentials (
    device_id     text PRIMARY KEY REFERENCES devices (device_id) ON DELETE CASCADE,
    password_hash text NOT NULL CHECK (password_hash LIKE '$7$%'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    rotated_at    timestamptz NOT NULL DEFAULT now()
);
