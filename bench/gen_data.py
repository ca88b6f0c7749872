#!/usr/bin/python3
"""Deterministic benchmark data for bench/run.sh.

Writes, for zone bench.test. and N records (fixed seed, so the same N and
seed always give byte-identical files):

  bench.test.zone   the zone in BIND master-file format (for NSD, Knot, BIND)
  bench.test.sql    the same zone for the PowerDNS generic SQL schema
                    (domains + records tables; MX preference in `prio`);
                    plain multi-row INSERTs that load into both SQLite and
                    PostgreSQL
  q-hits.txt        existing names with their types (CNAMEs asked as A,
                    so the chain is followed), 2 % wildcard, 1 % referral
  q-mixed.txt       70 % hits, 20 % NXDOMAIN, 10 % NODATA
  q-flood-*.txt     every line a distinct nonexistent name, across all the
                    files (written with --flood FILE:COUNT; run.sh gives
                    each run its own file, sized so that a run never
                    repeats a name, and runs dnsperf with -n 1)
  q-whoami.txt      a few names for the whoami scenario
  meta.json         counts per type, seed, sizes

Record mix of the N records: A 47 %, AAAA 24 %, CNAME 14 %, TXT 10 %,
MX 5 %; on top of them: SOA, 2 apex NS with glue, 10 delegations
(sub0..sub9) with glue, one wildcard (*.wild).

Only documentation address ranges are used (192.0.2.0/24,
198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
"""
import argparse
import json
import os
import random
import sys

ZONE = "bench.test"
TTL = 3600
TEST_NETS = ("192.0.2", "198.51.100", "203.0.113")
MIX = (("A", 0.47), ("AAAA", 0.24), ("CNAME", 0.14), ("TXT", 0.10), ("MX", 0.05))
DELEGATIONS = 10
ALPHA = "abcdefghijklmnopqrstuvwxyz0123456789"


def label(rng, n=8):
    return "".join(rng.choice(ALPHA) for _ in range(n))


def ipv4(rng):
    return "%s.%d" % (rng.choice(TEST_NETS), rng.randrange(1, 255))


def ipv6(rng):
    return "2001:db8:%x:%x::%x" % (rng.getrandbits(16), rng.getrandbits(16),
                                   rng.getrandbits(16) or 1)


def counts(n):
    c = {t: int(round(n * f)) for t, f in MIX}
    c["MX"] += n - sum(c.values())  # rounding remainder
    return c


