# regress/cases/sql_answers/answers.py - the sql plugin's answers, one
# query at a time, compared whole: rcode, AA, and the answer, authority
# (and where it matters additional) sections as sorted RR lines.
#   answers.py PORT
import struct
import sys

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype

from rlib import check, check_eq, done, fail, mkquery, ok, raw_tcp, raw_udp

ADDR = "127.0.0.1"
PORT = int(sys.argv[1])

LONG = ".".join(c * 63 for c in "xyz") + ".invalid."
SOA_EX = "example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 900 1209600 300"
SOA_OTHER = "other.test. 60 IN SOA ns1.example.test. hostmaster.other.test. 1 7200 900 1209600 600"
SOA_CHILD = "child.example.test. 120 IN SOA ns.child.example.test. hostmaster.child.example.test. 1 7200 900 1209600 120"
WWW_A = ["www.example.test. 600 IN A 192.0.2.80", "www.example.test. 600 IN A 192.0.2.81"]


def lines(section):
    out = []
    for rrset in section:
        for rd in rrset:
            out.append("%s %d %s %s %s" % (
                rrset.name.to_text().lower(), rrset.ttl,
                dns.rdataclass.to_text(rrset.rdclass),
                dns.rdatatype.to_text(rrset.rdtype), rd.to_text()))
    return sorted(out)


def ask(qname, qtype="A", tcp=False, **kw):
    """(wire, parsed) or (None, None); the query has RD clear."""
    kw.setdefault("use_edns", 0)
    kw.setdefault("payload", 1232)
    q = mkquery(qname, qtype, **kw)
    q.flags &= ~dns.flags.RD
    wire = q.to_wire()
    if tcp:
        r, _ = raw_tcp(ADDR, PORT, wire)
    else:
        r, _ = raw_udp(ADDR, PORT, wire)
    if r is None:
        return None, None, q
    return r, dns.message.from_wire(r), q


def expect(desc, qname, qtype="A", rcode="NOERROR", aa=True, answer=(),
           authority=(), additional=None, tcp=False):
    """One query; the whole answer must be as given (additional only
    when not None)."""
    wire, r, q = ask(qname, qtype, tcp=tcp)
    if r is None:
        fail(desc, "no answer to %s %s" % (qname, qtype))
        return None
    got = {
        "rcode": dns.rcode.to_text(r.rcode()),
        "aa": bool(r.flags & dns.flags.AA),
        "answer": lines(r.answer),
        "authority": lines(r.authority),
    }
    want = {
        "rcode": rcode,
        "aa": aa,
        "answer": sorted(answer),
        "authority": sorted(authority),
    }
    if additional is not None:
        got["additional"] = lines(r.additional)
        want["additional"] = sorted(additional)
    if got == want:
        ok(desc)
    else:
        det = ["query: %s %s" % (qname, qtype)]
        for k in want:
            if got[k] != want[k]:
                det.append("%s expected: %r" % (k, want[k]))
                det.append("%s got:      %r" % (k, got[k]))
        fail(desc, *det)
    return r


def counts(wire):
    return struct.unpack("!HHHH", wire[4:12])


# ---- exact matches, AA, the question's case --------------------------
expect("exact match: www A (AA, both RRs, TTL 600)", "www.example.test", "A",
       answer=WWW_A, additional=[])
expect("exact match: www AAAA", "www.example.test", "AAAA",
       answer=["www.example.test. 3600 IN AAAA 2001:db8::80"])
expect("exact match: www TXT", "www.example.test", "TXT",
       answer=['www.example.test. 3600 IN TXT "hello"'])
expect("apex SOA (answer TTL is the SOA's own)", "example.test", "SOA",
       answer=["example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 900 1209600 300"])

mixed = "wWw.ExAmPlE.tEsT."
wire, r, q = ask(mixed, "A")
qlen = len(dns.name.from_text(mixed).to_wire()) + 4
if r is None:
    fail("0x20: mixed-case query answered")
else:
    check_eq(wire[12:12 + qlen], q.to_wire()[12:12 + qlen],
             "0x20: question echoed byte for byte in the client's case")
    owners = set(rr.name.to_text() for rr in r.answer)
    check_eq(owners, {mixed}, "0x20: answer owner in the client's case")
    check_eq(lines(r.answer), WWW_A, "0x20: same records as lower case")
    check(r.flags & dns.flags.AA, "0x20: AA set")

