-- The desk's shared lockout feed and claims. One `watch` (the leader, holding the feed's
-- advisory lock) polls the IdP and writes each lockout once; every dashboard and
-- `lockouts --follow` reads them from here (LISTEN accessdesk_lockouts, then a catch-up by id).

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'accessdesk_watch') THEN
        -- The role `watch` logs in as (or a member of it): writes the feed.
        CREATE ROLE accessdesk_watch NOLOGIN;
    END IF;
END
$$;

CREATE TABLE lockouts (
    -- Feed order: followers catch up with id > the last they saw.
    id          bigserial UNIQUE NOT NULL,
    -- The IdP event's uuid: each lockout is written once, whichever leader saw it.
    uuid        text PRIMARY KEY,
    published   timestamptz NOT NULL,
    user_id     text,
    login       text NOT NULL,
    -- The provider-neutral lockout as accessdesk models it (JSON).
    body        jsonb NOT NULL,
    written_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    written_by  text NOT NULL DEFAULT session_user,
    -- The leader queued this lockout's notices; a new leader finishes those it did not.
    noticed     boolean NOT NULL DEFAULT false
);
CREATE INDEX lockouts_published ON lockouts (published);

-- Where the feed stands (one row per feed) and how the leader's polling goes, for the
-- followers' health line.
CREATE TABLE feed_state (
    feed            text PRIMARY KEY,
    cursor          text NOT NULL,
    leader          text NOT NULL,
    interval_ms     bigint NOT NULL,
    last_attempt    timestamptz,
    last_success    timestamptz,
    last_error      text,
    error_transient boolean NOT NULL DEFAULT true,
    consecutive_errors integer NOT NULL DEFAULT 0,
    -- When event hooks last delivered: polling slows to the backstop while they do.
    last_hook       timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- "alice is on this call": one live claim per lockout, visible to every agent; released
-- with what was done (the feed's handled mark, e.g. 'unlocked') or nothing.
CREATE TABLE claims (
    lockout_uuid  text PRIMARY KEY,
    user_id       text,
    agent         text NOT NULL DEFAULT session_user,
    claimed_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    released_at   timestamptz,
    outcome       text
);
CREATE INDEX claims_claimed_at ON claims (claimed_at);

-- A claim is in the name of the role that makes it; taking over another agent's live claim
-- is refused (an expired or released one may be taken).
CREATE FUNCTION accessdesk_claim_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.agent := session_user;
        NEW.claimed_at := now();
        RETURN NEW;
    END IF;
    IF OLD.agent <> session_user AND OLD.released_at IS NULL AND OLD.expires_at > now() THEN
        RAISE EXCEPTION 'lockout % is claimed by % until %', OLD.lockout_uuid, OLD.agent, OLD.expires_at;
    END IF;
    IF NEW.agent IS DISTINCT FROM OLD.agent THEN
        NEW.agent := session_user;
        NEW.claimed_at := now();
    END IF;
    IF NEW.agent <> session_user THEN
        RAISE EXCEPTION 'claims are made in the name of the role that makes them';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER claims_guard BEFORE INSERT OR UPDATE ON claims
    FOR EACH ROW EXECUTE FUNCTION accessdesk_claim_guard();

CREATE FUNCTION accessdesk_claims_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('accessdesk_claims', NEW.lockout_uuid);
    RETURN NULL;
END
$$;
CREATE TRIGGER claims_notify AFTER INSERT OR UPDATE ON claims
    FOR EACH ROW EXECUTE FUNCTION accessdesk_claims_notify();

REVOKE ALL ON lockouts, feed_state, claims FROM PUBLIC;
GRANT SELECT ON lockouts, feed_state, claims TO accessdesk_agent, accessdesk_watch;
GRANT INSERT, UPDATE ON lockouts, feed_state TO accessdesk_watch;
GRANT USAGE ON SEQUENCE lockouts_id_seq TO accessdesk_watch;
GRANT INSERT, UPDATE ON claims TO accessdesk_agent;
GRANT SELECT ON _sqlx_migrations TO accessdesk_watch;
