# Clients that go away while their (delayed) answer is pending: TCP close,
# TCP reset, and a UDP socket closed before the answer. The server must
# keep working (sanitizers watch for use-after-free).
import sys, socket, struct, time
from rlib import *
addr, port = sys.argv[1], int(sys.argv[2])
for rst in (False, True):
    for k in range(10):
        c = tcp_connect(addr, port, 2)
        c.sendall(frame(mkquery("gone%d.example.org" % k, "A").to_wire()) * 3)
        if rst:
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
for k in range(10):
    u = udp_socket(addr)
    u.sendto(mkquery("ugone%d.example.org" % k, "A").to_wire(), (addr, port))
    u.close()
time.sleep(0.3)  # all delays (50 ms) have fired
q = mkquery("back.example.org", "A")
r, _ = query(addr, port, q, tcp=True)
check(r is not None and r.id == q.id and r.answer, "answers after clients vanished mid-delay (TCP)")
r, _ = query(addr, port, q)
check(r is not None and r.id == q.id and r.answer, "answers after clients vanished mid-delay (UDP)")
done()
