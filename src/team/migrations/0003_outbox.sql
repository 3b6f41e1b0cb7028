-- The desk's outbox, answer-link key and expiry scan. The outbox: every notice any agent or `watch` queues, under its idempotency key, so
-- the per-user caps (four lockout notices a day) count every replica's and every agent's, and
-- each notice is delivered once whichever `watch` delivers it. The layout is the SQLite
-- outbox's (instants in integer milliseconds since the epoch), plus a delivery lease.

CREATE TABLE notices (
    id               bigserial PRIMARY KEY,
    key              text NOT NULL UNIQUE,
    key_user         text NOT NULL,
    stage            text NOT NULL,
    cycle            text NOT NULL,
    kind             text NOT NULL,
    channel          text NOT NULL,
    user_id          text,
    login            text,
    notice           text NOT NULL,
    state            text NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    queued_at        bigint NOT NULL,
    due_at           bigint NOT NULL,
    next_attempt_at  bigint NOT NULL,
    sent_at          bigint,
    last_error       text,
    -- A `watch` taking a notice to deliver holds it until then; another takes it only after.
    leased_until     bigint,
    leased_by        text,
    queued_by        text NOT NULL DEFAULT session_user
);
CREATE INDEX notices_due ON notices (state, next_attempt_at);
CREATE INDEX notices_user ON notices (key_user, kind);

-- Answers given through notice links: the key is the notice's, so each link is used once.
CREATE TABLE answers (
    key       text PRIMARY KEY,
    key_user  text NOT NULL,
    kind      text NOT NULL,
    cycle     text NOT NULL,
    choice    text NOT NULL,
    user_id   text NOT NULL,
    at        bigint NOT NULL,
    seq       bigserial NOT NULL
);
CREATE INDEX answers_user ON answers (key_user, kind);

-- Small named state beside the notices it decides (bursts alerted, the day's summary).
CREATE TABLE outbox_state (
    name   text PRIMARY KEY,
    value  text NOT NULL
);

-- The desk's answer-link signing key, made by the first process that needs it, so links
-- composed by any agent are checked by any `watch` (ACCESSDESK_ANSWER_KEY overrides it).
CREATE TABLE desk_secrets (
    name   text PRIMARY KEY,
    value  text NOT NULL
);

-- The expiry scanner's latest result, whole (it is replaced whole on every save): `watch`
-- scans the directory and saves it; dashboards and `expiries --stored` read it.
CREATE TABLE expiry_scan (
    id        smallint PRIMARY KEY CHECK (id = 1),
    scan      jsonb NOT NULL,
    as_of     timestamptz,
    saved_by  text NOT NULL DEFAULT session_user,
    saved_at  timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON notices, answers, outbox_state, desk_secrets, expiry_scan FROM PUBLIC;
GRANT SELECT ON expiry_scan TO accessdesk_agent;
GRANT SELECT, INSERT, UPDATE ON expiry_scan TO accessdesk_watch;
GRANT SELECT, INSERT ON desk_secrets TO accessdesk_agent, accessdesk_watch;
-- Agents queue notices after their actions and read the outbox (the status line, `outbox`);
-- `outbox retry` puts failed ones back in the queue.
GRANT SELECT, INSERT, UPDATE ON notices TO accessdesk_agent, accessdesk_watch;
GRANT USAGE ON SEQUENCE notices_id_seq TO accessdesk_agent, accessdesk_watch;
GRANT SELECT ON answers TO accessdesk_agent;
GRANT SELECT, INSERT ON answers TO accessdesk_watch;
GRANT USAGE ON SEQUENCE answers_seq_seq TO accessdesk_watch;
GRANT SELECT ON outbox_state TO accessdesk_agent;
GRANT SELECT, INSERT, UPDATE ON outbox_state TO accessdesk_watch;
