# The server closes an idle TCP connection after ~10 s (bounded wait 14 s),
# and not before 5 s.
import sys, socket, time
from rlib import *
addr, port = sys.argv[1], int(sys.argv[2])
s = tcp_connect(addr, port, 2)
q = mkquery("idle.example.org", "A")
s.sendall(frame(q.to_wire()))
r = dns.message.from_wire(tcp_read_msg(s))
check_eq(r.id, q.id, "idle: first answer")
t0 = time.time()
s.settimeout(14)
try:
    d = s.recv(10)
    closed = d == b""
except ConnectionResetError:
    closed = True
except socket.timeout:
    closed = False
el = time.time() - t0
check(closed and 5 <= el <= 13, "idle TCP connection closed by the server after ~10 s",
      "closed=%s after %.1f s" % (closed, el))
done()
