#!/usr/bin/python3
"""regress/cases/util_pdns/norm.py - the records of `pdnsutil list-zone`
or of `coredns-util zone export` (on stdin) one a line, in one spelling,
sorted, so that the two listings compare record for record.

Only the differences of presentation listed below are evened out, each
for the reason given; any other difference stays and fails the
comparison (a record missing, added, or with other data).
"""
import sys

# Fields (0-based, in the rdata) that are domain names.
NAME_FIELDS = {
    "NS": (0,), "CNAME": (0,), "DNAME": (0,), "PTR": (0,),
    "MX": (1,), "SRV": (3,), "SOA": (0, 1), "RP": (0, 1),
}
# Fields that are hex strings.
HEX_FIELDS = {"DS": (3,), "SSHFP": (2,), "TLSA": (3,)}


def absolute(name):
    # pdnsutil starts its listing with "$ORIGIN ." and writes owners
    # without the final dot, and so the names in the content of the
    # types it prints as stored (SOA, PTR, DNAME, RP: PowerDNS stores
    # names without it); under "$ORIGIN ." both spellings are the same
    # absolute name. Our export always writes the dot.
    return name if name.endswith(".") else name + "."


def norm_rdata(rtype, rdata):
    if rtype == "NAPTR":
        # the replacement, a name, is the last field (the ones before
        # are quoted strings that may hold blanks)
        head, repl = rdata.rsplit(None, 1)
        return head + " " + absolute(repl)
    if rtype not in NAME_FIELDS and rtype not in HEX_FIELDS \
            and rtype != "LOC":
        return rdata
    f = rdata.split()
    for i in NAME_FIELDS.get(rtype, ()):
        f[i] = absolute(f[i])
    for i in HEX_FIELDS.get(rtype, ()):
        # PowerDNS prints the hex as stored (load-zone keeps the file's
        # upper case), ours writes it in lower case; hex digits are
        # case-insensitive (RFC 4034 5.3, RFC 4255 3.2, RFC 6698 2.2)
        f[i] = f[i].lower()
    if rtype == "LOC":
        # the same RDATA: PowerDNS writes "4" and "-2.00m", ours "04"
        # and "-2m" (RFC 1876 presentation allows either); numbers are
        # compared as numbers
        g = []
        for t in f:
            try:
                v = float(t[:-1] if t.endswith("m") else t)
                g.append("%g%s" % (v, "m" if t.endswith("m") else ""))
            except ValueError:
                g.append(t)
        f = g
    return " ".join(f)


out = []
for line in sys.stdin:
    line = line.strip()
    # pdnsutil's "$ORIGIN ." (see absolute) is no record
    if not line or line.startswith(";") or line == "$ORIGIN .":
        continue
    owner, ttl, rclass, rtype, rdata = line.split(None, 4)
    out.append("\t".join((absolute(owner), ttl, rclass, rtype,
                          norm_rdata(rtype, rdata.strip()))))
# pdnsutil lists by name text, our export in DNSSEC canonical order
for r in sorted(out):
    print(r)
