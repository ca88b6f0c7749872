# regress/cases/sql_alloc/alloc.py - no malloc on the worker threads while
# the sql plugin answers, once warm: cache hits, misses (names never asked
# before), NXDOMAIN, NODATA, wildcard, CNAME (in zone and into a second
# zone, never cached), DNAME, referral, additional processing; over UDP
# and pipelined on a persistent TCP connection. Needs a build with
# allocation counting (sanitizers).
#   alloc.py ADDR PORT DEBUG-PORT
import socket
import sys
import time

from rlib import *

addr, port, dport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

# (name, type, rcode); "%d" names are new every time (cache misses)
MIX = [
    ("www.alloc.test.", "A", 0),
    ("WwW.Alloc.Test.", "AAAA", 0),
    ("nope.alloc.test.", "A", 3),
    ("n%d.alloc.test.", "A", 3),
    ("x.wild.alloc.test.", "A", 0),
    ("r%d.wild.alloc.test.", "A", 0),
    ("alias.alloc.test.", "A", 0),
    ("q%d.wc.alloc.test.", "A", 0),
    ("ext.alloc.test.", "A", 0),
    ("x.dn.alloc.test.", "A", 0),
    ("www.sub.alloc.test.", "A", 0),
    ("h%d.sub.alloc.test.", "AAAA", 0),
    ("alloc.test.", "MX", 0),
    ("alloc.test.", "NS", 0),
    ("www.alloc.test.", "TXT", 0),
    ("sub.alloc.test.", "DS", 0),
]
SEQ = [0]


def pick(i):
    name, t, rc = MIX[i % len(MIX)]
    if "%d" in name:
        SEQ[0] += 1
        name = name % SEQ[0]
    return name, t, rc


def vars_():
    return metrics(http_get(addr, dport, "/debug/vars"))


def total(m, name):
    return sum(v for k, v in m.items() if k.startswith(name + "{"))


KEEP = []  # the persistent TCP connection, pinged during UDP phases


def keepalive():
    # the server closes idle TCP connections after 10 s
    for c in KEEP:
        q = mkquery("www.alloc.test", "A")
        c.sendall(frame(q.to_wire()))
        tcp_read_msg(c)


def udp_burst(n, tag):
    # from 32 sockets: SO_REUSEPORT spreads source ports over the workers
    socks = [udp_socket(addr, 2) for _ in range(32)]
    bad = []
    for i in range(n):
        s = socks[i % len(socks)]
        if i % 200 == 199:
            keepalive()
        name, t, rc = pick(i)
        q = mkquery(name, t, use_edns=(0 if i % 2 else False),
                    want_dnssec=(i % 4 == 1))
        s.sendto(q.to_wire(), (addr, port))
        try:
            r = dns.message.from_wire(s.recv(4096))
            if r.id != q.id or r.rcode() != rc:
                bad.append("%s %s rcode %d" % (name, t, r.rcode()))
        except socket.timeout:
            bad.append("%s %s: timeout" % (name, t))
    for s in socks:
        s.close()
    return tag is None or check(not bad, "%s: %d UDP queries all answered as expected" % (tag, n),
                                *bad[:5])


def udp_batches(n, tag):
    # bursts of 8 queries sent back to back, so the server reads batches
    got = 0
    for b in range(n // 8):
        if b % 25 == 24:
            keepalive()
        s = udp_socket(addr, 2)
        for i in range(8):
            name, t, rc = pick(b * 8 + i)
            s.sendto(mkquery(name, t).to_wire(), (addr, port))
        for i in range(8):
            try:
                s.recv(4096)
                got += 1
            except socket.timeout:
                break
        s.close()
    return tag is None or check_eq(got, n // 8 * 8, "%s: %d batched UDP queries answered" % (tag, n // 8 * 8))


def tcp_pipelined(conn, n, tag):
    buf = b""
    want = {}
    for i in range(n):
        name, t, rc = pick(i)
        q = mkquery(name, t, use_edns=(0 if i % 3 else False))
        q.id = i
        want[i] = rc
        buf += frame(q.to_wire())
    conn.sendall(buf)
    bad = 0
    for i in range(n):
        w = tcp_read_msg(conn)
        if w is None:
            break
        r = dns.message.from_wire(w)
        if want.pop(r.id, None) != r.rcode():
            bad += 1
    return tag is None or check(len(want) == 0 and bad == 0,
                                "%s: %d pipelined TCP queries answered as expected" % (tag, n),
                                "unanswered %d, wrong rcode %d" % (len(want), bad))


conn = tcp_connect(addr, port, 5)
KEEP.append(conn)
# Warm up until a round allocates nothing (at most 5 rounds).
prev = None
for rnd in range(5):
    udp_burst(400, None)
    udp_batches(200, None)
    tcp_pipelined(conn, 100, None)
    tcp_pipelined(conn, 500, None)
    time.sleep(0.2)
    m0 = vars_()
    cur = total(m0, "coredns_debug_worker_allocs_total")
    if cur == prev:
        break
    prev = cur
check(cur == prev, "allocations stop growing during warm-up (round %d)" % rnd)
if m0.get("coredns_debug_alloc_counting") != 1:
    fail("allocation counting available (build with --enable-sanitizers)",
         "coredns_debug_alloc_counting = %r" % m0.get("coredns_debug_alloc_counting"))
    done()
ok("allocation counting available")
a0 = total(m0, "coredns_debug_worker_allocs_total")
q0 = total(m0, "coredns_debug_worker_queries_total")
h0 = m0.get("coredns_sql_cache_hits_total", 0)
mi0 = m0.get("coredns_sql_cache_misses_total", 0)

udp_burst(2000, "steady")
udp_batches(400, "steady")
tcp_pipelined(conn, 500, "steady")
time.sleep(0.3)
m1 = vars_()
a1 = total(m1, "coredns_debug_worker_allocs_total")
q1 = total(m1, "coredns_debug_worker_queries_total")
check(q1 - q0 >= 2900, "queries_total grew by the queries sent", "grew by %d" % (q1 - q0))
check(m1.get("coredns_sql_cache_hits_total", 0) > h0 and
      m1.get("coredns_sql_cache_misses_total", 0) > mi0,
      "the steady run had both cache hits and misses",
      "hits %s -> %s, misses %s -> %s" % (h0, m1.get("coredns_sql_cache_hits_total"),
                                          mi0, m1.get("coredns_sql_cache_misses_total")))
check(a1 == a0, "no worker allocation while sql answered %d more queries" % (q1 - q0),
      "allocs_total %d -> %d (+%d)" % (a0, a1, a1 - a0),
      "\n".join("%s %s -> %s" % (k, m0.get(k), v) for k, v in sorted(m1.items())
                if "allocs" in k))
conn.close()
done()
