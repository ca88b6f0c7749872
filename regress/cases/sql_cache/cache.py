# regress/cases/sql_cache/cache.py - the sql plugin's packet cache:
#   cache.py PORT NOCACHE-PORT METRICS-PORT DB UTIL LATER-ZONE-FILE
# PORT serves the store with the cache, NOCACHE-PORT the same store with
# `cache 0`; the server runs one worker, so every query meets one cache.
import subprocess
import sys
import time

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype

from rlib import check, check_eq, done, fail, http_get, metrics, mkquery, ok, raw_tcp, raw_udp

ADDR = "127.0.0.1"
PORT, NOPORT, MPORT = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
DB = sys.argv[4]
UTIL, LATER = sys.argv[5], sys.argv[6]


def lines(section):
    return sorted("%s %s %s" % (rrset.name.to_text().lower(),
                                dns.rdatatype.to_text(rrset.rdtype), rd.to_text())
                  for rrset in section for rd in rrset)


def m(name):
    return metrics(http_get(ADDR, MPORT, "/metrics")).get(name)


def hits():
    return m("coredns_sql_cache_hits_total")


def ask(port, qname, qtype="A", qid=None, **kw):
    """The reply wire (RD clear, EDNS 1232 unless told) and the query."""
    kw.setdefault("use_edns", 0)
    kw.setdefault("payload", 1232)
    q = mkquery(qname, qtype, **kw)
    q.flags &= ~dns.flags.RD
    if qid is not None:
        q.id = qid
    w, _ = raw_udp(ADDR, port, q.to_wire())
    return w, q


def qsection(w, qname):
    n = len(dns.name.from_text(qname).to_wire())
    return w[12:12 + n]


# ---- hits grow; a hit is the miss's answer ---------------------------------
h0 = hits()
check(h0 is not None, "coredns_sql_cache_hits_total exported", h0)
first, q1 = ask(PORT, "www.cache.test", qid=1)
for i in range(3):
    ask(PORT, "www.cache.test", qid=2)
h1 = hits()
check(h1 is not None and h1 >= h0 + 1, "repeated query: hits_total grows (%s -> %s)" % (h0, h1))
N = 10
for i in range(N):
    hit, _ = ask(PORT, "www.cache.test", qid=1000 + i)
h2 = hits()
check_eq(h2 - h1, N, "%d more of the same query: hits_total +%d" % (N, N))
check(first is not None and hit is not None and hit[2:] == first[2:],
      "hit answer = miss answer, byte for byte after the ID",
      first and first.hex(), hit and hit.hex())
check_eq(hit[:2] if hit else None, (1000 + N - 1).to_bytes(2, "big"), "hit answer has the query's ID")

# the question's case follows each query
for name in ("WWW.CACHE.TEST", "wWw.CaChE.tEsT", "www.cache.test"):
    hb = hits()
    w, q = ask(PORT, name, qid=7)
    check_eq(hits() - hb, 1, "%s: a hit (the key is case-blind)" % name)
    check(w is not None and qsection(w, name) == qsection(q.to_wire(), name),
          "%s: the hit's question is in this query's case" % name,
          w and qsection(w, name))
    r = dns.message.from_wire(w)
    check_eq(set(rr.name.to_text() for rr in r.answer), {name + "."},
             "%s: the hit's answer owner is in this query's case" % name)
    # the same answer with the question's case applied
    lower = first[2:]
    check(w[2:12] == lower[:10] and w[12 + len(qsection(w, name)):] ==
          lower[10 + len(qsection(w, name)):],
          "%s: otherwise the miss's bytes" % name)

# RD and CD are the query's, not the cached answer's
hb = hits()
q = mkquery("www.cache.test", "A", use_edns=0, payload=1232)
q.flags |= dns.flags.RD
w, _ = raw_udp(ADDR, PORT, q.to_wire())
r = dns.message.from_wire(w)
check(hits() - hb == 1 and (r.flags & dns.flags.RD) and not (r.flags & dns.flags.RA),
      "RD=1 query hitting an RD=0 answer: RD set in the reply (no RA)",
      dns.flags.to_text(r.flags))
