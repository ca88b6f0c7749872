# Big TCP answers to a reader that does not read: the server must queue
# (partial writes), keep serving others, and deliver everything once the
# client reads. Clients that vanish with answers pending must not hurt.
import sys, socket, struct, time
from rlib import *

addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

s = tcp_connect(addr, port, 10)
buf = b""
for i in range(n):
    q = mkquery("authors.bind", "TXT", "CH")
    q.id = i
    buf += frame(q.to_wire())
s.sendall(buf)
time.sleep(1.0)  # let the server's writes hit a full socket buffer

# other clients are still served meanwhile
t = time.time()
r, _ = query(addr, port, mkquery("x.example.org", "A"))
el = time.time() - t
check(r is not None and r.rcode() == 0 and el < 1.0,
      "UDP answered while a TCP reader stalls (%.0f ms)" % (el * 1000))
r, _ = query(addr, port, mkquery("x.example.org", "A"), tcp=True)
check(r is not None and r.rcode() == 0, "other TCP connection answered while a reader stalls")

ids, bad = set(), 0
try:
    for i in range(n):
        w = tcp_read_msg(s)
        if w is None:
            break
        r = dns.message.from_wire(w)
        if len(r.answer) == 1 and len(r.answer[0]) == 20 and not r.flags & dns.flags.TC:
            ids.add(r.id)
        else:
            bad += 1
except socket.timeout:
    pass
check(len(ids) == n and bad == 0,
      "%d big (~4.3 KB) answers delivered to a slow reader" % n, "got %d good, %d bad" % (len(ids), bad))
s.close()

# clients that go away with answers pending (FIN, and RST)
for rst in (False, True):
    c = tcp_connect(addr, port, 5)
    c.sendall(buf[: len(buf) // 2])
    if rst:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
time.sleep(0.5)
r, _ = query(addr, port, mkquery("y.example.org", "A"), tcp=True)
check(r is not None and r.rcode() == 0, "still answering after clients vanished with answers pending")
done()
