-- storage/pgsql/migrations/002_bulk.sql - bulk loads of a new zone
--
-- A zone whose id the session has in the setting coredns.bulk_zone
-- (set_config(..., true): for the current transaction only) is being
-- loaded whole by store_bulk_* (store.h): rows inserted into it by that
-- transaction fire no trigger (the WHEN below is checked without calling
-- the function, so no event is even queued); the loader bumps the
-- generation once, records the served serial, clears the zone's pending
-- rows and journal and sends the NOTIFY itself, in the same transaction.
-- Every other session (PowerDNS, an admin's SQL) never has the setting
-- and gets the triggers as before. The one trigger for INSERT, UPDATE
-- and DELETE becomes one per event (a WHEN on NEW needs an INSERT
-- trigger of its own); the function is unchanged. Core tables unchanged.

DROP TRIGGER coredns_records_aiud ON records;

CREATE TRIGGER coredns_records_ai AFTER INSERT ON records
  FOR EACH ROW
  WHEN (current_setting('coredns.bulk_zone', true)
    IS DISTINCT FROM NEW.domain_id::text)
  EXECUTE FUNCTION coredns_records_change();

CREATE TRIGGER coredns_records_aud AFTER UPDATE OR DELETE ON records
  FOR EACH ROW EXECUTE FUNCTION coredns_records_change();
