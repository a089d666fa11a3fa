-- Anonymous Open311 readers per minute (dashboards.api.open311): one row per client and window, shared by every
-- gunicorn worker so the limit holds for the server, not per process. The client is a hash of its address, and
-- rows older than a few minutes are deleted by the limiter itself: no address is kept.
CREATE TABLE open311_readers (
    client       text NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (client, window_start)
);
