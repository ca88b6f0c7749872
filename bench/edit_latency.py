#!/usr/bin/python3
"""Raw-SQL-edit-to-answer latency (the `edit` scenario of bench/run.sh).

  edit_latency.py --port P --dsn DSN --server NAME --out RESULTS.jsonl
                  [--zone bench.test] [--edits 100] [--poll-ms 5] [--bound 10]
                  [--gap-ms 500] [--seed N] [--steward-pid PID] [--wait-steward S]

DSN: sqlite:PATH (Python's sqlite3 module) or a libpq conninfo / URI
(psycopg2, Debian's python3-psycopg2; else the psql client).

Each edit is one UPDATE of the content of one A record (a name that has
exactly one A record and nothing else) in its own transaction, as an
operator editing the tables by hand would do. Before it, the server is
asked once and must answer the current value (for a server with an answer
cache this also puts the name in the cache: an edited name that is being
asked). The clock starts when the COMMIT returns; the name is then asked
every --poll-ms ms over UDP until an answer shows the new value; that
answer's arrival stops the clock. An edit not seen within --bound s counts
as a timeout (reported as > bound). Between edits a random pause of 0 to
--gap-ms ms (fixed seed), so that edits do not fall in step with a server's
polling period.

--steward-pid PID: our server steps the serial of raw SQL edits only while
it holds the steward lease (a row in coredns_steward); before the first
edit, wait (at most --wait-steward s) until the row names that PID, and
record how long that took.

Appends one JSON line per edit to RESULTS ({"kind": "edit", "edit_s": ...})
and prints a summary.
"""
import argparse
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

import dns.message
import dns.rdatatype


class DB:
    """One connection; execute(sql, params) and commit()."""

    def __init__(self, dsn):
        self.kind = None
        if dsn.startswith("sqlite:"):
            import sqlite3
            self.kind = "sqlite"
            # autocommit off: one explicit transaction per edit; wait for
            # the server's own writes (the steward) rather than fail
            self.c = sqlite3.connect(dsn[len("sqlite:"):], timeout=30,
                                     isolation_level="DEFERRED")
            self.ph = "?"
            self.client = "python3 sqlite3 %s" % sqlite3.sqlite_version
        else:
            try:
                import psycopg2
                self.kind = "psycopg2"
                self.c = psycopg2.connect(dsn)
                self.ph = "%s"
                self.client = "psycopg2 %s" % psycopg2.__version__.split()[0]
            except ImportError:
                self.kind = "psql"
                self.dsn = dsn
                self.client = "psql"

    def query(self, sql, params=()):
        if self.kind == "psql":
            for p in params:
                sql = sql.replace("%s", "'%s'" % str(p).replace("'", "''"), 1)
            out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v",
                                  "ON_ERROR_STOP=1", self.dsn, "-c", sql],
                                 check=True, capture_output=True, text=True).stdout
            return [tuple(l.split("\t")) for l in out.splitlines() if l]
        cur = self.c.cursor()
        cur.execute(sql.replace("%s", self.ph), params)
        rows = cur.fetchall() if cur.description else []
        self.c.commit()
        return rows

    def update(self, sql, params):
        """Run one UPDATE in its own transaction; return the time (monotonic)
        when the COMMIT returned and how long the statement + commit took."""
        t0 = time.monotonic()
        if self.kind == "psql":
            for p in params:
                sql = sql.replace("%s", "'%s'" % str(p).replace("'", "''"), 1)
            subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", self.dsn,
                            "-c", "BEGIN; %s; COMMIT;" % sql], check=True,
                           capture_output=True)
        else:
            cur = self.c.cursor()
            cur.execute(sql.replace("%s", self.ph), params)
            if cur.rowcount != 1:
                raise SystemExit("edit_latency: UPDATE touched %d rows" % cur.rowcount)
            self.c.commit()
        t1 = time.monotonic()
        return t1, t1 - t0


class Asker:
    def __init__(self, port):
        self.addr = ("127.0.0.1", port)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def ask(self, name, wait):
        """One A query; return (list of A values, arrival time) or (None, t)."""
        q = dns.message.make_query(name, "A")
        q.flags = 0  # no RD: an authoritative question
        wire = q.to_wire()
        qid = q.id
        self.s.settimeout(wait)
        try:
            self.s.sendto(wire, self.addr)
            end = time.monotonic() + wait
            while True:
                data = self.s.recv(4096)
                t = time.monotonic()
                if len(data) >= 2 and struct.unpack(">H", data[:2])[0] == qid:
                    m = dns.message.from_wire(data)
                    vals = []
                    for rrset in m.answer:
                        if rrset.rdtype == dns.rdatatype.A:
                            vals += [r.address for r in rrset]
                    return vals, t
                if t >= end:
                    break
                self.s.settimeout(max(0.0005, end - t))
        except (socket.timeout, ConnectionRefusedError):
            pass
        return None, time.monotonic()


