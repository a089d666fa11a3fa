-- Disclosure documents ("công khai", issue 19): what a ward must make public (plans, budget revenue and spending,
-- community contributions, land and construction notices), uploaded by ward staff and shown on /public/<ward>.
-- A document is never deleted: withdrawing it keeps the row (and the file) and hides it from residents.
-- The file is kept in the database (bytea, at most 10 MB: checked by the code and here), with its SHA-256, so a
-- backup of the database is a backup of the documents and every worker serves the same bytes.
CREATE TABLE disclosures (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ward_code       text NOT NULL,                 -- a current wards.code (checked on upload; wards is versioned)
    category        text NOT NULL CHECK (category IN ('plan', 'budget', 'contribution', 'land')),
    title_vi        text NOT NULL CHECK (length(title_vi) BETWEEN 1 AND 300),
    title_en        text CHECK (length(title_en) BETWEEN 1 AND 300),
    document_date   date NOT NULL,
    published_at    timestamptz NOT NULL DEFAULT now(),
    filename        text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
    content_type    text NOT NULL,
    size_bytes      integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
    sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content         bytea NOT NULL,
    uploaded_by     text NOT NULL,                 -- the actor as the audit log names it (a user name)
    uploaded_by_id  bigint REFERENCES users (id),
    comments_open   timestamptz,
    comments_close  timestamptz,
    withdrawn_at    timestamptz,
    withdrawn_by    text,
    withdrawn_reason text CHECK (length(withdrawn_reason) <= 500),
    synthetic       boolean NOT NULL DEFAULT false,    -- made up by the demo: the page labels it so
    CHECK ((comments_open IS NULL) = (comments_close IS NULL)),
    CHECK (comments_open IS NULL OR comments_open < comments_close),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);
CREATE INDEX disclosures_ward ON disclosures (ward_code, document_date DESC) WHERE withdrawn_at IS NULL;

-- Residents' comments on a document inside its comment period. Anonymous: no name, no address, no contact and no
-- IP address is stored (Law 91/2025/QH15: personal data we do not need, we do not keep). Staff moderate them;
-- residents see the count of comments not hidden and the text of the published ones.
CREATE TABLE disclosure_comments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    disclosure_id  bigint NOT NULL REFERENCES disclosures (id),
    received_at    timestamptz NOT NULL DEFAULT now(),
    body           text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    state          text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'published', 'hidden')),
    moderated_by   text,
    moderated_at   timestamptz
);
CREATE INDEX disclosure_comments_doc ON disclosure_comments (disclosure_id, received_at);

-- The key that signs the anonymous comment forms' tokens: one per deployment, shared by every worker, made here so
-- nobody has to configure it. Rotating it (UPDATE … SET key = …) only voids the forms open at that moment.
CREATE TABLE public_form_key (
    only_one  boolean PRIMARY KEY DEFAULT true CHECK (only_one),
    key       text NOT NULL
);
INSERT INTO public_form_key (key)
VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