q = mkquery("www.cache.test", "A", use_edns=0, payload=1232)
q.flags = dns.flags.CD
for i in range(3):
    w, _ = raw_udp(ADDR, PORT, q.to_wire())
r = dns.message.from_wire(w)
check((r.flags & dns.flags.CD) and not (r.flags & dns.flags.RD),
      "CD=1 query: CD set in the (cached) reply, RD clear",
      dns.flags.to_text(r.flags))
w, _ = ask(PORT, "www.cache.test", qid=8)
r = dns.message.from_wire(w)
check(not (r.flags & dns.flags.CD), "CD=0 query after CD=1 answers: CD clear",
      dns.flags.to_text(r.flags))

# ---- hit answers equal uncached answers for every kind of answer ------------
CASES = [("www.cache.test", "A"), ("nope.cache.test", "A"),
         ("www.cache.test", "MX"), ("Alias.Cache.Test", "A"),
         ("cache.test", "MX"), ("x.Wild.cache.test", "A"),
         ("www.sub.cache.test", "A"), ("cache.test", "NS"),
         ("sub.cache.test", "DS")]
for name, t in CASES:
    for i in range(3):
        ask(PORT, name, t, qid=9)
    hb = hits()
    a, _ = ask(PORT, name, t, qid=9)
    got_hit = hits() - hb
    b, _ = ask(NOPORT, name, t, qid=9)
    check(got_hit == 1 and a is not None and a == b,
          "%s %s: hit answer = the cache-less block's answer" % (name, t),
          "hit: %s" % got_hit, "cached:   %s" % (a and a.hex()),
          "uncached: %s" % (b and b.hex()))

# ---- DO, EDNS: different entries -----------------------------------------------
for i in range(3):
    ask(PORT, "edit.cache.test", qid=11)
hb = hits()
w, _ = ask(PORT, "edit.cache.test", qid=12, want_dnssec=True)
check_eq(hits() - hb, 0, "DO=1 after DO=0 answers were cached: a miss")
r = dns.message.from_wire(w)
check(r.ednsflags & dns.flags.DO, "DO=1 query: DO set in the answer's OPT")
for i in range(3):
    ask(PORT, "edit.cache.test", qid=12, want_dnssec=True)
hb = hits()
results = []
for i in range(4):
    do = bool(i % 2)
    w, _ = ask(PORT, "edit.cache.test", qid=13, want_dnssec=do)
    r = dns.message.from_wire(w)
    results.append((do, bool(r.ednsflags & dns.flags.DO)))
check_eq(hits() - hb, 4, "alternating DO=0/DO=1: each a hit of its own entry")
check(all(a == b for a, b in results), "alternating DO: the answer's DO matches the query's", results)
w, _ = ask(PORT, "edit.cache.test", qid=14, use_edns=False)
r = dns.message.from_wire(w)
check(r.edns == -1, "no EDNS after EDNS answers were cached: no OPT in the answer")
w, _ = ask(PORT, "edit.cache.test", qid=15, use_edns=0, payload=4096)
r = dns.message.from_wire(w)
check(r.edns == 0 and r.payload >= 512, "bufsize 4096 query: an OPT in the answer")

# ---- the client's buffer class: <1232, <4096, >=4096 ------------------------
def misses():
    return m("coredns_sql_cache_misses_total")


def owner_a(w):
    r = dns.message.from_wire(w)
    return sorted("%s %s" % (rr.name.to_text().lower(), rd) for rr in r.answer for rd in rr)


BC = "bc.wild.cache.test"
BC_A = ["bc.wild.cache.test. 192.0.2.99"]
for i in range(3):
    ask(PORT, BC, qid=80, payload=512)
hb, mb = hits(), misses()
w, _ = ask(PORT, BC, qid=81, payload=512)
check_eq((hits() - hb, misses() - mb), (1, 0), "bufsize 512: cached (a hit)")
for size in (1232, 4096):
    hb, mb = hits(), misses()
    w, _ = ask(PORT, BC, qid=82, payload=size)
    check_eq((hits() - hb, misses() - mb), (0, 1),
             "bufsize %d after bufsize 512 was cached: a miss (another entry)" % size)
    check_eq(owner_a(w), BC_A, "bufsize %d: the right answer" % size)
    for i in range(2):
        ask(PORT, BC, qid=83, payload=size)
    hb, mb = hits(), misses()
    w, _ = ask(PORT, BC, qid=84, payload=size)
    check_eq((hits() - hb, misses() - mb), (1, 0), "bufsize %d: then a hit of its own entry" % size)
    check_eq(owner_a(w), BC_A, "bufsize %d: the hit is the right answer" % size)