def pick_rows(db, zone, n, seed):
    rows = db.query(
        "SELECT r.id, r.name, r.content FROM records r JOIN domains d ON d.id = r.domain_id "
        "WHERE d.name = %s AND r.type = 'A' AND r.name LIKE %s AND r.disabled = %s "
        "ORDER BY r.id", (zone, "h%." + zone, False if db.kind != "sqlite" else 0))
    if db.kind == "psql":
        rows = [(int(a), b, c) for a, b, c in rows]
    # names with one A record only (the generator's dual-stack names also
    # have an AAAA: fine, the question is A; but skip duplicate names)
    seen, uniq = {}, []
    for rid, name, content in rows:
        seen[name] = seen.get(name, 0) + 1
    for rid, name, content in rows:
        if seen[name] == 1:
            uniq.append((rid, name, content))
    rng = random.Random(seed)
    if len(uniq) < n:
        raise SystemExit("edit_latency: only %d candidate A records" % len(uniq))
    return rng.sample(uniq, n), rng


def new_value(old, i):
    nets = ("192.0.2", "198.51.100", "203.0.113")
    j = i
    while True:
        v = "%s.%d" % (nets[j % 3], 1 + (j * 7) % 254)
        if v != old:
            return v
        j += 1


def wait_steward(db, pid, bound):
    t0 = time.monotonic()
    tag = "pid %d " % pid
    while time.monotonic() - t0 < bound:
        try:
            rows = db.query("SELECT holder, expires FROM coredns_steward")
        except Exception:  # noqa: BLE001 (table missing: not our store)
            return None
        if any(tag in str(h) for h, _ in rows):
            return time.monotonic() - t0
        time.sleep(0.05)
    return -1.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dsn", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--scenario", default="edit")
    ap.add_argument("--out", required=True)
    ap.add_argument("--zone", default="bench.test")
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--poll-ms", type=float, default=5)
    ap.add_argument("--bound", type=float, default=10)
    ap.add_argument("--gap-ms", type=float, default=500)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--steward-pid", type=int)
    ap.add_argument("--wait-steward", type=float, default=30)
    a = ap.parse_args()

    db = DB(a.dsn)
    asker = Asker(a.port)
    rows, rng = pick_rows(db, a.zone, a.edits, a.seed)
    head = {"scenario": a.scenario, "server": a.server, "kind": "edit-setup",
            "client": db.client, "poll_ms": a.poll_ms, "bound_s": a.bound,
            "gap_ms": a.gap_ms, "edits": a.edits}
    if a.steward_pid:
        w = wait_steward(db, a.steward_pid, a.wait_steward)
        head["steward_wait_s"] = w
        print("  steward lease: %s" % ("not our store" if w is None else
                                      "not taken in %.0f s" % a.wait_steward if w < 0 else
                                      "held after %.2f s" % w))
    out = open(a.out, "a")
    out.write(json.dumps(head) + "\n")
    lat = []
    poll = a.poll_ms / 1000.0
    for i, (rid, name, old) in enumerate(rows):
        fq = name + "."
        # the server answers the current value first (bounded)
        t_end = time.monotonic() + a.bound
        pre = None
        while time.monotonic() < t_end:
            pre, _ = asker.ask(fq, 0.2)
            if pre == [old]:
                break
            time.sleep(poll)
        rec = {"scenario": a.scenario, "server": a.server, "kind": "edit", "run": i + 1,
               "name": name, "old": old}
        if pre != [old]:
            rec.update({"edit_s": None, "error": "before the edit the server answered %s, not %s"
                        % (pre, old)})
            out.write(json.dumps(rec) + "\n")
            out.flush()
            lat.append(None)
            continue
        new = new_value(old, i + a.seed)
        t0, commit_s = db.update("UPDATE records SET content = %s WHERE id = %s", (new, rid))
        got = None
        seen_at = None
        while True:
            now = time.monotonic()
            if now - t0 > a.bound:
                break
            vals, t = asker.ask(fq, poll)
            if vals == [new]:
                seen_at = t
                break
            got = vals
            nxt = now + poll
            d = nxt - time.monotonic()
            if d > 0:
                time.sleep(d)
        rec.update({"new": new, "commit_ms": commit_s * 1000,
                    "edit_s": (seen_at - t0) if seen_at else None})
        if seen_at is None:
            rec["timeout"] = True
            rec["last_answer"] = got
        out.write(json.dumps(rec) + "\n")
        out.flush()
        lat.append(rec["edit_s"])
        time.sleep(rng.uniform(0, a.gap_ms / 1000.0))
    ok = sorted(x for x in lat if x is not None)
    miss = len(lat) - len(ok)
    full = ok + [float("inf")] * miss

    def pct(p):
        v = full[min(len(full) - 1, int(round(p / 100.0 * len(full) + 0.5)) - 1)]
        return ">%.0f s" % a.bound if v == float("inf") else "%.1f ms" % (v * 1000)

    print("  %s: %d edits, p50 %s, p99 %s, max %s, %d not seen within %.0f s" % (
        a.server, len(lat), pct(50), pct(99), pct(100), miss, a.bound))
    return 0


if __name__ == "__main__":
    sys.exit(main())
