# whoami answers: NOERROR, AA, empty answer, additional = A/AAAA of the
# client (owner qname, TTL 0) + SRV _udp./_tcp.QNAME 0 0 CLIENTPORT .
import sys
import dns.rdatatype as T
from rlib import *

addr, port, qname = sys.argv[1], int(sys.argv[2]), sys.argv[3]
v6 = ":" in addr
for tcp in (False, True):
    proto = "tcp" if tcp else "udp"
    tag = "%s %s %s" % (addr, proto, qname)
    for qtype in ("A", "AAAA", "TXT"):
        r, sport = query(addr, port, mkquery(qname, qtype), tcp=tcp)
        if not check(r is not None, "%s %s: got an answer" % (tag, qtype)):
            continue
        check_eq(dns.rcode.to_text(r.rcode()), "NOERROR", "%s %s: rcode" % (tag, qtype))
        check(r.flags & dns.flags.AA and r.flags & dns.flags.QR, "%s %s: QR and AA set" % (tag, qtype), r)
        check_eq(len(r.answer), 0, "%s %s: empty answer section" % (tag, qtype))
        want_t = T.AAAA if v6 else T.A
        addrs = [(rr.name.to_text(), rr.ttl, rd.address)
                 for rr in r.additional if rr.rdtype == want_t for rd in rr]
        check_eq(addrs, [(qname.lower() if False else qname, 0, addr)],
                 "%s %s: additional %s = client address, owner qname, TTL 0" % (tag, qtype, T.to_text(want_t)))
        srvs = [(rr.name.to_text(), rr.ttl, rd.priority, rd.weight, rd.port, rd.target.to_text())
                for rr in r.additional if rr.rdtype == T.SRV for rd in rr]
        check_eq(srvs, [("_%s.%s" % (proto, qname), 0, 0, 0, sport, ".")],
                 "%s %s: SRV _%s with the client's source port %d" % (tag, qtype, proto, sport))
        others = [rr for rr in r.additional if rr.rdtype not in (want_t, T.SRV, T.OPT)]
        check_eq(others, [], "%s %s: nothing else in additional" % (tag, qtype))
done()
