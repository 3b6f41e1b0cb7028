-- The desk's audit trail: the same records and hash chain as the local SQLite log, in
-- chains ('desk' for the live one, 'import:…' for local logs brought in), append-only for
-- every role, and each live record in the name of the database role that wrote it.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'accessdesk_agent') THEN
        -- Agents log in as their own roles, members of this one.
        CREATE ROLE accessdesk_agent NOLOGIN;
    END IF;
END
$$;

CREATE TABLE audit (
    chain           text NOT NULL,
    seq             bigint NOT NULL,
    time            text NOT NULL,
    agent           text NOT NULL,
    action          text NOT NULL,
    target_id       text,
    target_login    text,
    ticket          text,
    checklist       text NOT NULL,
    evidence        text NOT NULL,
    idp_request_id  text,
    outcome         text NOT NULL,
    error           text,
    note            text,
    prev_hash       text NOT NULL,
    hash            text NOT NULL,
    org             text,
    factors_removed text NOT NULL DEFAULT '[]',
    ticket_check    text,
    -- Set by the database, whatever the client sends.
    written_by      text NOT NULL DEFAULT session_user,
    written_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chain, seq)
);
CREATE INDEX audit_time ON audit (chain, time);

-- The newest record of each chain, kept by the append trigger only: what a record must
-- follow, and the high-water mark that shows records removed from the end.
CREATE TABLE audit_head (
    chain text PRIMARY KEY,
    seq   bigint NOT NULL,
    hash  text NOT NULL
);

-- Outside the chain: "records 1..=through_seq verified, ending in hash".
CREATE TABLE audit_checkpoint (
    chain        text PRIMARY KEY,
    through_seq  bigint NOT NULL,
    hash         text NOT NULL,
    verified_at  timestamptz NOT NULL
);

CREATE FUNCTION accessdesk_audit_append() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    head_seq  bigint;
    head_hash text;
BEGIN
    -- One writer per chain at a time, whoever the client is and whatever it did first.
    PERFORM pg_advisory_xact_lock(hashtextextended('accessdesk.audit.' || NEW.chain, 0));
    NEW.written_by := session_user;
    NEW.written_at := now();
    IF NEW.chain = 'desk' THEN
        IF NEW.agent IS DISTINCT FROM session_user THEN
            RAISE EXCEPTION 'audit records are written in the name of the role that writes them: % cannot write a record as %',
                session_user, NEW.agent;
        END IF;
    ELSIF NEW.chain NOT LIKE 'import:%' THEN
        RAISE EXCEPTION 'unknown audit chain %', NEW.chain;
    END IF;
    SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_head h WHERE h.chain = NEW.chain;
    IF NOT FOUND THEN
        head_seq := 0;
        head_hash := '0000000000000000000000000000000000000000000000000000000000000000';
    END IF;
    IF NEW.seq <> head_seq + 1 OR NEW.prev_hash <> head_hash THEN
        RAISE EXCEPTION 'audit record % of chain % does not follow its head (record %): another agent appended first',
            NEW.seq, NEW.chain, head_seq;
    END IF;
    INSERT INTO audit_head (chain, seq, hash) VALUES (NEW.chain, NEW.seq, NEW.hash)
        ON CONFLICT (chain) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash;
    RETURN NEW;
END
$$;

CREATE FUNCTION accessdesk_audit_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the accessdesk audit log is append-only: records cannot be changed or removed (%)', TG_OP;
END
$$;

CREATE TRIGGER audit_append BEFORE INSERT ON audit
    FOR EACH ROW EXECUTE FUNCTION accessdesk_audit_append();
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION accessdesk_audit_refuse();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION accessdesk_audit_refuse();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION accessdesk_audit_refuse();

REVOKE ALL ON audit, audit_head, audit_checkpoint FROM PUBLIC;
REVOKE ALL ON FUNCTION accessdesk_audit_append() FROM PUBLIC;
GRANT SELECT, INSERT ON audit TO accessdesk_agent;
GRANT SELECT ON audit_head TO accessdesk_agent;
GRANT SELECT, INSERT, UPDATE ON audit_checkpoint TO accessdesk_agent;
GRANT SELECT ON _sqlx_migrations TO accessdesk_agent;