# ---- CNAME ------------------------------------------------------------
expect("CNAME in zone followed (alias -> www)", "alias.example.test", "A",
       answer=["alias.example.test. 3600 IN CNAME www.example.test."] + WWW_A)
expect("CNAME chain of three followed", "chain1.example.test", "A",
       answer=["chain1.example.test. 3600 IN CNAME chain2.example.test.",
               "chain2.example.test. 3600 IN CNAME alias.example.test.",
               "alias.example.test. 3600 IN CNAME www.example.test."] + WWW_A)
expect("qtype CNAME: the CNAME only, not followed", "alias.example.test", "CNAME",
       answer=["alias.example.test. 3600 IN CNAME www.example.test."])
expect("CNAME into a second served zone followed (AA from the first)",
       "ext.example.test", "A",
       answer=["ext.example.test. 3600 IN CNAME www.other.test.",
               "www.other.test. 3600 IN A 198.51.100.1"])
expect("CNAME into a second served zone, NODATA there: its SOA",
       "ext.example.test", "MX",
       answer=["ext.example.test. 3600 IN CNAME www.other.test."],
       authority=[SOA_OTHER])
expect("CNAME to an out-of-zone name: chain stops, NOERROR",
       "out.example.test", "A",
       answer=["out.example.test. 3600 IN CNAME target.elsewhere.invalid."])
wire, r, q = ask("loop1.example.test", "A")
if r is None:
    fail("CNAME loop: an answer comes back")
else:
    qd, an, ns, ar = counts(wire)
    ok("CNAME loop: an answer comes back")
    check(dns.rcode.to_text(r.rcode()) in ("NOERROR", "SERVFAIL"),
          "CNAME loop: NOERROR or SERVFAIL", dns.rcode.to_text(r.rcode()))
    check(1 <= an <= 17, "CNAME loop: the chain is bounded (%d CNAMEs)" % an)
    check(all(rr.rdtype == dns.rdatatype.CNAME for rr in r.answer),
          "CNAME loop: only CNAMEs in the answer")

# RFC 6604: the rcode is that of the last name in the chain
expect("CNAME to a missing name in zone: NXDOMAIN, CNAME + SOA",
       "dangle.example.test", "A", rcode="NXDOMAIN",
       answer=["dangle.example.test. 3600 IN CNAME nothere.example.test."],
       authority=[SOA_EX])
expect("CNAME to a name below a cut: CNAME, then the referral",
       "tosub.example.test", "A",
       answer=["tosub.example.test. 3600 IN CNAME www.sub.example.test."],
       authority=["sub.example.test. 3600 IN NS ns.sub.example.test.",
                  "sub.example.test. 3600 IN NS ns.elsewhere.invalid."])

wire, r, q = ask("x.wl.example.test", "A")
if r is None:
    fail("wildcard CNAME loop: an answer comes back")
else:
    qd, an, ns, ar = counts(wire)
    check(dns.rcode.to_text(r.rcode()) in ("NOERROR", "SERVFAIL") and 1 <= an <= 17 and
          all(rr.rdtype == dns.rdatatype.CNAME for rr in r.answer),
          "wildcard CNAME loop: answered, bounded (%d CNAMEs)" % an)

# ---- DNAME (RFC 6672) ----------------------------------------------------
expect("DNAME: DNAME, synthesized CNAME (TTL = DNAME's 1234), target answered",
       "x.dn.example.test", "A",
       answer=["dn.example.test. 1234 IN DNAME other.test.",
               "x.dn.example.test. 1234 IN CNAME x.other.test.",
               "x.other.test. 3600 IN A 198.51.100.2"])
expect("DNAME: two labels below, substituted target NXDOMAIN in other.test",
       "a.b.dn.example.test", "A", rcode="NXDOMAIN",
       answer=["dn.example.test. 1234 IN DNAME other.test.",
               "a.b.dn.example.test. 1234 IN CNAME a.b.other.test."],
       authority=[SOA_OTHER])
wire, r, q = ask("X.dN.example.test", "A")
check(r is not None and [rr.name.to_text() for rr in r.answer
                         if rr.rdtype == dns.rdatatype.CNAME] == ["X.dN.example.test."],
      "DNAME: synthesized CNAME owner is the qname",
      r and r.answer)
