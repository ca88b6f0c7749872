# Steady-state allocation check: after a warm-up, answering more queries
# (UDP, and pipelined on a persistent TCP connection) must not malloc on
# the worker threads. Needs a build with allocation counting (sanitizers).
import sys, socket, time
from rlib import *

addr, port, dport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
NAMES = ["example.org.", "www.example.org.", "a.b.c.example.org."]


def vars_():
    return metrics(http_get(addr, dport, "/debug/vars"))


def total(m, name):
    return sum(v for k, v in m.items() if k.startswith(name + "{"))


KEEP = []  # the persistent TCP connection, pinged during UDP phases


def keepalive():
    # the server closes idle TCP connections after 10 s; a slow (loaded)
    # run must not lose the persistent connection that way
    for c in KEEP:
        q = mkquery("keep.example.org", "A")
        c.sendall(frame(q.to_wire()))
        tcp_read_msg(c)


def udp_burst(n, tag):
    # from 32 sockets: SO_REUSEPORT spreads source ports over the workers
    socks = [udp_socket(addr, 2) for _ in range(32)]
    bad = 0
    for i in range(n):
        s = socks[i % len(socks)]
        if i % 200 == 199:
            keepalive()
        q = mkquery(NAMES[i % 3], ("A", "AAAA", "TXT")[i % 3],
                    use_edns=(0 if i % 2 else False))
        s.sendto(q.to_wire(), (addr, port))
        try:
            r = dns.message.from_wire(s.recv(4096))
            if r.id != q.id or r.rcode() != 0:
                bad += 1
        except socket.timeout:
            bad += 1
    for s in socks:
        s.close()
    return tag is None or check_eq(bad, 0, "%s: %d UDP queries all answered" % (tag, n))


def udp_batches(n, tag):
    # bursts of 8 queries sent back to back, so the server reads batches
    got = 0
    for b in range(n // 8):
        if b % 25 == 24:
            keepalive()
        s = udp_socket(addr, 2)
        for i in range(8):
            s.sendto(mkquery("b%d.example.org" % i, "A").to_wire(), (addr, port))
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
    ids = set()
    for i in range(n):
        q = mkquery(NAMES[i % 3], "A")
        q.id = i
        ids.add(i)
        buf += frame(q.to_wire())
    conn.sendall(buf)
    for i in range(n):
        w = tcp_read_msg(conn)
        if w is None:
            break
        ids.discard(dns.message.from_wire(w).id)
    return tag is None or check_eq(len(ids), 0, "%s: %d pipelined TCP queries answered" % (tag, n))


conn = tcp_connect(addr, port, 5)
KEEP.append(conn)
# Warm up until a round allocates nothing (at most 4 rounds). The request
# pool grows to the high-water mark of queries in flight, so the warm-up
# reaches the same depth as the measured run.
prev = None
for rnd in range(4):
    udp_burst(300, None)
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

udp_burst(2000, "steady")
udp_batches(400, "steady")
tcp_pipelined(conn, 500, "steady")
time.sleep(0.3)
m1 = vars_()
a1 = total(m1, "coredns_debug_worker_allocs_total")
q1 = total(m1, "coredns_debug_worker_queries_total")
check(q1 - q0 >= 2900, "queries_total grew by the queries sent", "grew by %d" % (q1 - q0))
check(a1 == a0, "no worker allocation while answering %d more queries" % (q1 - q0),
      "allocs_total %d -> %d (+%d)" % (a0, a1, a1 - a0),
      "\n".join("%s %s -> %s" % (k, m0.get(k), v) for k, v in sorted(m1.items())
                if "allocs" in k))
sizes = [k for k in m1 if k.startswith("coredns_debug_worker_udp_batch_size{")]
check(len(sizes) > 0, "udp batch size histogram present", sizes)
check(total(m1, "coredns_debug_worker_udp_batches_total") > 0, "udp_batches_total > 0")
hist = sum(v * int(k.split('size="')[1].split('"')[0]) for k, v in m1.items() if k in sizes)
check(hist >= 2900, "batch histogram accounts for the UDP queries (%d)" % hist)
conn.close()
done()
