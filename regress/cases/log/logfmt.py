# Sends queries with known source port / id and checks the whole log line
# each produced (CoreDNS's common/combined format).
import os, re, sys, time
from rlib import *

addr, port, logfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
DUR = r"[0-9]+(\.[0-9]+)?(e-[0-9]+)?s"


def rflags(r):
    names = [(dns.flags.QR, "qr"), (dns.flags.AA, "aa"), (dns.flags.TC, "tc"),
             (dns.flags.RD, "rd"), (dns.flags.RA, "ra"), (dns.flags.AD, "ad"), (dns.flags.CD, "cd")]
    return ",".join(n for f, n in names if r.flags & f)


def wait_line(regex, timeout=3.0):
    t0 = time.time()
    rx = re.compile(regex)
    while time.time() - t0 < timeout:
        with open(logfile, errors="replace") as f:
            for line in f:
                if rx.fullmatch(line.rstrip("\n")):
                    return line.rstrip("\n")
        time.sleep(0.05)
    return None


def one(desc, q, tcp=False, rcode="NOERROR", bufsize=None, do="false",
        tail="", qname=None, qtype="A", qclass="IN"):
    wire = q.to_wire()
    if tcp:
        rw, sport = raw_tcp(addr, port, wire)
    else:
        rw, sport = raw_udp(addr, port, wire)
    if not check(rw is not None, desc + ": answered"):
        return
    r = dns.message.from_wire(rw) if qclass == "IN" else None
    flags = rflags(r) if r is not None else None
    if flags is None:
        import struct
        f = struct.unpack("!H", rw[2:4])[0]
        flags = ",".join(n for b, n in ((0x8000, "qr"), (0x400, "aa"), (0x200, "tc"), (0x100, "rd"),
                                         (0x80, "ra"), (0x20, "ad"), (0x10, "cd")) if f & b)
    proto = "tcp" if tcp else "udp"
    if bufsize is None:
        bufsize = 65535 if tcp else 512
    line = r'\[INFO\] 127\.0\.0\.1:%d - %d "%s %s %s %s %d %s %d" %s %s %d %s%s' % (
        sport, q.id, qtype, qclass, re.escape(qname), proto, len(wire), do, bufsize,
        rcode, flags, len(rw), DUR, re.escape(tail))
    got = wait_line(line)
    check(got is not None, desc + ": log line", "want /%s/" % line,
          "near: %s" % [l for l in open(logfile) if str(sport) in l][:2])


q = mkquery("example.org", "A", use_edns=False)
one("UDP no EDNS", q, qname="example.org.")
q = mkquery("WWW.Example.ORG", "AAAA", use_edns=0, payload=1232)
one("UDP EDNS 1232, name lower-cased", q, qname="www.example.org.", qtype="AAAA", bufsize=1232)
q = mkquery("example.org", "A", use_edns=0, payload=4096, want_dnssec=True)
one("UDP EDNS 4096 DO", q, qname="example.org.", do="true", bufsize=4096)
q = mkquery("example.org", "A", use_edns=0, payload=200)
one("UDP EDNS 200 (min 512)", q, qname="example.org.", bufsize=512)
q = mkquery("example.org", "TXT", use_edns=False)
one("TCP no EDNS", q, tcp=True, qname="example.org.", qtype="TXT")
q = mkquery("example.org", "A", use_edns=0, payload=1232, want_dnssec=True)
one("TCP EDNS DO", q, tcp=True, qname="example.org.", do="true")
q = mkquery("x.combined.test", "MX", use_edns=False)
one("{combined} format", q, qname="x.combined.test.", qtype="MX", tail=' "QUERY"')
q = mkquery("version.bind", "TXT", "CH", use_edns=False)
one("chaos CH TXT", q, qname="version.bind.", qtype="TXT", qclass="CH")
q = mkquery("nothing.example", "A", use_edns=False)
one("REFUSED past the end of the chain", q, qname="nothing.example.", rcode="REFUSED")
q = mkquery("e1.err.test", "A", use_edns=False)
one("erratic error -> SERVFAIL", q, qname="e1.err.test.", rcode="SERVFAIL")
done()