expect("DNAME owner itself, type DNAME", "dn.example.test", "DNAME",
       answer=["dn.example.test. 1234 IN DNAME other.test."])
expect("DNAME owner itself, type A: NODATA (no substitution at the owner)",
       "dn.example.test", "A", authority=[SOA_EX])
ylabel = "q" * 60
expect("DNAME: substituted name too long -> YXDOMAIN with the DNAME",
       ylabel + ".ydn.example.test", "A", rcode="YXDOMAIN",
       answer=["ydn.example.test. 3600 IN DNAME " + LONG])
ok_label = "q" * 50
expect("DNAME: substituted name of 252 octets is fine (CNAME out of zone)",
       ok_label + ".ydn.example.test", "A",
       answer=["ydn.example.test. 3600 IN DNAME " + LONG,
               ok_label + ".ydn.example.test. 3600 IN CNAME " + ok_label + "." + LONG])
# RFC 6672 2.3: a DNAME may be at the zone apex (beside SOA and NS)
expect("DNAME at a zone apex applies to names below it",
       "x.dnapex.test", "A",
       answer=["dnapex.test. 3600 IN DNAME other.test.",
               "x.dnapex.test. 3600 IN CNAME x.other.test.",
               "x.other.test. 3600 IN A 198.51.100.2"])

# ---- wildcards (RFC 4592) -----------------------------------------------
expect("wildcard: owner is the qname", "anything.wild.example.test", "A",
       answer=["anything.wild.example.test. 3600 IN A 192.0.2.99"])
expect("wildcard: other type from the wildcard", "anything.wild.example.test", "TXT",
       answer=['anything.wild.example.test. 3600 IN TXT "wild"'])
expect("wildcard: NODATA for a type the wildcard lacks", "anything.wild.example.test", "MX",
       authority=[SOA_EX])
expect("existing name is never wildcard-matched (A from itself)",
       "host.wild.example.test", "A",
       answer=["host.wild.example.test. 3600 IN A 192.0.2.98"])
expect("existing name is never wildcard-matched (TXT: NODATA)",
       "host.wild.example.test", "TXT", authority=[SOA_EX])
expect("below an existing name: only *.<that name> could match -> NXDOMAIN",
       "a.host.wild.example.test", "A", rcode="NXDOMAIN", authority=[SOA_EX])
expect("wildcard CNAME followed (owner = qname, TTL 900)", "foo.wc.example.test", "A",
       answer=["foo.wc.example.test. 900 IN CNAME www.example.test."] + WWW_A)
expect("wildcard matches several labels below the closest encloser",
       "a.b.c.w2.example.test", "A",
       answer=["a.b.c.w2.example.test. 3600 IN A 192.0.2.77"])
expect("empty non-terminal: NODATA, not the wildcard above it",
       "deep.w2.example.test", "A", authority=[SOA_EX])
expect("below an empty non-terminal: *.<ent> only -> NXDOMAIN",
       "x.deep.w2.example.test", "A", rcode="NXDOMAIN", authority=[SOA_EX])
expect("the name below the empty non-terminal exists", "sub.deep.w2.example.test", "A",
       answer=["sub.deep.w2.example.test. 3600 IN A 192.0.2.78"])
expect("the wildcard owner asked literally", "*.w2.example.test", "A",
       answer=["*.w2.example.test. 3600 IN A 192.0.2.77"])

# ---- the same in a zone without cuts or DNAMEs (the other lookup path) ---
SOA_FLAT = "flat.test. 300 IN SOA ns1.example.test. hostmaster.flat.test. 1 7200 900 1209600 300"
expect("flat zone: exact match", "www.flat.test", "A",
       answer=["www.flat.test. 3600 IN A 192.0.2.80"])
expect("flat zone: CNAME followed", "alias.flat.test", "A",
       answer=["alias.flat.test. 3600 IN CNAME www.flat.test.",
               "www.flat.test. 3600 IN A 192.0.2.80"])
expect("flat zone: dangling CNAME -> NXDOMAIN (RFC 6604)", "dangle.flat.test", "A",
       rcode="NXDOMAIN",
       answer=["dangle.flat.test. 3600 IN CNAME nothere.flat.test."],
       authority=[SOA_FLAT])
