# Over UDP a reply bigger than min(max(EDNS size, 512), 1232) (512 without
# EDNS) is truncated: TC=1, question only (+ OPT if the query had EDNS).
import sys
from rlib import *
addr, port = sys.argv[1], int(sys.argv[2])


def tc_case(desc, q, want_opt):
    r, _ = query(addr, port, q)
    if not check(r is not None, desc + ": answered"):
        return
    check(r.flags & dns.flags.TC, desc + ": TC=1", r)
    check_eq(r.id, q.id, desc + ": id echoed")
    check_eq((len(r.answer), len(r.authority)), (0, 0), desc + ": no answer/authority")
    check_eq(r.question, q.question, desc + ": question echoed")
    check_eq(r.edns >= 0, want_opt, desc + ": OPT present iff query had EDNS")
    check_eq(dns.rcode.to_text(r.rcode()), "NOERROR", desc + ": rcode NOERROR")


q = mkquery("authors.bind", "TXT", "CH", use_edns=False)
tc_case("no EDNS", q, False)
for size in (512, 1232, 4096, 65535):
    q = mkquery("authors.bind", "TXT", "CH", use_edns=0, payload=size)
    tc_case("EDNS bufsize %d" % size, q, True)
    r, _ = query(addr, port, q)
    if r is not None:
        check_eq(r.payload, 1232, "EDNS bufsize %d: we advertise 1232" % size)

# TCP gets everything
r, _ = query(addr, port, mkquery("authors.bind", "TXT", "CH"), tcp=True)
check(r is not None and not r.flags & dns.flags.TC and len(r.answer) == 1 and len(r.answer[0]) == 20,
      "TCP: all 20 authors, no TC", r)

# A medium answer (a ~900 byte version string): fits 1232 but not 512
q = mkquery("version.bind", "TXT", "CH", use_edns=False)
tc_case("medium answer, no EDNS", q, False)
q = mkquery("version.bind", "TXT", "CH", use_edns=0, payload=600)
tc_case("medium answer, EDNS 600", q, True)
q = mkquery("version.bind", "TXT", "CH", use_edns=0, payload=1232)
r, _ = query(addr, port, q)
check(r is not None and not r.flags & dns.flags.TC and len(r.answer) == 1,
      "medium answer, EDNS 1232: fits, not truncated", r)
q = mkquery("version.bind", "TXT", "CH", use_edns=0, payload=100)
r, _ = query(addr, port, q)
check(r is not None and r.flags & dns.flags.TC and not r.answer,
      "medium answer, EDNS 100 (raised to 512): truncated", r)
done()
