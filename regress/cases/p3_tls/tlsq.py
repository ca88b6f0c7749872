# regress/cases/p3_tls/tlsq.py - DNS over TLS client:
#   tlsq.py PORT CAFILE HOSTNAME N [CERT KEY]
# Opens one TLS connection to 127.0.0.1:PORT (server verified against
# CAFILE for HOSTNAME, optional client certificate), sends N framed
# queries back to back, reads N answers. Prints "ok N SPORTS" where SPORTS
# is the set of client ports whoami saw (one connection: one port), or
# "error WHAT" and exits 1.
import socket
import ssl
import sys

import dns.message
import dns.rdatatype

import rlib

port, cafile, host, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
ctx = ssl.create_default_context(cafile=cafile)
if len(sys.argv) > 6:
    ctx.load_cert_chain(sys.argv[5], sys.argv[6])
try:
    raw = socket.create_connection(("127.0.0.1", port), timeout=3)
    s = ctx.wrap_socket(raw, server_hostname=host)
    qs = [rlib.mkquery("q%d.whoami.test" % i, "A") for i in range(n)]
    s.sendall(b"".join(rlib.frame(q.to_wire()) for q in qs))
    sports = set()
    for q in qs:
        w = rlib.tcp_read_msg(s)
        if w is None:
            print("error connection closed before answer")
            sys.exit(1)
        r = dns.message.from_wire(w)
        if r.id != q.id or r.question != q.question:
            print("error answer does not match query")
            sys.exit(1)
        for rr in r.additional:
            if rr.rdtype == dns.rdatatype.SRV:
                sports.add(rr[0].port)
    s.close()
except (OSError, ssl.SSLError) as e:
    print("error %s: %s" % (type(e).__name__, e))
    sys.exit(1)
print("ok %d %s" % (n, ",".join(str(p) for p in sorted(sports))))
