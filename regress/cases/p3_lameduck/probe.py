# regress/cases/p3_lameduck/probe.py - polls a daemon until STOPFILE
# exists (at most 20 s): one UDP query, GET /health and GET /ready per
# round, every 50 ms. Writes one line per round to OUT:
#   TIME DNS HEALTH READY
# TIME is time.time(); DNS is the rcode name or "none"; HEALTH/READY are
# the HTTP status or 0 when nothing answered.
#   probe.py ADDR PORT HPORT RPORT OUT STOPFILE
import os
import socket
import sys
import time

import dns.message
import dns.rcode

import rlib


def http_status(addr, port):
    try:
        s = socket.create_connection((addr, port), timeout=0.3)
    except OSError:
        return 0
    try:
        s.settimeout(0.3)
        s.sendall(b"GET %s HTTP/1.0\r\n\r\n" % path_for[port])
        data = s.recv(64)
        parts = data.split(b" ", 2)
        return int(parts[1]) if len(parts) > 1 else 0
    except (OSError, ValueError):
        return 0
    finally:
        s.close()


addr, port, hport, rport, out, stop = sys.argv[1:7]
port, hport, rport = int(port), int(hport), int(rport)
path_for = {hport: b"/health", rport: b"/ready"}
end = time.time() + 20
with open(out, "w") as f:
    while time.time() < end and not os.path.exists(stop):
        t = time.time()
        try:
            r, _ = rlib.query(addr, port, rlib.mkquery("a.test", "A"),
                              timeout=0.3)
            st = dns.rcode.to_text(r.rcode()) if r is not None else "none"
        except OSError:
            st = "none"
        f.write("%.3f %s %d %d\n" % (t, st, http_status(addr, hport),
                                     http_status(addr, rport)))
        f.flush()
        time.sleep(0.05)
