-- Dead letters stored once per message (issue 14, item 3). Before, every rejected element of an array carried its
-- own copy of the payload: 1,000 bad readings in one 230 KB message wrote 4.6 MB. Now a message row holds the
-- payload once (capped by the ingester; payload_bytes keeps the original size) and one reason row per problem.
-- Readers keep the old shape through the view dead_letters (one row per reason, with its message's payload).

CREATE SEQUENCE dead_letter_message_id;

CREATE TABLE dead_letter_messages (
    id            bigint NOT NULL DEFAULT nextval('dead_letter_message_id'),
    received_at   timestamptz NOT NULL,
    topic         text NOT NULL,
    payload       bytea NOT NULL,           -- the first bytes of the payload (see payload_bytes)
    payload_bytes integer NOT NULL,         -- the payload's size as received; > length(payload) when capped
    device_id     text,                     -- from the topic when the topic could be read
    kind          text,
    reasons       integer NOT NULL          -- problems found; reason rows may be fewer when capped
);
SELECT create_hypertable('dead_letter_messages', by_range('received_at', INTERVAL '7 days'));
CREATE INDEX dead_letter_messages_device ON dead_letter_messages (device_id, received_at DESC);
CREATE INDEX dead_letter_messages_id ON dead_letter_messages (id, received_at);

CREATE TABLE dead_letter_reasons (
    message_id    bigint NOT NULL,
    received_at   timestamptz NOT NULL,     -- the message's, so both hypertables drop the same chunks
    reason        text NOT NULL,
    code          text NOT NULL,
    field         text,
    element_index integer
);
SELECT create_hypertable('dead_letter_reasons', by_range('received_at', INTERVAL '7 days'));
CREATE INDEX dead_letter_reasons_message ON dead_letter_reasons (message_id, received_at);

-- Dead letters a device sent beyond its rate limit: counted per device and minute, never stored one by one.
CREATE TABLE dead_letter_overflow (
    device_id     text NOT NULL,            -- the topic when no device could be read from it
    minute        timestamptz NOT NULL,
    messages      integer NOT NULL,
    readings      integer NOT NULL,
    bytes         bigint NOT NULL,
    last_reason   text NOT NULL,
    PRIMARY KEY (device_id, minute)
);
SELECT create_hypertable('dead_letter_overflow', by_range('minute', INTERVAL '30 days'));

INSERT INTO dead_letter_messages (id, received_at, topic, payload, payload_bytes, device_id, kind, reasons)
SELECT nextval('dead_letter_message_id'), received_at, topic, payload, length(payload), device_id, kind, n
FROM (SELECT received_at, topic, payload, max(device_id) AS device_id, max(kind) AS kind, count(*)::int AS n
      FROM dead_letters GROUP BY received_at, topic, payload) AS old;
INSERT INTO dead_letter_reasons (message_id, received_at, reason, code, field, element_index)
SELECT m.id, d.received_at, d.reason, d.code, d.field, d.element_index
FROM dead_letters d JOIN dead_letter_messages m
  ON m.received_at = d.received_at AND m.topic = d.topic AND m.payload = d.payload;
DROP TABLE dead_letters;

CREATE VIEW dead_letters AS
SELECT r.received_at, m.topic, m.payload, r.reason, r.code, r.field, r.element_index, m.device_id, m.kind,
       m.id AS message_id, m.payload_bytes
FROM dead_letter_reasons r
JOIN dead_letter_messages m ON m.id = r.message_id AND m.received_at = r.received_at;

-- Writers of the old shape (seed scripts, hand-made fixes) still work: each row becomes one message and one reason.
CREATE FUNCTION dead_letters_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mid bigint := nextval('dead_letter_message_id');
BEGIN
    INSERT INTO dead_letter_messages (id, received_at, topic, payload, payload_bytes, device_id, kind, reasons)
    VALUES (mid, NEW.received_at, NEW.topic, NEW.payload, length(NEW.payload), NEW.device_id, NEW.kind, 1);
    INSERT INTO dead_letter_reasons (message_id, received_at, reason, code, field, element_index)
    VALUES (mid, NEW.received_at, NEW.reason, NEW.code, NEW.field, NEW.element_index);
    RETURN NEW;
END $$;
CREATE TRIGGER dead_letters_insert INSTEAD OF INSERT ON dead_letters
    FOR EACH ROW EXECUTE FUNCTION dead_letters_insert();