expect("flat zone: wildcard match", "a.wild.flat.test", "TXT",
       answer=['a.wild.flat.test. 3600 IN TXT "wild"'])
expect("flat zone: existing name not wildcard-matched", "host.wild.flat.test", "TXT",
       authority=[SOA_FLAT])
expect("flat zone: below an existing name -> NXDOMAIN", "x.host.wild.flat.test", "A",
       rcode="NXDOMAIN", authority=[SOA_FLAT])
expect("flat zone: wildcard CNAME followed", "q.wc.flat.test", "A",
       answer=["q.wc.flat.test. 3600 IN CNAME www.flat.test.",
               "www.flat.test. 3600 IN A 192.0.2.80"])
expect("flat zone: several labels below the closest encloser", "a.b.w2.flat.test", "A",
       answer=["a.b.w2.flat.test. 3600 IN A 192.0.2.77"])
expect("flat zone: empty non-terminal -> NODATA", "deep.w2.flat.test", "A",
       authority=[SOA_FLAT])
expect("flat zone: below an empty non-terminal -> NXDOMAIN", "x.deep.w2.flat.test", "A",
       rcode="NXDOMAIN", authority=[SOA_FLAT])
expect("flat zone: NXDOMAIN", "nope.flat.test", "A", rcode="NXDOMAIN",
       authority=[SOA_FLAT])

# ---- delegations ------------------------------------------------------------
REF_SUB = ["sub.example.test. 3600 IN NS ns.sub.example.test.",
           "sub.example.test. 3600 IN NS ns.elsewhere.invalid."]
GLUE_SUB = ["ns.sub.example.test. 3600 IN A 192.0.2.53",
            "ns.sub.example.test. 3600 IN AAAA 2001:db8::53"]
expect("referral below a cut: AA=0, NS in authority, glue A/AAAA",
       "www.sub.example.test", "A", aa=False, authority=REF_SUB,
       additional=GLUE_SUB)
expect("referral for the cut itself (NS)", "sub.example.test", "NS", aa=False,
       authority=REF_SUB, additional=GLUE_SUB)
expect("referral for the cut itself (A)", "sub.example.test", "A", aa=False,
       authority=REF_SUB, additional=GLUE_SUB)
expect("occluded name (glue owner) below a cut: the referral",
       "ns.sub.example.test", "A", aa=False, authority=REF_SUB,
       additional=GLUE_SUB)
expect("deep name below a cut: the referral", "a.b.c.sub.example.test", "TXT",
       aa=False, authority=REF_SUB, additional=GLUE_SUB)
expect("DS at a cut without DS: NODATA from the parent (AA, SOA)",
       "sub.example.test", "DS", authority=[SOA_EX])
expect("DS at a cut with DS: the DS from the parent (AA)",
       "secure.example.test", "DS",
       answer=["secure.example.test. 3600 IN DS 12345 13 2 "
               "2bb183af5f22588179a53b0a98631fad1a292118c5e6e8f4da4b4d89b9a6b9a5"])
expect("below a cut with DS: the referral", "x.secure.example.test", "A",
       aa=False, authority=["secure.example.test. 3600 IN NS ns.secure.example.test."],
       additional=["ns.secure.example.test. 3600 IN A 192.0.2.54"])

# ---- negative answers (RFC 2308) --------------------------------------------
expect("NXDOMAIN: SOA in authority, TTL min(3600, minimum 300) = 300",
       "nope.example.test", "A", rcode="NXDOMAIN", authority=[SOA_EX],
       additional=[])
expect("NODATA: NOERROR, empty answer, SOA TTL 300", "www.example.test", "MX",
       authority=[SOA_EX], additional=[])
expect("NXDOMAIN in a zone whose SOA TTL (60) < minimum (600): TTL 60",
       "nope.other.test", "A", rcode="NXDOMAIN", authority=[SOA_OTHER])
expect("NODATA at the apex", "example.test", "TXT", authority=[SOA_EX])

# ---- additional section processing --------------------------------------------
expect("apex NS: A/AAAA of the in-zone NS targets in additional",
       "example.test", "NS",
       answer=["example.test. 3600 IN NS ns1.example.test.",
               "example.test. 3600 IN NS ns2.example.test."],
       additional=["ns1.example.test. 3600 IN A 192.0.2.1",
                   "ns1.example.test. 3600 IN AAAA 2001:db8::1",
                   "ns2.example.test. 3600 IN A 192.0.2.2"])