def build(n, seed):
    """Return (records, names) with records = [(owner, type, ttl, prio, rdata)].

    owner is relative to the zone ('@' for the apex), rdata in zone-file
    form with absolute names (trailing dot)."""
    rng = random.Random(seed)
    c = counts(n)
    used = set(["ns1", "ns2", "wild"] + ["sub%d" % i for i in range(DELEGATIONS)])

    def fresh(prefix):
        while True:
            s = prefix + label(rng, 7)
            if s not in used:
                used.add(s)
                return s

    recs = []
    apex = [
        ("@", "SOA", TTL, None,
         "ns1.%s. hostmaster.%s. 2024010101 3600 600 604800 300" % (ZONE, ZONE)),
        ("@", "NS", TTL, None, "ns1.%s." % ZONE),
        ("@", "NS", TTL, None, "ns2.%s." % ZONE),
        ("ns1", "A", TTL, None, "192.0.2.53"),
        ("ns2", "A", TTL, None, "198.51.100.53"),
    ]
    recs.extend(apex)
    deleg = []
    for i in range(DELEGATIONS):
        sub = "sub%d" % i
        deleg.append((sub, "NS", TTL, None, "ns.%s.%s." % (sub, ZONE)))
        deleg.append(("ns.%s" % sub, "A", TTL, None, "203.0.113.%d" % (i + 1)))
    recs.extend(deleg)
    recs.append(("*.wild", "A", TTL, None, "192.0.2.80"))

    a_names = [fresh("h") for _ in range(c["A"])]
    for nm in a_names:
        recs.append((nm, "A", TTL, None, ipv4(rng)))
    # AAAA on dual-stack hosts first, the rest on v6-only names
    dual = min(c["AAAA"], len(a_names) // 2)
    v6_names = a_names[:dual]
    v6_names += [fresh("v") for _ in range(c["AAAA"] - dual)]
    for nm in v6_names:
        recs.append((nm, "AAAA", TTL, None, ipv6(rng)))
    cname_names = [fresh("c") for _ in range(c["CNAME"])]
    for nm in cname_names:
        recs.append((nm, "CNAME", TTL, None, "%s.%s." % (rng.choice(a_names), ZONE)))
    txt_names = [fresh("t") for _ in range(c["TXT"])]
    for nm in txt_names:
        recs.append((nm, "TXT", TTL, None, '"v=bench %s"' % label(rng, rng.randrange(16, 48))))
    mx_names = [fresh("m") for _ in range(c["MX"])]
    for nm in mx_names:
        recs.append((nm, "MX", TTL, rng.choice((10, 20, 30)),
                     "%s.%s." % (rng.choice(a_names), ZONE)))

    body = [r for r in recs[len(apex) + len(deleg) + 1:]]
    names = {
        "a_only": a_names[dual:],
        "a": a_names,
        "used": used,
    }
    return recs, body, names, c, rng


def write_zone(path, recs):
    with open(path, "w") as f:
        f.write("$ORIGIN %s.\n$TTL %d\n" % (ZONE, TTL))
        for owner, typ, ttl, prio, rdata in recs:
            rd = rdata if prio is None else "%d %s" % (prio, rdata)
            f.write("%s %d IN %s %s\n" % (owner, ttl, typ, rd))


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def write_sql(path, recs):
    """PowerDNS generic schema; booleans as TRUE/FALSE (SQLite >= 3.23 and
    PostgreSQL both accept them)."""
    deleg_owners = set(o for o, t, _, _, _ in recs if t == "NS" and o != "@")
    with open(path, "w") as f:
        f.write("BEGIN;\n")
        f.write("INSERT INTO domains (id, name, type) VALUES (1, %s, 'NATIVE');\n" % sql_str(ZONE))
        batch = []

        def flush():
            if batch:
                f.write("INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth) VALUES\n")
                f.write(",\n".join(batch))
                f.write(";\n")
                batch.clear()

        for owner, typ, ttl, prio, rdata in recs:
            name = ZONE if owner == "@" else "%s.%s" % (owner, ZONE)
            content = rdata
            if typ in ("NS", "CNAME", "MX"):
                content = rdata.rstrip(".")
            elif typ == "SOA":
                p = rdata.split()
                content = " ".join([p[0].rstrip("."), p[1].rstrip(".")] + p[2:])
            # delegation NS and their glue are not authoritative data
            auth = "TRUE"
            if (typ == "NS" and owner != "@") or any(
                    owner.endswith("." + d) for d in deleg_owners):
                auth = "FALSE"
            batch.append("(1,%s,%s,%s,%d,%s,FALSE,%s)" % (
                sql_str(name), sql_str(typ), sql_str(content), ttl,
                "NULL" if prio is None else str(prio), auth))
            if len(batch) >= 1000:
                flush()
        flush()
        f.write("COMMIT;\n")


def fqdn(owner):
    return ZONE + "." if owner == "@" else "%s.%s." % (owner, ZONE)


def hit_query(rng, body):
    x = rng.random()
    if x < 0.02:
        return "%s.wild.%s. A" % (label(rng, 6), ZONE)
    if x < 0.03:
        return "www.sub%d.%s. A" % (rng.randrange(DELEGATIONS), ZONE)
    owner, typ, _, _, _ = rng.choice(body)
    return "%s %s" % (fqdn(owner), "A" if typ == "CNAME" else typ)


def nx_name(rng, used):
    while True:
        s = "x" + label(rng, 9)  # no generated owner starts with 'x'
        if s not in used:
            return "%s.%s." % (s, ZONE)


def write_queries(out, body, names, nq, rng):
    with open(os.path.join(out, "q-hits.txt"), "w") as f:
        for _ in range(nq):
            f.write(hit_query(rng, body) + "\n")
    a_only = names["a_only"]
    with open(os.path.join(out, "q-mixed.txt"), "w") as f:
        for _ in range(nq):
            x = rng.random()
            if x < 0.70:
                q = hit_query(rng, body)
            elif x < 0.90:
                q = nx_name(rng, names["used"]) + " A"
            else:  # NODATA: an existing A-only name asked for a type it lacks
                q = "%s.%s. %s" % (rng.choice(a_only), ZONE, rng.choice(("TXT", "MX")))
            f.write(q + "\n")
    with open(os.path.join(out, "q-whoami.txt"), "w") as f:
        for i in range(100):
            f.write("w%d.example.test. A\n" % i)


def write_flood(out, specs, seed):
    """specs: [(filename, count)]. Every line of every file is a distinct
    nonexistent name: 'f' + hex counter (running on across the files) +
    random tail. No generated owner starts with 'f', so all are NXDOMAIN."""
    rng = random.Random(seed * 7919 + 1)
    i = 0
    for fname, count in specs:
        with open(os.path.join(out, fname), "w") as f:
            buf = []
            for _ in range(count):
                buf.append("f%x%s.%s. A\n" % (i, label(rng, 4), ZONE))
                i += 1
                if len(buf) >= 10000:
                    f.write("".join(buf))
                    buf.clear()
            f.write("".join(buf))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--out", required=True)
    ap.add_argument("--queries", type=int, default=0,
                    help="lines in q-hits/q-mixed (default: max(records, 100000))")
    ap.add_argument("--flood", action="append", default=[], metavar="FILE:COUNT",
                    help="write FILE with COUNT distinct nonexistent names; "
                         "repeatable, names never repeat across the files")
    ap.add_argument("--flood-only", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if not a.flood_only:
        recs, body, names, c, rng = build(a.records, a.seed)
        write_zone(os.path.join(a.out, "bench.test.zone"), recs)
        write_sql(os.path.join(a.out, "bench.test.sql"), recs)
        nq = a.queries or max(a.records, 100000)
        write_queries(a.out, body, names, nq, rng)
        with open(os.path.join(a.out, "meta.json"), "w") as f:
            json.dump({"zone": ZONE + ".", "records": a.records, "seed": a.seed,
                       "mix": c, "total_rrs": len(recs), "delegations": DELEGATIONS,
                       "wildcard": "*.wild.%s." % ZONE, "queries": nq}, f, indent=1)
    if a.flood:
        specs = [(x.rsplit(":", 1)[0], int(x.rsplit(":", 1)[1])) for x in a.flood]
        write_flood(a.out, specs, a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
