-- The weekly leader briefing (issue 20 part 2): who receives it, and every briefing generated, kept as sent.
-- The archive row is the schedule's memory too: a (week, scope, lang) with mailed_at set is never mailed again, so a
-- restarted `ioc briefing run` does not send Monday's briefing twice.
CREATE TABLE briefing_recipients (
    email      text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254),
    scope      text NOT NULL DEFAULT '*',   -- '*' every ward, a province name, or a ward code (as /kpis scopes)
    lang       text NOT NULL DEFAULT 'vi' CHECK (lang IN ('vi', 'en')),
    added_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (email, scope, lang)
);

CREATE TABLE briefings (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    week         text NOT NULL CHECK (week ~ '^\d{4}-W\d{2}$'),
    scope        text NOT NULL,
    lang         text NOT NULL CHECK (lang IN ('vi', 'en')),
    html         text NOT NULL,
    pdf          bytea NOT NULL,
    pdf_sha256   text NOT NULL CHECK (pdf_sha256 ~ '^[0-9a-f]{64}$'),
    generated_at timestamptz NOT NULL DEFAULT now(),
    mailed_at    timestamptz,
    mailed_to    text[] NOT NULL DEFAULT '{}',
    UNIQUE (week, scope, lang)
);
CREATE INDEX briefings_recent ON briefings (week DESC, scope);
