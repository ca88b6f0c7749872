-- storage/pgsql/migrations/004_once_per_tx.sql - a zone's generation
-- step and NOTIFY once per transaction, not once per row
--
-- coredns_records_change (001) updated the zone's coredns_zone_state row
-- and queued a NOTIFY for every changed records row. Updating one row
-- again and again in one transaction makes a chain of row versions that
-- every further update walks: a raw UPDATE of 40000 rows took 29 s, of a
-- whole big zone hours. Other sessions only ever see a transaction
-- whole, so one step per zone and transaction tells them as much. The
-- zones already stepped by the current transaction are kept in the
-- transaction-local setting coredns.tx_zones (",1,7,": set_config(...,
-- true) is undone with the transaction or a rolled-back savepoint, as
-- the step itself is). Pending rows are still one per changed row.
-- Replaces the function only; triggers and core tables unchanged.

CREATE OR REPLACE FUNCTION coredns_records_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  old_dns BOOLEAN := FALSE;
  new_dns BOOLEAN := FALSE;
  old_zone INTEGER := NULL;
  new_zone INTEGER := NULL;
  done TEXT;
  z INTEGER;
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
  done := COALESCE(current_setting('coredns.tx_zones', true), '');
  FOREACH z IN ARRAY ARRAY[old_zone, new_zone] LOOP
    CONTINUE WHEN z IS NULL
      OR position(',' || z || ',' IN done) > 0;
    IF done = '' THEN
      done := ',';
    END IF;
    done := done || z || ',';
    PERFORM set_config('coredns.tx_zones', done, true);
    UPDATE coredns_zone_state SET generation = generation + 1,
        changed_at = CAST(extract(epoch FROM now()) AS BIGINT)
      WHERE domain_id = z;
    PERFORM pg_notify('coredns', z::text);
  END LOOP;
  RETURN NULL;
END;
$$;
