# regress/cases/sql_pdns/pdns.py - the same query to PowerDNS and to us,
# both serving one gsqlite3 database: rcode, AA, and the answer and
# authority RR sets (sorted, owner names lower-cased) must match.
#   pdns.py PDNS-PORT OUR-PORT [NAME TYPE DESC]...
# (with NAME TYPE DESC triples: only those queries)
# Not compared, by design:
# - the additional section: PowerDNS adds glue/target addresses by its
#   own rules (and the OPT), we add in-bailiwick A/AAAA of NS, MX and SRV
#   targets while they fit; both are optional data (RFC 1034 4.3.2 step 6);
# - the order of RRs inside a section (sets are compared sorted);
# - ANY: PowerDNS returns every RRset of the name, we return one
#   (RFC 8482); there only "ours is one complete RRset of PowerDNS's
#   answer" is checked.
import sys

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype

from rlib import check, done, fail, mkquery, ok, raw_tcp, raw_udp

ADDR = "127.0.0.1"
PPORT, OPORT = int(sys.argv[1]), int(sys.argv[2])


def lines(section):
    out = []
    for rrset in section:
        for rd in rrset:
            out.append("%s %d %s %s" % (
                rrset.name.to_text().lower(), rrset.ttl,
                dns.rdatatype.to_text(rrset.rdtype), rd.to_text().lower()))
    return sorted(out)


def ask(port, name, t, tcp=False):
    q = mkquery(name, t, use_edns=0, payload=1232)
    q.flags &= ~dns.flags.RD
    w, _ = (raw_tcp if tcp else raw_udp)(ADDR, port, q.to_wire())
    return None if w is None else dns.message.from_wire(w)


def summary(r):
    return {
        "rcode": dns.rcode.to_text(r.rcode()),
        "aa": bool(r.flags & dns.flags.AA),
        "tc": bool(r.flags & dns.flags.TC),
        "answer": lines(r.answer),
        "authority": lines(r.authority),
    }


QUERIES = [
    ("www.p.test", "A", "existing name, two A"),
    ("www.p.test", "AAAA", "existing name, AAAA"),
    ("www.p.test", "TXT", "existing name, TXT"),
    ("WwW.P.tEsT", "A", "mixed-case query"),
    ("p.test", "SOA", "apex SOA"),
    ("p.test", "NS", "apex NS"),
    ("p.test", "MX", "apex MX"),
    ("mail.p.test", "AAAA", "record added with pdnsutil add-record"),
    ("_sip._tcp.p.test", "SRV", "SRV"),
    ("alias.p.test", "A", "CNAME followed in zone"),
    ("alias.p.test", "CNAME", "CNAME asked for itself"),
    ("out.p.test", "A", "CNAME to an out-of-zone name"),
    ("nope.p.test", "A", "NXDOMAIN"),
    ("www.p.test", "MX", "NODATA"),
    ("foo.wild.p.test", "A", "wildcard match"),
    ("a.b.wild.p.test", "A", "wildcard match two labels down"),
    ("foo.wild.p.test", "MX", "wildcard NODATA"),
    ("host.wild.p.test", "TXT", "existing name under a wildcard: NODATA"),
    ("x.host.wild.p.test", "A", "below an existing name under a wildcard: NXDOMAIN"),
    ("foo.wc.p.test", "A", "wildcard CNAME followed"),
    ("deep.p.test", "A", "empty non-terminal (pdnsutil rectify row): NODATA"),
    ("x.deep.p.test", "A", "below an empty non-terminal: NXDOMAIN"),
    ("sub.deep.p.test", "A", "name below the empty non-terminal"),
    ("www.sub.p.test", "A", "delegation: referral"),
    ("sub.p.test", "NS", "delegation point NS: referral"),
    ("ns.sub.p.test", "A", "glue name: referral"),
    ("sub.p.test", "DS", "DS at a cut without DS: NODATA from the parent"),
    ("secure.p.test", "DS", "DS at a cut with DS"),
    ("x.secure.p.test", "AAAA", "below a cut with DS: referral"),
    ("x.dn.p.test", "A", "DNAME below the apex: DNAME + synthesized CNAME"),
    ("dn.p.test", "A", "DNAME owner itself: NODATA"),
    ("dn.p.test", "DNAME", "DNAME owner, type DNAME"),
    ("late.p.test", "A", "record added with pdnsutil after load-zone"),
    # parent and child zone both in the database
    ("www.kid.p.test", "A", "child zone name"),
    ("kid.p.test", "NS", "child zone apex NS"),
    ("nope.kid.p.test", "A", "child zone NXDOMAIN"),
    # RFC 4035 3.1.4.1: DS belongs to the parent side of the cut
    ("kid.p.test", "DS", "DS of a child zone served too: the parent's DS"),
    # RFC 6672: a DNAME at a zone apex redirects the names below it
    ("www.dnapex.test", "A", "DNAME at a zone apex"),
]

ONLY = sys.argv[3:]
if ONLY:
    QUERIES = [tuple(ONLY[i:i + 3]) for i in range(0, len(ONLY) - 2, 3)]
for name, t, desc in QUERIES:
    p = ask(PPORT, name, t)
    o = ask(OPORT, name, t)
    if p is None or o is None:
        fail("%s (%s %s): both answer" % (desc, name, t),
             "pdns: %s, ours: %s" % (p is not None, o is not None))
        continue
    sp, so = summary(p), summary(o)
    if sp == so:
        ok("%s (%s %s): same as PowerDNS" % (desc, name, t))
    else:
        det = []
        for k in sp:
            if sp[k] != so[k]:
                det += ["%s pdns: %r" % (k, sp[k]), "%s ours: %r" % (k, so[k])]
        fail("%s (%s %s): same as PowerDNS" % (desc, name, t), *det)

if ONLY:
    done()
# ANY: ours (RFC 8482) is one complete RRset of PowerDNS's full answer
p = ask(PPORT, "www.p.test", "ANY", tcp=True)
o = ask(OPORT, "www.p.test", "ANY", tcp=True)
if p is None or o is None:
    fail("ANY: both answer")
else:
    sp, so = summary(p), summary(o)
    types = set(rr.rdtype for rr in o.answer)
    check(sp["rcode"] == so["rcode"] and sp["aa"] == so["aa"] and len(types) == 1 and
          set(so["answer"]) <= set(sp["answer"]) and
          [l for l in sp["answer"] if l.split()[2] == so["answer"][0].split()[2]] == so["answer"],
          "ANY (www.p.test): ours is one complete RRset of PowerDNS's answer",
          "pdns: %r" % sp, "ours: %r" % so)
done()