expect("MX: A/AAAA of the exchange in additional", "example.test", "MX",
       answer=["example.test. 3600 IN MX 10 mail.example.test."],
       additional=["mail.example.test. 3600 IN A 192.0.2.25",
                   "mail.example.test. 3600 IN AAAA 2001:db8::25"])
expect("SRV: A of the target in additional", "_sip._tcp.example.test", "SRV",
       answer=["_sip._tcp.example.test. 3600 IN SRV 10 60 5060 sip.example.test."],
       additional=["sip.example.test. 3600 IN A 192.0.2.50"])

# additional data only while it fits: never TC for it, never over the size
MX = ["mx.example.test. 3600 IN MX %d mx%02d.example.test." % (i, i) for i in range(1, 11)]
MXADD = sorted(["mx%02d.example.test. 3600 IN A 192.0.2.%d" % (i, 150 + i) for i in range(1, 11)] +
               ["mx%02d.example.test. 3600 IN AAAA 2001:db8::2:%d" % (i, i) for i in range(1, 11)])
expect("10 MX, EDNS 1232: all 20 target addresses in additional", "mx.example.test", "MX",
       answer=MX, additional=MXADD)
for edns, size in ((False, 512), (0, 512), (0, 700)):
    wire, r, q = ask("mx.example.test", "MX", use_edns=edns, payload=size)
    tag = "10 MX, %s: " % ("no EDNS" if edns is False else "EDNS %d" % size)
    if r is None:
        fail(tag + "answered")
        continue
    add = lines(r.additional)
    check(not (r.flags & dns.flags.TC) and lines(r.answer) == sorted(MX) and len(wire) <= size,
          tag + "complete answer, no TC, reply <= %d bytes (%d)" % (size, len(wire)),
          "flags %s" % dns.flags.to_text(r.flags), lines(r.answer))
    check(set(add) <= set(MXADD) and len(add) < len(MXADD),
          tag + "additional is a part of the target addresses (%d of 20)" % len(add))

# RFC 9471 3.1: all in-domain glue of a referral, or TC over UDP
BIGNS = ["wide.example.test. 3600 IN NS ns%02d.wide.example.test." % i for i in range(1, 9)]
BIGGLUE = sorted(["ns%02d.wide.example.test. 3600 IN A 192.0.2.%d" % (i, 100 + i) for i in range(1, 9)] +
                 ["ns%02d.wide.example.test. 3600 IN AAAA 2001:db8::1:%d" % (i, i) for i in range(1, 9)])
expect("referral with 8 in-domain NS, EDNS 1232: all 16 glue records", "www.wide.example.test", "A",
       aa=False, authority=BIGNS, additional=BIGGLUE)
expect("referral with 8 in-domain NS over TCP: all 16 glue records", "www.wide.example.test", "A",
       aa=False, authority=BIGNS, additional=BIGGLUE, tcp=True)
wire, r, q = ask("www.wide.example.test", "A", use_edns=False, payload=512)
if r is None:
    fail("referral, no EDNS: answered")
else:
    glue = lines(r.additional)
    check(len(wire) <= 512, "referral, no EDNS: reply <= 512 bytes (%d)" % len(wire))
    check(glue == BIGGLUE or (r.flags & dns.flags.TC),
          "referral, no EDNS: all in-domain glue, or TC set (RFC 9471 3.1)",
          "TC %s, %d of 16 glue records" % (bool(r.flags & dns.flags.TC), len(glue)))

# ---- ANY (RFC 8482) ------------------------------------------------------------
wire, r, q = ask("www.example.test", "ANY")
if r is None:
    fail("ANY: answered")
else:
    types = set((rr.name.to_text().lower(), rr.rdtype) for rr in r.answer)
    check(len(types) == 1 and dns.rcode.to_text(r.rcode()) == "NOERROR",
          "ANY: NOERROR with exactly one RRset", lines(r.answer))
    full = {"A": WWW_A, "AAAA": ["www.example.test. 3600 IN AAAA 2001:db8::80"],
            "TXT": ['www.example.test. 3600 IN TXT "hello"']}
    t = dns.rdatatype.to_text(r.answer[0].rdtype) if r.answer else None
    check(t in full and lines(r.answer) == full[t],
          "ANY: the RRset is one of www's, complete", lines(r.answer))
