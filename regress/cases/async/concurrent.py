# N concurrent queries (all sent before any answer is read) over UDP from
# one socket each, and over TCP on separate connections; every one must be
# answered with the erratic A record.
import sys, socket, select, time
from rlib import *

addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

socks = []
for i in range(n):
    s = udp_socket(addr)
    q = mkquery("q%d.example.org" % i, "A")
    s.sendto(q.to_wire(), (addr, port))
    socks.append((s, q))
good = 0
bad = []
deadline = time.time() + 5
for s, q in socks:
    s.settimeout(max(0.05, deadline - time.time()))
    try:
        r = dns.message.from_wire(s.recv(4096))
        if r.id == q.id and r.answer and r.answer[0][0].address == "192.0.2.53" \
                and r.answer[0].name == q.question[0].name:
            good += 1
        else:
            bad.append(str(r))
    except socket.timeout:
        bad.append("timeout for %s" % q.question[0].name)
    s.close()
check(good == n, "%d concurrent delayed UDP queries all answered" % n,
      "answered %d" % good, *bad[:3])

conns = []
for i in range(n):
    s = tcp_connect(addr, port, 5)
    q = mkquery("t%d.example.org" % i, "AAAA")
    s.sendall(frame(q.to_wire()))
    conns.append((s, q))
good = 0
bad = []
for s, q in conns:
    try:
        w = tcp_read_msg(s)
        r = dns.message.from_wire(w)
        if r.id == q.id and r.answer and r.answer[0][0].address == "::53":
            good += 1
        else:
            bad.append(str(r))
    except Exception as e:
        bad.append("%s: %r" % (q.question[0].name, e))
    s.close()
check(good == n, "%d concurrent delayed TCP queries all answered" % n,
      "answered %d" % good, *bad[:3])
done()
