# Query loop for the reload test: sequential version.bind CH TXT queries
# (odd ones over TCP) until STOPFILE exists and at least MIN were sent
# (bounded by 60 s). Writes a summary to OUT: counts, failures, and the
# order in which versions were seen.
import os, sys, time, json
from rlib import *

addr, port, stopfile, out, minimum = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
ready = sys.argv[6]
n = fails = 0
seen = []
errs = []
t0 = time.time()
while time.time() - t0 < 60 and (n < minimum or not os.path.exists(stopfile)):
    tcp = n % 2 == 1
    q = mkquery("version.bind", "TXT", "CH")
    try:
        r, _ = query(addr, port, q, tcp=tcp, timeout=1.0)
    except OSError as e:
        r = None
        errs.append("query %d: %r" % (n, e))
    n += 1
    if r is None or r.rcode() != 0 or r.id != q.id or not r.answer:
        fails += 1
        if len(errs) < 5:
            errs.append("query %d (%s): %s" % (n, "tcp" if tcp else "udp", r))
        continue
    v = r.answer[0][0].strings[0].decode()
    if not seen:
        open(ready, "w").close()
    if not seen or seen[-1] != v:
        seen.append(v)
with open(out, "w") as f:
    json.dump({"n": n, "fails": fails, "seen": seen, "errs": errs}, f)