hb, mb = hits(), misses()
for size in (512, 1232, 4096):
    ask(PORT, BC, qid=85, payload=size)
check_eq((hits() - hb, misses() - mb), (3, 0), "512, 1232, 4096 again: three hits, three entries")
hb = hits()
ask(PORT, BC, qid=86, payload=1400)
check_eq(hits() - hb, 1, "bufsize 1400: the 1232 class's entry (a hit)")

# a truncated answer for a small buffer is never what a larger one gets
for i in range(4):
    w, _ = ask(PORT, "txt600.cache.test", "TXT", qid=87, payload=512)
r = dns.message.from_wire(w)
check(r.flags & dns.flags.TC, "600-byte TXT, bufsize 512 (asked 4 times): TC")
for size in (1232, 4096):
    for i in range(2):
        w, _ = ask(PORT, "txt600.cache.test", "TXT", qid=88, payload=size)
        r = dns.message.from_wire(w)
        check(not (r.flags & dns.flags.TC) and len(r.answer) == 1 and len(r.answer[0][0].strings) == 3,
              "600-byte TXT, bufsize %d after the TC answer for 512 (ask %d): the whole TXT, no TC"
              % (size, i + 1), dns.flags.to_text(r.flags))

# ---- a raw SQL edit invalidates ------------------------------------------------
for i in range(5):
    w, _ = ask(PORT, "edit.cache.test", qid=16)
hb = hits()
w, _ = ask(PORT, "edit.cache.test", qid=16)
check_eq(hits() - hb, 1, "edit.cache.test A is cached before the edit")
subprocess.run(["sqlite3", "-cmd", ".timeout 5000", DB,
                "UPDATE records SET content = '192.0.2.101' "
                "WHERE name = 'edit.cache.test' AND type = 'A'"], check=True)
t0 = time.monotonic()
addr = None
while time.monotonic() - t0 < 5:
    w, _ = ask(PORT, "edit.cache.test", qid=17)
    r = dns.message.from_wire(w)
    addr = [rd.address for rrset in r.answer for rd in rrset]
    if addr == ["192.0.2.101"]:
        break
    time.sleep(0.1)
check_eq(addr, ["192.0.2.101"], "after sqlite3 UPDATE: the new address within 5 s (%.1f s)"
         % (time.monotonic() - t0))
stale = 0
for i in range(10):
    w, _ = ask(PORT, "edit.cache.test", qid=18, want_dnssec=bool(i % 2))
    r = dns.message.from_wire(w)
    if [rd.address for rrset in r.answer for rd in rrset] != ["192.0.2.101"]:
        stale += 1
check_eq(stale, 0, "after the edit: no old answer from any entry (DO=0 and DO=1)")
hb = hits()
for i in range(5):
    w, _ = ask(PORT, "edit.cache.test", qid=19)
check(hits() - hb >= 3, "the new answer is cached in turn")
r = dns.message.from_wire(w)
check_eq([rd.address for rrset in r.answer for rd in rrset], ["192.0.2.101"],
         "the new answer's hits carry the new address")
w, _ = ask(PORT, "www.cache.test", qid=20)
check(w is not None and dns.message.from_wire(w).answer,
      "the zone's other names still answer after the edit")

# ---- QCLASS is echoed: IN and ANY (255) share no entry ---------------------
def qclass_of(cls, qid, name="www.cache.test"):
    q = mkquery(name, "A", cls, use_edns=0, payload=1232)
    q.flags &= ~dns.flags.RD
    q.id = qid
    w, _ = raw_udp(ADDR, PORT, q.to_wire())
    r = dns.message.from_wire(w)
    return dns.rdataclass.to_text(r.question[0].rdclass), len(r.answer)


for i in range(3):
    qclass_of("IN", 60)
