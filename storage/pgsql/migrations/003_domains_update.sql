-- storage/pgsql/migrations/003_domains_update.sql - zone changes in domains
--
-- A change to a zone's row in domains that matters to a server (a
-- rename, a kind change such as `coredns-util zone set-kind`, new
-- primaries in master) steps the zone's generation and sends NOTIFY
-- coredns with the zone id, as a change to its records does, so a
-- server reloads the zone at once instead of on some later change.
-- Columns that PowerDNS and the NOTIFY sender keep up to date themselves
-- (notified_serial, last_check) and ones we do not serve from (account,
-- options, catalog) are left out: bookkeeping there is no zone change
-- (the WHEN is checked without calling the function). No pending rows
-- and no serial step: the zone's records are unchanged. domains.id is
-- not expected to change (PowerDNS never does; the records foreign key
-- forbids it while the zone has rows); if it does, both ids get the
-- step. Adds a function and a trigger only; core tables unchanged.

CREATE FUNCTION coredns_domains_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE coredns_zone_state SET generation = generation + 1,
      changed_at = CAST(extract(epoch FROM now()) AS BIGINT)
    WHERE domain_id IN (OLD.id, NEW.id);
  PERFORM pg_notify('coredns', NEW.id::text);
  IF OLD.id <> NEW.id THEN
    PERFORM pg_notify('coredns', OLD.id::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER coredns_domains_au AFTER UPDATE ON domains
  FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name
    OR OLD.type IS DISTINCT FROM NEW.type
    OR OLD.master IS DISTINCT FROM NEW.master
    OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION coredns_domains_update();