expect("ANY for a missing name: NXDOMAIN", "nope.example.test", "ANY",
       rcode="NXDOMAIN", authority=[SOA_EX])

# ---- a wildcard owning an NS RRset (RFC 4592 4.2) ---------------------------------
# RFC 4592 4.2 leaves its semantics undefined and discourages it: the
# rules for synthesis would make an NS RRset at the query name, data the
# zone is not authoritative for. Where everyone agrees: the wildcard
# owner itself is a zone cut (a referral for it and for names below it,
# its DS from the parent side). For a name the wildcard matches we
# synthesize nothing from the cut: the name exists (the source of
# synthesis is there), so NODATA with AA and the SOA, for every type but
# DS. NSD answers the same, except for qtype NS (and ANY), where it
# synthesizes the NS RRset with AA - the non-authoritative data 4.2
# warns about; Knot answers a referral whose NS owner (*.wns) is no
# ancestor of the query name, which a resolver cannot follow. The DS of
# a wildcard with NS and DS is synthesized by all three.
SOA_WN = "wn.test. 300 IN SOA ns1.example.test. hostmaster.wn.test. 1 7200 900 1209600 300"
REF_WNS = ["*.wns.wn.test. 3600 IN NS ns.wns.wn.test.",
           "*.wns.wn.test. 3600 IN NS ns.elsewhere.invalid."]
GLUE_WNS = ["ns.wns.wn.test. 3600 IN A 192.0.2.9"]
expect("wildcard NS: the wildcard owner asked literally is a cut (referral, AA=0)",
       "*.wns.wn.test", "A", aa=False, authority=REF_WNS, additional=GLUE_WNS)
expect("wildcard NS: a name below the literal wildcard owner gets the referral",
       "a.*.wns.wn.test", "TXT", aa=False, authority=REF_WNS, additional=GLUE_WNS)
expect("wildcard NS: DS at the wildcard owner answered from the parent side (NODATA)",
       "*.wns.wn.test", "DS", authority=[SOA_WN])
expect("wildcard NS: a matched name is no delegation: NODATA (AA, SOA), like NSD",
       "x.wns.wn.test", "A", authority=[SOA_WN])
expect("wildcard NS: qtype NS at a matched name: NODATA, no synthesized NS, no referral",
       "x.wns.wn.test", "NS", authority=[SOA_WN])
expect("wildcard NS: a match two labels below: NODATA",
       "a.b.wns.wn.test", "MX", authority=[SOA_WN])
expect("wildcard NS: an existing name beside it is answered (not matched)",
       "host.wns.wn.test", "A", answer=["host.wns.wn.test. 3600 IN A 192.0.2.8"])
expect("wildcard NS: its sibling ns.wns is not below the cut: answered with AA",
       "ns.wns.wn.test", "A", answer=["ns.wns.wn.test. 3600 IN A 192.0.2.9"])
expect("wildcard NS: the empty non-terminal above it: NODATA",
       "wns.wn.test", "A", authority=[SOA_WN])
expect("wildcard NS and DS: DS synthesized for a matched name (as NSD and Knot)",
       "x.wds.wn.test", "DS",
       answer=["x.wds.wn.test. 3600 IN DS 12345 13 2 "
               "2bb183af5f22588179a53b0a98631fad1a292118c5e6e8f4da4b4d89b9a6b9a5"])
expect("wildcard NS and DS: other types at a matched name: NODATA",
       "x.wds.wn.test", "A", authority=[SOA_WN])

# ---- data occluded below a DNAME (RFC 6672 2.4) ------------------------------------
# Records MUST NOT exist below a DNAME; a server MAY refuse such a zone
# (NSD and Knot do), and if it loads it the names below are occluded:
# the DNAME is applied, the data below it never served (no exact match,
# no empty non-terminal made by it, no wildcard below it).
SOA_OCC = "occ.test. 300 IN SOA ns1.example.test. hostmaster.occ.test. 1 7200 900 1209600 300"
DN_OCC = "dn.occ.test. 3600 IN DNAME target.occ.test."
expect("occluded by a DNAME: an existing A below it is not served; the DNAME applies",
       "x.dn.occ.test", "A",
       answer=[DN_OCC, "x.dn.occ.test. 3600 IN CNAME x.target.occ.test.",
               "x.target.occ.test. 3600 IN A 192.0.2.77"])