check_eq(qclass_of("ANY", 61), ("ANY", 1),
         "QCLASS ANY after IN answers were cached: question class ANY echoed")
for i in range(3):
    qclass_of("ANY", 62, "mail.cache.test")
check_eq(qclass_of("IN", 63, "mail.cache.test"), ("IN", 1),
         "QCLASS IN after ANY answers were cached: question class IN echoed")

# ---- a truncated UDP answer is not what TCP gets -------------------------------
for i in range(4):
    w, _ = ask(PORT, "txt600.cache.test", "TXT", qid=50, use_edns=False)
r = dns.message.from_wire(w)
check(r.flags & dns.flags.TC, "600-byte TXT over UDP without EDNS: TC")
q = mkquery("txt600.cache.test", "TXT")
w, _ = raw_tcp(ADDR, PORT, q.to_wire())
r = dns.message.from_wire(w)
check(not (r.flags & dns.flags.TC) and len(r.answer) == 1 and len(r.answer[0][0].strings) == 3,
      "then over TCP (same cache key but the transport): the whole TXT, no TC")

# ---- additional data from another zone must not go stale in the cache ------
def addl(w):
    r = dns.message.from_wire(w)
    return sorted(rd.address for rrset in r.additional for rd in rrset
                  if rrset.rdtype == dns.rdatatype.A)


for i in range(4):
    w, _ = ask(PORT, "xmx.cache.test", "MX", qid=40)
before = addl(w)
check_eq(before, ["198.51.100.25"], "MX target in another served zone: its A in additional")
subprocess.run(["sqlite3", "-cmd", ".timeout 5000", DB,
                "UPDATE records SET content = '198.51.100.26' "
                "WHERE name = 'mx.other.test' AND type = 'A'"], check=True)
t0 = time.monotonic()
got = None
while time.monotonic() - t0 < 5:
    w, _ = ask(PORT, "mx.other.test", "A", qid=41)
    got = [rd.address for rrset in dns.message.from_wire(w).answer for rd in rrset]
    if got == ["198.51.100.26"]:
        break
    time.sleep(0.1)
check_eq(got, ["198.51.100.26"], "the other zone's edit is served within 5 s")
stale = []
for i in range(5):
    w, _ = ask(PORT, "xmx.cache.test", "MX", qid=42)
    a = addl(w)
    if "198.51.100.25" in a:
        stale.append(a)
check(not stale, "cached MX answer: no stale additional A from the edited other zone",
      "%d of 5 answers still carry 198.51.100.25" % len(stale))

# ---- a CNAME into a zone not in the store yet, then created -----------------
for i in range(4):
    w, _ = ask(PORT, "later.cache.test", "A", qid=70)
r = dns.message.from_wire(w)
check_eq(lines(r.answer), ["later.cache.test. CNAME www.later.test."],
         "CNAME into a zone not in the store: the CNAME only (cached)")
subprocess.run([UTIL, "--db", "sqlite:" + DB, "zone", "import", LATER, "later.test"],
               check=True, stdout=subprocess.DEVNULL)
t0 = time.monotonic()
got = None
while time.monotonic() - t0 < 5:
    w, _ = ask(PORT, "www.later.test", "A", qid=71)
    got = lines(dns.message.from_wire(w).answer)
    if got:
        break
    time.sleep(0.1)
check_eq(got, ["www.later.test. A 198.51.100.80"], "later.test created: served within 5 s")
w, _ = ask(PORT, "later.cache.test", "A", qid=72)
check_eq(lines(dns.message.from_wire(w).answer),
         ["later.cache.test. CNAME www.later.test.", "www.later.test. A 198.51.100.80"],
         "then the CNAME chain is followed into it (no stale cached CNAME-only answer)")

# ---- cache 0 ----------------------------------------------------------------------
hb = hits()
for i in range(20):
    ask(NOPORT, "www.cache.test", qid=30)
check_eq(hits() - hb, 0, "cache 0: 20 repeated queries, hits_total unchanged")
w, _ = ask(NOPORT, "WwW.cache.TEST", qid=31)
check(w is not None and qsection(w, "WwW.cache.TEST") == b"\x03WwW\x05cache\x04TEST\x00",
      "cache 0: question echoed in the client's case")
done()
