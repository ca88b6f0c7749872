-- storage/sqlite/migrations/001_coredns.sql - our tables and change triggers
--
-- Adds tables and triggers only; PowerDNS's core tables are not altered,
-- so PowerDNS can keep using a migrated database. A row is DNS data when
-- its type is not NULL (pdnsutil rectify writes NULL-type empty
-- non-terminals) and it is not disabled; ordername and auth are DNSSEC
-- bookkeeping, so an update touching only them is no DNS change.

CREATE TABLE coredns_schema (
  version               INTEGER NOT NULL
);

CREATE TABLE coredns_zone_state (
  domain_id             INTEGER PRIMARY KEY,
  generation            INTEGER NOT NULL DEFAULT 1,
  served_serial         INTEGER DEFAULT NULL,
  changed_at            INTEGER DEFAULT NULL
);

CREATE TABLE coredns_steward (
  id                    INTEGER PRIMARY KEY,
  holder                VARCHAR(255) NOT NULL,
  expires               INTEGER NOT NULL
);

CREATE TABLE coredns_pending (
  id                    INTEGER PRIMARY KEY,
  domain_id             INTEGER NOT NULL,
  op                    VARCHAR(3) NOT NULL CHECK (op IN ('add', 'del')),
  name                  VARCHAR(255) DEFAULT NULL,
  type                  VARCHAR(10) DEFAULT NULL,
  content               VARCHAR(65535) DEFAULT NULL,
  ttl                   INTEGER DEFAULT NULL,
  prio                  INTEGER DEFAULT NULL,
  disabled              BOOLEAN DEFAULT 0
);

CREATE INDEX coredns_pending_domain_idx ON coredns_pending(domain_id, id);

CREATE TABLE coredns_journal (
  id                    INTEGER PRIMARY KEY,
  domain_id             INTEGER NOT NULL,
  serial_from           INTEGER NOT NULL,
  serial_to             INTEGER NOT NULL,
  op                    VARCHAR(3) NOT NULL CHECK (op IN ('add', 'del')),
  name                  VARCHAR(255) DEFAULT NULL,
  type                  VARCHAR(10) DEFAULT NULL,
  content               VARCHAR(65535) DEFAULT NULL,
  ttl                   INTEGER DEFAULT NULL,
  prio                  INTEGER DEFAULT NULL,
  at                    INTEGER NOT NULL
);

CREATE INDEX coredns_journal_domain_idx ON coredns_journal(domain_id, id);
CREATE INDEX coredns_journal_serial_idx
  ON coredns_journal(domain_id, serial_from);

INSERT INTO coredns_zone_state (domain_id, generation, served_serial,
    changed_at)
  SELECT id, 1, NULL, CAST(strftime('%s', 'now') AS INTEGER) FROM domains;

CREATE TRIGGER coredns_domains_ai AFTER INSERT ON domains
BEGIN
  INSERT OR IGNORE INTO coredns_zone_state (domain_id, generation,
      served_serial, changed_at)
    VALUES (NEW.id, 1, NULL, CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER coredns_domains_ad AFTER DELETE ON domains
BEGIN
  DELETE FROM coredns_zone_state WHERE domain_id = OLD.id;
  DELETE FROM coredns_pending WHERE domain_id = OLD.id;
  DELETE FROM coredns_journal WHERE domain_id = OLD.id;
END;

CREATE TRIGGER coredns_records_ai AFTER INSERT ON records
WHEN NEW.type IS NOT NULL AND NOT COALESCE(NEW.disabled, 0)
  AND EXISTS (SELECT 1 FROM coredns_zone_state
    WHERE domain_id = NEW.domain_id)
BEGIN
  INSERT INTO coredns_pending (domain_id, op, name, type, content, ttl,
      prio, disabled)
    VALUES (NEW.domain_id, 'add', NEW.name, NEW.type, NEW.content, NEW.ttl,
      NEW.prio, 0);
  UPDATE coredns_zone_state SET generation = generation + 1,
      changed_at = CAST(strftime('%s', 'now') AS INTEGER)
    WHERE domain_id = NEW.domain_id;
END;

CREATE TRIGGER coredns_records_ad AFTER DELETE ON records
WHEN OLD.type IS NOT NULL AND NOT COALESCE(OLD.disabled, 0)
  AND EXISTS (SELECT 1 FROM coredns_zone_state
    WHERE domain_id = OLD.domain_id)
BEGIN
  INSERT INTO coredns_pending (domain_id, op, name, type, content, ttl,
      prio, disabled)
    VALUES (OLD.domain_id, 'del', OLD.name, OLD.type, OLD.content, OLD.ttl,
      OLD.prio, 0);
  UPDATE coredns_zone_state SET generation = generation + 1,
      changed_at = CAST(strftime('%s', 'now') AS INTEGER)
    WHERE domain_id = OLD.domain_id;
END;

CREATE TRIGGER coredns_records_au AFTER UPDATE ON records
WHEN (OLD.domain_id IS NOT NEW.domain_id OR OLD.name IS NOT NEW.name
    OR OLD.type IS NOT NEW.type OR OLD.content IS NOT NEW.content
    OR OLD.ttl IS NOT NEW.ttl OR OLD.prio IS NOT NEW.prio
    OR (NOT COALESCE(OLD.disabled, 0)) IS NOT (NOT COALESCE(NEW.disabled, 0)))
  AND ((OLD.type IS NOT NULL AND NOT COALESCE(OLD.disabled, 0))
    OR (NEW.type IS NOT NULL AND NOT COALESCE(NEW.disabled, 0)))
BEGIN
  INSERT INTO coredns_pending (domain_id, op, name, type, content, ttl,
      prio, disabled)
    SELECT OLD.domain_id, 'del', OLD.name, OLD.type, OLD.content, OLD.ttl,
        OLD.prio, 0
      WHERE OLD.type IS NOT NULL AND NOT COALESCE(OLD.disabled, 0)
        AND EXISTS (SELECT 1 FROM coredns_zone_state
          WHERE domain_id = OLD.domain_id);
  INSERT INTO coredns_pending (domain_id, op, name, type, content, ttl,
      prio, disabled)
    SELECT NEW.domain_id, 'add', NEW.name, NEW.type, NEW.content, NEW.ttl,
        NEW.prio, 0
      WHERE NEW.type IS NOT NULL AND NOT COALESCE(NEW.disabled, 0)
        AND EXISTS (SELECT 1 FROM coredns_zone_state
          WHERE domain_id = NEW.domain_id);
  UPDATE coredns_zone_state SET generation = generation + 1,
      changed_at = CAST(strftime('%s', 'now') AS INTEGER)
    WHERE domain_id IN (OLD.domain_id, NEW.domain_id);
END;
