-- storage/sqlite/migrations/002_domains_update.sql - zone changes in domains
--
-- A change to a zone's row in domains that matters to a server (a
-- rename, a kind change such as `coredns-util zone set-kind`, new
-- primaries in master) steps the zone's generation, so a server that
-- watches the store (PRAGMA data_version, then the generations) reloads
-- the zone at once instead of on some later change. Columns that
-- PowerDNS and the NOTIFY sender keep up to date themselves
-- (notified_serial, last_check) and ones we do not serve from (account,
-- options, catalog) are left out: bookkeeping there is no zone change.
-- No pending rows and no serial step: the zone's records are unchanged.
-- domains.id is not expected to change (PowerDNS never does; records
-- refer to it); if it does, both ids get the step. Adds a trigger
-- only; core tables unchanged.

CREATE TRIGGER coredns_domains_au AFTER UPDATE ON domains
WHEN OLD.name IS NOT NEW.name OR OLD.type IS NOT NEW.type
  OR OLD.master IS NOT NEW.master OR OLD.id IS NOT NEW.id
BEGIN
  UPDATE coredns_zone_state SET generation = generation + 1,
      changed_at = CAST(strftime('%s', 'now') AS INTEGER)
    WHERE domain_id IN (OLD.id, NEW.id);
END;
