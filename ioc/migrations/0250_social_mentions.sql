-- Social listening (issue 21 part 3, docs/social.md): mentions of the city bought from a listening provider, imported
-- from its files or pushed to the webhook. Not a crawler. A mention keeps the post's URL and what the provider
-- measured (topic, sentiment, reach, a summary with personal identifiers stripped) and nothing about its author
-- (Law 91/2025/QH15: no personal data beyond what the purpose needs).

-- A provider: the key that signs its webhook calls (HMAC-SHA256 needs the key itself, so it is stored as given; only
-- admins reach this table) and its field mapping profile (its column names and values -> ours).
CREATE TABLE social_providers (
    name       text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    secret     text NOT NULL CHECK (length(secret) >= 32),
    profile    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE social_mentions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider     text NOT NULL REFERENCES social_providers (name),
    source       text NOT NULL CHECK (source ~ '^[a-z0-9_]{1,40}$'),        -- facebook, tiktok, news, forum …
    url          text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    published_at timestamptz NOT NULL,
    topic        text NOT NULL CHECK (topic IN ('flooding', 'waste', 'public_order', 'traffic', 'public_services',
                                                'street_lighting', 'other')),
    sentiment    text NOT NULL CHECK (sentiment IN ('negative', 'neutral', 'positive')),
    reach        bigint NOT NULL CHECK (reach >= 0),
    summary      text NOT NULL DEFAULT '' CHECK (length(summary) <= 2000),
    ward_code    text,
    ward_how     text NOT NULL CHECK (ward_how IN ('given', 'point', 'unknown')),
    synthetic    boolean NOT NULL DEFAULT false,      -- the demo's generated feed: labelled so on every screen
    report_id    bigint UNIQUE REFERENCES reports (id) ON DELETE SET NULL,   -- the field report made from it
    received_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider, url),
    CHECK ((ward_how = 'unknown') = (ward_code IS NULL))
);
CREATE INDEX social_mentions_published ON social_mentions (published_at DESC);
CREATE INDEX social_mentions_ward ON social_mentions (ward_code, published_at DESC);
COMMENT ON TABLE social_mentions IS
    'Social listening mentions: post URL and provider measures only, no author (Law 91/2025/QH15); docs/social.md';

-- A field report made from a mention arrives through its own channel.
ALTER TABLE reports DROP CONSTRAINT reports_source_check;
ALTER TABLE reports ADD CONSTRAINT reports_source_check
    CHECK (source IN ('hotline_1022', 'web', 'app', 'zalo', 'facebook', 'field_staff', 'open311', 'social'));
ALTER TABLE report_channel_defaults DROP CONSTRAINT report_channel_defaults_source_check;
ALTER TABLE report_channel_defaults ADD CONSTRAINT report_channel_defaults_source_check
    CHECK (source IN ('hotline_1022', 'web', 'app', 'zalo', 'facebook', 'field_staff', 'open311', 'social'));
-- staff write the report from someone else's post, who never agreed to its publication here
INSERT INTO report_channel_defaults VALUES ('social', false, false);
