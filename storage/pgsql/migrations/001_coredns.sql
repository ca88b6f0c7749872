-- storage/pgsql/migrations/001_coredns.sql - our tables and change triggers
--
-- Adds tables, functions and triggers only; PowerDNS's core tables are
-- not altered, so PowerDNS can keep using a migrated database. The same
-- tables as the SQLite migration, with PostgreSQL's types. A row is DNS
-- data when its type is not NULL (pdnsutil rectify writes NULL-type
-- empty non-terminals) and it is not disabled; ordername and auth are
-- DNSSEC bookkeeping, so an update touching only them is no DNS change.
-- Every change also sends NOTIFY coredns with the zone id as payload
-- (delivered at commit, once per zone and transaction). TRUNCATE of
-- records fires no row trigger: delete the rows instead.

CREATE TABLE coredns_schema (
  version               INTEGER NOT NULL
);

CREATE TABLE coredns_zone_state (
  domain_id             INTEGER PRIMARY KEY,
  generation            BIGINT NOT NULL DEFAULT 1,
  served_serial         BIGINT DEFAULT NULL,
  changed_at            BIGINT DEFAULT NULL
);

CREATE TABLE coredns_steward (
  id                    INTEGER PRIMARY KEY,
  holder                VARCHAR(255) NOT NULL,
  expires               BIGINT NOT NULL
);

-- txid: the writing transaction (txid_current()), so one committed
-- transaction can be told from the next
CREATE TABLE coredns_pending (
  id                    BIGSERIAL PRIMARY KEY,
  domain_id             INTEGER NOT NULL,
  op                    VARCHAR(3) NOT NULL CHECK (op IN ('add', 'del')),
  name                  VARCHAR(255) DEFAULT NULL,
  type                  VARCHAR(10) DEFAULT NULL,
  content               VARCHAR(65535) DEFAULT NULL,
  ttl                   INTEGER DEFAULT NULL,
  prio                  INTEGER DEFAULT NULL,
  disabled              BOOL DEFAULT FALSE,
  txid                  BIGINT NOT NULL DEFAULT txid_current()
);

CREATE INDEX coredns_pending_domain_idx ON coredns_pending(domain_id, id);

CREATE TABLE coredns_journal (
  id                    BIGSERIAL PRIMARY KEY,
  domain_id             INTEGER NOT NULL,
  serial_from           BIGINT NOT NULL,
  serial_to             BIGINT NOT NULL,
  op                    VARCHAR(3) NOT NULL CHECK (op IN ('add', 'del')),
  name                  VARCHAR(255) DEFAULT NULL,
  type                  VARCHAR(10) DEFAULT NULL,
  content               VARCHAR(65535) DEFAULT NULL,
  ttl                   INTEGER DEFAULT NULL,
  prio                  INTEGER DEFAULT NULL,
  at                    BIGINT NOT NULL
);

CREATE INDEX coredns_journal_domain_idx ON coredns_journal(domain_id, id);
CREATE INDEX coredns_journal_serial_idx
  ON coredns_journal(domain_id, serial_from);

INSERT INTO coredns_zone_state (domain_id, generation, served_serial,
    changed_at)
  SELECT id, 1, NULL, CAST(extract(epoch FROM now()) AS BIGINT)
  FROM domains;

CREATE FUNCTION coredns_domains_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO coredns_zone_state (domain_id, generation, served_serial,
        changed_at)
      VALUES (NEW.id, 1, NULL, CAST(extract(epoch FROM now()) AS BIGINT))
      ON CONFLICT (domain_id) DO NOTHING;
    PERFORM pg_notify('coredns', NEW.id::text);
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM coredns_zone_state WHERE domain_id = OLD.id;
    DELETE FROM coredns_pending WHERE domain_id = OLD.id;
    DELETE FROM coredns_journal WHERE domain_id = OLD.id;
    PERFORM pg_notify('coredns', OLD.id::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER coredns_domains_aid AFTER INSERT OR DELETE ON domains
  FOR EACH ROW EXECUTE FUNCTION coredns_domains_change();

CREATE FUNCTION coredns_records_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  old_dns BOOLEAN := FALSE;
  new_dns BOOLEAN := FALSE;
  old_zone INTEGER := NULL;
  new_zone INTEGER := NULL;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    old_dns := OLD.type IS NOT NULL AND NOT COALESCE(OLD.disabled, FALSE);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    new_dns := NEW.type IS NOT NULL AND NOT COALESCE(NEW.disabled, FALSE);
  END IF;
  IF TG_OP = 'UPDATE' THEN
    -- ordername and auth alone are no DNS change
    IF OLD.domain_id IS NOT DISTINCT FROM NEW.domain_id
        AND OLD.name IS NOT DISTINCT FROM NEW.name
        AND OLD.type IS NOT DISTINCT FROM NEW.type
        AND OLD.content IS NOT DISTINCT FROM NEW.content
        AND OLD.ttl IS NOT DISTINCT FROM NEW.ttl
        AND OLD.prio IS NOT DISTINCT FROM NEW.prio
        AND old_dns = new_dns THEN
      RETURN NULL;
    END IF;
  END IF;
  IF old_dns AND EXISTS (SELECT 1 FROM coredns_zone_state
      WHERE domain_id = OLD.domain_id) THEN
    INSERT INTO coredns_pending (domain_id, op, name, type, content, ttl,
        prio, disabled, txid)
      VALUES (OLD.domain_id, 'del', OLD.name, OLD.type, OLD.content,
        OLD.ttl, OLD.prio, FALSE, txid_current());
    old_zone := OLD.domain_id;
  END IF;
  IF new_dns AND EXISTS (SELECT 1 FROM coredns_zone_state
      WHERE domain_id = NEW.domain_id) THEN
    INSERT INTO coredns_pending (domain_id, op, name, type, content, ttl,
        prio, disabled, txid)
      VALUES (NEW.domain_id, 'add', NEW.name, NEW.type, NEW.content,
        NEW.ttl, NEW.prio, FALSE, txid_current());
    new_zone := NEW.domain_id;
  END IF;
  IF old_zone IS NULL AND new_zone IS NULL THEN
    RETURN NULL;
  END IF;
  UPDATE coredns_zone_state SET generation = generation + 1,
      changed_at = CAST(extract(epoch FROM now()) AS BIGINT)
    WHERE domain_id IN (old_zone, new_zone);
  IF old_zone IS NOT NULL THEN
    PERFORM pg_notify('coredns', old_zone::text);
  END IF;
  IF new_zone IS NOT NULL THEN
    PERFORM pg_notify('coredns', new_zone::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER coredns_records_aiud AFTER INSERT OR UPDATE OR DELETE
  ON records FOR EACH ROW EXECUTE FUNCTION coredns_records_change();
