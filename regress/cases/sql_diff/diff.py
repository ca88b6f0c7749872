# regress/cases/sql_diff/diff.py - the same queries, generated from the
# zone files, to us, NSD and Knot, compared per section as sets (rcode,
# flags, answer, authority, additional). The policy and the divergences
# between the peers are described at the top of test.sh: a section
# passes when ours equals NSD's or Knot's; the only normalizations are
# (1) RFC 8482 ANY: ours may be one other complete RRset of the name
# (checked against NSD's answer for that type) and may come without
# additional records, and (2) the A/AAAA of NS/MX/SRV targets in another
# served zone, which we add to the additional section and the peers do
# not, are stripped from ours once checked to be that zone's complete
# RRset. Every other difference from both peers is a mismatch: the first
# DIFF_SHOW are printed with the three responses.
#   diff.py OUR-PORT NSD-PORT KNOT-PORT ZONEDIR ZONE...
# Environment: DIFF_SEED (the random seed, default 8482; printed),
# DIFF_SHOW (mismatches printed in full, default 20), DIFF_PEERS=1 (also
# print every query where NSD and Knot differ, as # lines), DIFF_TRACE=RE
# (print the three responses to every query whose text matches RE).
import os
import random
import re
import sys

import dns.flags
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.zone

import rlib
from rlib import done, mkquery, query

# DIFF_LABEL: a prefix for every check (the same run against our server
# on another backend)
LABEL = os.environ.get("DIFF_LABEL", "")


def ok(desc):
    rlib.ok(("[%s] " % LABEL if LABEL else "") + desc)


def fail(desc, *detail):
    rlib.fail(("[%s] " % LABEL if LABEL else "") + desc, *detail)


def check(cond, desc, *detail):
    if cond:
        ok(desc)
    else:
        fail(desc, *detail)
    return cond


ADDR = "127.0.0.1"
OURS, NSD, KNOT = (int(p) for p in sys.argv[1:4])
ZONEDIR = sys.argv[4]
ZONES = sys.argv[5:]
SEED = int(os.environ.get("DIFF_SEED", "8482"))
SHOW = int(os.environ.get("DIFF_SHOW", "20"))
TRACE = os.environ.get("DIFF_TRACE")
rng = random.Random(SEED)
print("# seed %d (set DIFF_SEED to repeat another run)" % SEED, flush=True)

EXTRA = ["A", "MX", "TXT", "ANY", "DS"]
NX_TYPES = ["A", "AAAA", "MX", "TXT", "ANY", "DS", "CNAME", "SRV", "NS"]

# ---- the zones ----------------------------------------------------------
owners = {}   # name -> set of type names (union over the zones)
ents = set()
wild_parents = set()
cuts = set()
dnames = set()
apexes = []
for zname in ZONES:
    origin = dns.name.from_text(zname)
    apexes.append(origin)
    z = dns.zone.from_file(os.path.join(ZONEDIR, zname + ".zone"), origin,
                           relativize=False, check_origin=True)
    names = set(z.nodes)
    for name, node in z.nodes.items():
        types = owners.setdefault(name, set())
        for rds in node.rdatasets:
            types.add(dns.rdatatype.to_text(rds.rdtype))
            if rds.rdtype == dns.rdatatype.NS and name != origin:
                cuts.add(name)
            if rds.rdtype == dns.rdatatype.DNAME:
                dnames.add(name)
        if name.labels[0] == b"*":
            wild_parents.add(name.parent())
        p = name.parent()
        while p != origin and p.is_subdomain(origin):
            if p not in names:
                ents.add(p)
            p = p.parent()
ents -= set(owners)


def rnd_label():
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                   for _ in range(rng.randint(3, 10)))


# (name, type, class): class names the group the checks are counted by
items = []
for name in sorted(owners):
    for t in sorted(owners[name]):
        items.append((name, t, "owner"))
    for t in EXTRA:
        if t == "ANY":
            items.append((name, t, "any"))
        elif t not in owners[name]:
            items.append((name, t, "extra"))
for name in sorted(ents):
    items.append((name, "A", "nonexistent"))
    items.append((name, "ANY", "any"))
# random names below every ENT, wildcard, cut, DNAME, apex and owner
parents = set(ents) | wild_parents | cuts | dnames | set(apexes)
parents |= set(n for n in owners if n.labels[0] != b"*")
for p in sorted(parents):
    n = dns.name.Name((rnd_label().encode(),) + p.labels)
    items.append((n, "A", "nonexistent"))
    t = rng.choice(NX_TYPES)
    items.append((n, t, "any" if t == "ANY" else "nonexistent"))
    if p in wild_parents or p in ents:
        n2 = dns.name.Name((rnd_label().encode(),) + n.labels)
        items.append((n2, rng.choice(NX_TYPES[:4]), "nonexistent"))


def mixed_case(name):
    text = name.to_text()
    return "".join(c.upper() if c.isalpha() and rng.random() < 0.5 else c
                   for c in text)


