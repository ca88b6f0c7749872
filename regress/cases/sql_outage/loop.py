# regress/cases/sql_outage/loop.py - a bounded query loop:
#   loop.py PORT NAME WANT STOPFILE MAXSECS OUTFILE
# asks 127.0.0.1:PORT for NAME A every 10 ms (every 10th over TCP) until
# STOPFILE exists or MAXSECS have passed; a query fails when there is no
# answer in 1 s, the rcode is not NOERROR or the A rdata is not exactly
# WANT. Writes "TOTAL FAILED" and then up to 20 failures to OUTFILE.
import os
import sys
import time

import dns.rcode
import rlib

port, name, want, stop, maxsecs, out = (int(sys.argv[1]), sys.argv[2],
    sys.argv[3], sys.argv[4], float(sys.argv[5]), sys.argv[6])
total = failed = 0
details = []
end = time.monotonic() + maxsecs
while time.monotonic() < end and not os.path.exists(stop):
    tcp = total % 10 == 9
    total += 1
    why = None
    try:
        r, _ = rlib.query("127.0.0.1", port, rlib.mkquery(name, "A"), tcp=tcp,
                          timeout=1.0)
        if r is None:
            why = "no answer"
        elif r.rcode() != dns.rcode.NOERROR:
            why = "rcode " + dns.rcode.to_text(r.rcode())
        else:
            got = sorted(rd.to_text() for rrs in r.answer for rd in rrs)
            if got != [want]:
                why = "answer %r" % (got,)
    except Exception as e:  # a refused TCP connection and the like
        why = "%s: %s" % (type(e).__name__, e)
    if why is not None:
        failed += 1
        if len(details) < 20:
            details.append("%.3f %s %s" % (time.time(), "tcp" if tcp else "udp", why))
    time.sleep(0.01)
with open(out + ".tmp", "w") as f:
    f.write("%d %d\n" % (total, failed))
    for d in details:
        f.write(d + "\n")
os.rename(out + ".tmp", out)
