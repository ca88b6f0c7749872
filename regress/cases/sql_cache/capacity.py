# regress/cases/sql_cache/capacity.py - a packet cache far smaller than
# the working set: the server runs `cache 4` with one worker.
#   capacity.py PORT METRICS-PORT
# 100 distinct names (under the wildcard *.wild.cache.test, each answer's
# owner is its own qname, so an answer from another name's slot shows)
# are asked twice each, then once more: every answer must be right, the
# cache must report 4 slots, never more than 4 in use, evictions counted
# (every store beyond the free slots replaces one), and the third round
# can hit for at most the 4 names still held.
import sys

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype

from rlib import check, check_eq, done, http_get, metrics, mkquery, raw_udp

ADDR = "127.0.0.1"
PORT, MPORT = int(sys.argv[1]), int(sys.argv[2])
CAP = 4


def m():
    t = metrics(http_get(ADDR, MPORT, "/metrics"))
    return {k: t.get("coredns_sql_cache_" + k) for k in
            ("hits_total", "misses_total", "inserts_total", "evictions_total",
             "entries", "capacity")}


def ask(name, qid):
    q = mkquery(name, "A", use_edns=0, payload=1232)
    q.flags &= ~dns.flags.RD
    q.id = qid
    w, _ = raw_udp(ADDR, PORT, q.to_wire())
    return w


def wrong(w, name, qid):
    """None if W is the right answer to NAME, else what is wrong."""
    if w is None:
        return "no answer"
    r = dns.message.from_wire(w)
    got = sorted("%s %s %s" % (rr.name.to_text().lower(), dns.rdatatype.to_text(rr.rdtype), rd)
                 for rr in r.answer for rd in rr)
    want = ["%s. A 192.0.2.99" % name]
    if r.id != qid or r.rcode() != dns.rcode.NOERROR or not (r.flags & dns.flags.AA) or got != want:
        return "id %d rcode %s flags %s answer %s" % (
            r.id, dns.rcode.to_text(r.rcode()), dns.flags.to_text(r.flags), got)
    return None


NAMES = ["n%d.wild.cache.test" % i for i in range(100)]
s0 = m()
check_eq(s0["capacity"], CAP, "cache 4, one worker: coredns_sql_cache_capacity 4")
bad = []
for i, n in enumerate(NAMES):
    for k in range(2):
        e = wrong(ask(n, 1000 + 2 * i + k), n, 1000 + 2 * i + k)
        if e:
            bad.append("%s (ask %d): %s" % (n, k + 1, e))
check(not bad, "100 names asked twice each: every answer right (its own owner and address)",
      *bad[:10])
s1 = m()
ins = s1["inserts_total"] - s0["inserts_total"]
ev = s1["evictions_total"] - s0["evictions_total"]
print("# after two rounds: %s" % s1)
check(s1["entries"] is not None and s1["entries"] <= CAP,
      "entries <= capacity (%s <= %d)" % (s1["entries"], CAP))
check_eq(s1["entries"], CAP, "the 4 slots are all in use")
check(ins > CAP, "more answers stored than fit (%d inserts)" % ins)
check(ev > 0, "coredns_sql_cache_evictions_total > 0 (%d)" % ev)
check_eq(ev, ins - (s1["entries"] - s0["entries"]),
         "every store beyond the free slots evicted one (evictions = inserts - new entries)")

# the name stored last is still there: a hit, and the hit is right
h = m()["hits_total"]
e = wrong(ask(NAMES[-1], 4242), NAMES[-1], 4242)
check_eq(m()["hits_total"] - h, 1, "the name stored last: a hit")
check(e is None, "that hit is the right answer (its owner, the query's ID)", e)

# a third round: right answers, hits only for what the 4 slots hold
s2 = m()
bad = []
for i, n in enumerate(NAMES):
    e = wrong(ask(n, 3000 + i), n, 3000 + i)
    if e:
        bad.append("%s: %s" % (n, e))
s3 = m()
check(not bad, "a third round: every answer right", *bad[:10])
hits = s3["hits_total"] - s2["hits_total"]
check(hits <= CAP, "a third round of 100 names: at most 4 hits (%d)" % hits)
check(s3["entries"] <= CAP, "entries still <= capacity (%s)" % s3["entries"])
done()
