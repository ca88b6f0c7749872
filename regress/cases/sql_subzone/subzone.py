# regress/cases/sql_subzone/subzone.py PORT MPORT DB UTIL KIDZONE
# Cached answers that looked a name up again inside their own zone (a
# CNAME target, an MX target's addresses) must not outlive a zone created
# below that name: after kid.example.test appears, the deepest zone
# answers for www.kid and mail.kid.
import subprocess
import sys
import time

import dns.rdatatype

from rlib import check, check_eq, done, http_get, metrics, mkquery, query

port, mport = int(sys.argv[1]), int(sys.argv[2])
db, util, kidzone = sys.argv[3], sys.argv[4], sys.argv[5]


def ask(name, qtype):
    r, _ = query("127.0.0.1", port, mkquery(name, qtype), timeout=2.0)
    return r


def addrs(r, section):
    return sorted(rd.to_text() for rr in section(r) if rr.rdtype == dns.rdatatype.A
                  for rd in rr)


def hits():
    return metrics(http_get("127.0.0.1", mport, "/metrics")).get("coredns_sql_cache_hits_total", 0)


# asked three times: stored on the second sight, a hit on the third
for _ in range(3):
    r1 = ask("tokid.example.test", "A")
    r2 = ask("example.test", "MX")
h0 = hits()
r1 = ask("tokid.example.test", "A")
r2 = ask("example.test", "MX")
check(hits() >= h0 + 2, "both answers come from the packet cache (hits %s -> %s)" % (h0, hits()))
check_eq(addrs(r1, lambda m: m.answer), ["192.0.2.1"], "before: www.kid from example.test")
check_eq(addrs(r2, lambda m: m.additional), ["192.0.2.25"], "before: mail.kid from example.test")

out = subprocess.run([util, "--db", "sqlite:" + db, "zone", "import", kidzone,
                      "kid.example.test"], capture_output=True, text=True, timeout=30)
check_eq(out.returncode, 0, "zone kid.example.test created while the server runs")
deadline = time.time() + 5
while time.time() < deadline:
    r = ask("kid.example.test", "SOA")
    if r is not None and r.answer:
        break
    time.sleep(0.1)
check(r is not None and bool(r.answer), "kid.example.test served within 5 s")
r1 = ask("tokid.example.test", "A")
r2 = ask("example.test", "MX")
check_eq(addrs(r1, lambda m: m.answer), ["192.0.2.99"],
         "after: the CNAME target answered by the new zone kid.example.test")
check_eq(addrs(r2, lambda m: m.additional), ["192.0.2.77"],
         "after: the MX target's address from the new zone kid.example.test")
done()
