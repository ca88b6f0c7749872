# Sends N UDP and M TCP queries to a server that delays every answer,
# touches READY once all are sent, then collects the answers (bounded).
import sys, socket, time
from rlib import *

addr, port, n, m, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
us, ts = [], []
for i in range(n):
    s = udp_socket(addr, 5)
    q = mkquery("u%d.example.org" % i, "A")
    s.sendto(q.to_wire(), (addr, port))
    us.append((s, q))
for i in range(m):
    s = tcp_connect(addr, port, 5)
    q = mkquery("t%d.example.org" % i, "A")
    s.sendall(frame(q.to_wire()))
    ts.append((s, q))
open(ready, "w").close()
t0 = time.time()
ugood = tgood = 0
errs = []
for s, q in us:
    try:
        r = dns.message.from_wire(s.recv(4096))
        ugood += r.id == q.id and r.rcode() == 0 and len(r.answer) == 1
    except Exception as e:
        errs.append("udp %s: %r" % (q.question[0].name, e))
for s, q in ts:
    try:
        w = tcp_read_msg(s)
        r = dns.message.from_wire(w)
        tgood += r.id == q.id and r.rcode() == 0 and len(r.answer) == 1
    except Exception as e:
        errs.append("tcp %s: %r" % (q.question[0].name, e))
# keep the TCP connections open until the server closes them: the
# server's side then ends in TIME_WAIT, which a restart must tolerate
for s, q in ts:
    try:
        s.settimeout(5)
        while s.recv(4096):
            pass
    except OSError:
        pass
    s.close()
check_eq(ugood, n, "in-flight delayed UDP queries answered during shutdown")
check_eq(tgood, m, "in-flight delayed TCP queries answered during shutdown")
if errs:
    print("# " + "\n# ".join(errs[:5]))
done()