# every item over UDP with EDNS (bufsize 1232), over UDP without EDNS and
# over TCP (EDNS at random); a share with 0x20 mixed case, RD set at
# random (the same message goes to all three)
sends = []
for name, t, cls in items:
    for tcp, edns in ((False, True), (False, False), (True, rng.random() < 0.5)):
        qname = mixed_case(name) if rng.random() < 0.3 else name.to_text()
        rd = rng.random() < 0.5
        sends.append((qname, t, cls, tcp, edns, rd))

# ---- the responses ------------------------------------------------------
FLAGS = ("QR", "AA", "TC", "RD", "RA", "AD", "CD")
SECTIONS = ("rcode", "flags", "answer", "authority", "additional")


def lines(section):
    out = set()
    for rrset in section:
        for rd in rrset:
            out.add("%s %d %s %s %s" % (
                rrset.name.to_text().lower(), rrset.ttl,
                dns.rdataclass.to_text(rrset.rdclass),
                dns.rdatatype.to_text(rrset.rdtype), rd.to_text().lower()))
    return frozenset(out)


def summary(r):
    fl = [f for f in FLAGS if r.flags & dns.flags.from_text(f)]
    if r.edns >= 0:
        fl.append("OPT")
    return {
        "rcode": dns.rcode.to_text(r.rcode()),
        "flags": " ".join(fl),
        "answer": lines(r.answer),
        "authority": lines(r.authority),
        "additional": lines(r.additional),
    }


def ask(port, qname, t, tcp, edns, rd):
    q = mkquery(qname, t, use_edns=0 if edns else False, payload=1232)
    if not rd:
        q.flags &= ~dns.flags.RD
    r, _ = query(ADDR, port, q, tcp=tcp)
    return q, r


def fmt(who, s):
    out = ["%s: %s %s" % (who, s["rcode"], s["flags"])]
    for sec in SECTIONS[2:]:
        for l in sorted(s[sec]):
            out.append("  %-10s %s" % (sec[:10], l))
    return out


def rrsets_of(section_lines):
    """section lines -> {(owner, type): frozenset(lines)}"""
    out = {}
    for l in section_lines:
        f = l.split()
        out.setdefault((f[0], f[3]), set()).add(l)
    return {k: frozenset(v) for k, v in out.items()}


APEXES = sorted((a.to_text().lower() for a in apexes), key=len, reverse=True)


def zone_of(owner):
    """the deepest served zone holding `owner` (lower-case text)"""
    for a in APEXES:
        if owner == a or owner.endswith("." + a):
            return a
    return None


full_cache = {}


def full_rrset(owner, t):
    """the complete RRset (owner, t) as NSD serves it (asked over TCP)"""
    if (owner, t) not in full_cache:
        _, r = ask(NSD, owner, t, True, True, False)
        got = frozenset() if r is None else \
            rrsets_of(lines(r.answer)).get((owner, t), frozenset())
        full_cache[(owner, t)] = got
    return full_cache[(owner, t)]


def any_answer_ok(ours, peer):
    """RFC 8482: our ANY answer differs from the peer's (itself minimal)
    only in which one complete RRset of the name ends it."""
    mine, theirs = rrsets_of(ours - peer), rrsets_of(peer - ours)
    if len(mine) != 1 or len(theirs) > 1:
        return False
    (owner, t), rrs = next(iter(mine.items()))
    if theirs and next(iter(theirs))[0] != owner:
        return False
    return bool(rrs) and rrs == full_rrset(owner, t)


def strip_out_of_zone(o):
    """Our additional section without the A/AAAA RRs of NS, MX and SRV
    targets in another served zone than the RR naming them (we add them,
    NSD and Knot do not); each stripped RRset must be that zone's
    complete data. Returns (additional, stripped lines or None if one was
    wrong)."""
    keep_zone = {}
    for sec in ("answer", "authority"):
        for l in o[sec]:
            f = l.split()
            if f[3] in ("NS", "MX", "SRV"):
                keep_zone.setdefault(f[-1], set()).add(zone_of(f[0]))
    add, stripped = set(), set()
    for l in o["additional"]:
        f = l.split()
        zs = keep_zone.get(f[0], set())
        if f[3] in ("A", "AAAA") and zs and zone_of(f[0]) not in zs:
            stripped.add(l)
        else:
            add.add(l)
    for (owner, t), rrs in rrsets_of(stripped).items():
        if rrs != full_rrset(owner, t):
            return o["additional"], None
    return frozenset(add), stripped


normalized = {"any-answer": 0, "any-additional": 0, "out-of-zone": 0}


