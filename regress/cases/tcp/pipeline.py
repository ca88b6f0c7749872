# TCP: N queries in one write on one connection; N answers, IDs matched.
# Also: a query split across writes, two queries in one segment with the
# second split, and the idle timeout closing the connection.
import sys, socket, time
from rlib import *

addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
mode = sys.argv[4] if len(sys.argv) > 4 else "whoami"


def expect_ok(r, q):
    if r.id != q.id or r.question != q.question or r.rcode() != 0:
        return False
    if mode == "erratic":
        return len(r.answer) == 1
    return any(rr.rdtype == dns.rdatatype.SRV for rr in r.additional)


s = tcp_connect(addr, port, 10)
qs = {}
buf = b""
for i in range(n):
    q = mkquery("p%d.example.org" % i, "A")
    q.id = i + 1000
    qs[q.id] = q
    buf += frame(q.to_wire())
s.sendall(buf)
got, bad = 0, []
try:
    for i in range(n):
        w = tcp_read_msg(s)
        if w is None:
            bad.append("EOF after %d answers" % got)
            break
        r = dns.message.from_wire(w)
        q = qs.pop(r.id, None)
        if q is not None and expect_ok(r, q):
            got += 1
        else:
            bad.append("unexpected answer id %d: %s" % (r.id, r))
except socket.timeout:
    bad.append("timeout after %d answers" % got)
check(got == n and not qs, "%s: %d pipelined queries in one write, %d answers, all ids matched" % (mode, n, got),
      *bad[:3])

# the same connection keeps working: a query sent byte by byte
q = mkquery("slow.example.org", "A")
for b in frame(q.to_wire()):
    s.sendall(bytes([b]))
    time.sleep(0.002)
r = dns.message.from_wire(tcp_read_msg(s))
check(expect_ok(r, q), "%s: a query written one byte at a time is answered" % mode, r)

# two queries in one segment, the second split across two writes
q1, q2 = mkquery("a.example.org", "A"), mkquery("b.example.org", "A")
w = frame(q1.to_wire()) + frame(q2.to_wire())
s.sendall(w[:len(w) - 5])
time.sleep(0.05)
s.sendall(w[len(w) - 5:])
ids = set()
for _ in range(2):
    ids.add(dns.message.from_wire(tcp_read_msg(s)).id)
check_eq(ids, {q1.id, q2.id}, "%s: split second message answered too" % mode)
s.close()
done()