expect("occluded by a DNAME: the TXT below it is not served (NODATA at the target)",
       "x.dn.occ.test", "TXT",
       answer=[DN_OCC, "x.dn.occ.test. 3600 IN CNAME x.target.occ.test."],
       authority=[SOA_OCC])
expect("occluded by a DNAME: an empty non-terminal made by occluded data is no NODATA",
       "y.dn.occ.test", "A", rcode="NXDOMAIN",
       answer=[DN_OCC, "y.dn.occ.test. 3600 IN CNAME y.target.occ.test."],
       authority=[SOA_OCC])
expect("occluded by a DNAME: a deeper occluded name: the DNAME applies",
       "deep.y.dn.occ.test", "A", rcode="NXDOMAIN",
       answer=[DN_OCC, "deep.y.dn.occ.test. 3600 IN CNAME deep.y.target.occ.test."],
       authority=[SOA_OCC])
expect("occluded by a DNAME: a wildcard below it synthesizes nothing",
       "q.dn.occ.test", "A", rcode="NXDOMAIN",
       answer=[DN_OCC, "q.dn.occ.test. 3600 IN CNAME q.target.occ.test."],
       authority=[SOA_OCC])
expect("occluded by a DNAME: the rest of the zone answers",
       "www.occ.test", "A", answer=["www.occ.test. 3600 IN A 192.0.2.80"])

# ---- parent and child zone both in the store -------------------------------------
expect("child zone answers for its names (AA)", "www.child.example.test", "A",
       answer=["www.child.example.test. 300 IN A 203.0.113.7"])
expect("child zone apex NS from the child (AA, answer)", "child.example.test", "NS",
       answer=["child.example.test. 300 IN NS ns.child.example.test."],
       additional=["ns.child.example.test. 300 IN A 192.0.2.55"])
expect("child zone NXDOMAIN with the child's SOA (TTL 120)",
       "nope.child.example.test", "A", rcode="NXDOMAIN", authority=[SOA_CHILD])

# RFC 4035 3.1.4.1: the DS RRset lives on the parent side of the cut;
# with both zones served, a DS query for the child's apex gets the
# parent's DS (as PowerDNS and BIND answer), not the child's NODATA
expect("DS for the child zone's apex: the DS from the parent zone",
       "child.example.test", "DS",
       answer=["child.example.test. 3600 IN DS 54321 13 2 "
               "3bb183af5f22588179a53b0a98631fad1a292118c5e6e8f4da4b4d89b9a6b9a5"])

# ---- EDNS, truncation ------------------------------------------------------------
wire, r, q = ask("www.example.test", "A", use_edns=0, payload=1232)
check(r is not None and r.edns == 0, "EDNS query: OPT echoed (version 0)")
wire, r, q = ask("www.example.test", "A", use_edns=False, payload=512)
check(r is not None and r.edns == -1 and lines(r.answer) == WWW_A,
      "no EDNS in the query: no OPT in the answer")
wire, r, q = ask("big.example.test", "TXT", use_edns=0, payload=512)
check(r is not None and (r.flags & dns.flags.TC) and len(wire) <= 512,
      "big TXT over UDP, bufsize 512: TC set, reply <= 512 bytes",
      "reply %s bytes, flags %s" % (len(wire) if wire else None,
                                    dns.flags.to_text(r.flags) if r else None))
wire, r, q = ask("big.example.test", "TXT", use_edns=False, payload=512)
check(r is not None and (r.flags & dns.flags.TC) and len(wire) <= 512,
      "big TXT over UDP without EDNS: TC set, reply <= 512 bytes")
wire, r, q = ask("big.example.test", "TXT", tcp=True)
want_big = ["big.example.test. 3600 IN TXT " +
            " ".join('"%s"' % (chr(97 + i) * 190) for i in range(5))]
check(r is not None and not (r.flags & dns.flags.TC) and lines(r.answer) == want_big,
      "big TXT over TCP: the whole RRset, no TC",
      r and lines(r.answer))
wire, r, q = ask("big.example.test", "TXT", use_edns=0, payload=1232)
check(r is not None and not (r.flags & dns.flags.TC) and lines(r.answer) == want_big,
      "big TXT (~1 KB) over UDP, bufsize 1232: fits, no TC")

done()