def section_ok(sec, cls, o, p):
    """Does our section `sec` equal the peer's? None if not, else the
    normalization it took ("" for none)."""
    if o[sec] == p[sec]:
        return ""
    if sec == "additional":
        add, stripped = strip_out_of_zone(o)
        if stripped and add == p[sec]:
            return "out-of-zone"
    if cls == "any":
        if sec == "answer" and any_answer_ok(o["answer"], p["answer"]):
            return "any-answer"
        if sec == "additional" and not o["additional"] and o["answer"]:
            # no additional processing for our one ANY RRset
            return "any-additional"
    return None


groups = {}     # (class, section) -> [queries, mismatches]
mismatches = []
mixed = []      # every section as one peer's, but not all as the same one
peer_diffs = []
unanswered = []
echo_bad = []
for qname, t, cls, tcp, edns, rd in sends:
    desc = "%s %s %s%s%s" % (qname, t, "tcp" if tcp else "udp",
                             "" if edns else " noedns", " rd" if rd else "")
    res = {}
    for who, port in (("ours", OURS), ("nsd", NSD), ("knot", KNOT)):
        q, r = ask(port, qname, t, tcp, edns, rd)
        res[who] = r
        if r is None:
            unanswered.append("%s: %s" % (who, desc))
        elif who == "ours" and (r.id != q.id or len(r.question) != 1 or
                                r.question[0].name.to_text() != q.question[0].name.to_text() or
                                r.question[0].rdtype != q.question[0].rdtype):
            echo_bad.append(desc)
    if any(r is None for r in res.values()):
        continue
    o, n, k = (summary(res[w]) for w in ("ours", "nsd", "knot"))
    if TRACE and re.search(TRACE, desc, re.I):
        print("# TRACE %s" % desc)
        for l in fmt("ours", o) + fmt("nsd", n) + fmt("knot", k):
            print("#   " + l)
    if n != k:
        peer_diffs.append((desc, cls, n, k))
    bad = []
    whole = {"nsd": True, "knot": True}
    for sec in SECTIONS:
        g = groups.setdefault((cls, sec), [0, 0])
        g[0] += 1
        vn, vk = section_ok(sec, cls, o, n), section_ok(sec, cls, o, k)
        whole["nsd"] &= vn is not None
        whole["knot"] &= vk is not None
        if vn is None and vk is None:
            g[1] += 1
            bad.append(sec)
        elif vn != "" and vk != "":
            normalized[vn or vk] += 1
    if bad:
        mismatches.append((desc, bad, o, n, k))
    elif not whole["nsd"] and not whole["knot"]:
        mixed.append((desc, ["a mix of NSD's and Knot's sections"], o, n, k))

total = len(sends)
check(total >= 500, "%d queries generated from the zones (at least 500): "
      "%d over UDP (%d without EDNS), %d over TCP, %d in mixed case"
      % (total, sum(1 for x in sends if not x[3]),
         sum(1 for x in sends if not x[3] and not x[4]),
         sum(1 for x in sends if x[3]),
         sum(1 for x in sends if x[0] != x[0].lower())))
check(not unanswered, "all three servers answered all %d queries" % total,
      *unanswered[:20])
check(not echo_bad, "our answers echo the ID and the question in the client's case",
      *echo_bad[:20])
for cls in ("owner", "extra", "any", "nonexistent"):
    for sec in SECTIONS:
        nq, nbad = groups.get((cls, sec), (0, 0))
        if nbad == 0 and nq > 0:
            ok("%s queries: %s as NSD's or Knot's (%d queries)" % (cls, sec, nq))
        else:
            fail("%s queries: %s as NSD's or Knot's (%d of %d differ)" % (cls, sec, nbad, nq))
check(not mixed, "every answer whose sections all pass is the whole answer of NSD or of Knot "
      "(%d are not)" % len(mixed))
mismatches += mixed
shown = 0
for desc, bad, o, n, k in mismatches:
    if shown >= SHOW:
        print("# ... %d more mismatching queries" % (len(mismatches) - shown))
        break
    shown += 1
    print("# MISMATCH %s: %s" % (desc, ", ".join(bad)))
    for l in fmt("ours", o) + fmt("nsd", n) + fmt("knot", k):
        print("#   " + l)
print("# %d queries, %d mismatching, %d where NSD and Knot differ"
      % (total, len(mismatches), len(peer_diffs)), flush=True)
print("# sections passed by a normalization: %s" % ", ".join(
    "%s %d" % kv for kv in sorted(normalized.items())), flush=True)
if os.environ.get("DIFF_PEERS"):
    for desc, cls, n, k in peer_diffs:
        secs = [s for s in SECTIONS if n[s] != k[s]]
        print("# PEERS %s [%s]: %s" % (desc, cls, ", ".join(secs)))
        for s in secs:
            if s in ("rcode", "flags"):
                print("#   nsd  %s: %s" % (s, n[s]))
                print("#   knot %s: %s" % (s, k[s]))
            else:
                for l in sorted(n[s] - k[s]):
                    print("#   nsd only  %s" % l)
                for l in sorted(k[s] - n[s]):
                    print("#   knot only %s" % l)
done()
