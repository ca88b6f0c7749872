# erratic's counters (one per block, shared by the workers): for the Nth
# query, drop if N % drop == 0, else SERVFAIL if N % error == 0, else delay
# if N % delay == 0; truncate (TC, no answer) if N % truncate == 0.
# Queries are sent one at a time, so N is known.
import sys, time
from rlib import *

addr, port = sys.argv[1], int(sys.argv[2])


def outcome(zone, i, qtype="A", tcp=False):
    q = mkquery("q%d.%s" % (i, zone), qtype)
    t = time.time()
    r, _ = query(addr, port, q, tcp=tcp, timeout=1.2)
    ms = (time.time() - t) * 1000
    if r is None:
        return "drop"
    want = {"A": "192.0.2.53", "AAAA": "::53"}.get(qtype)
    if r.id != q.id:
        res = "badid"
    elif r.rcode() == 2:
        res = "servfail"
    elif r.rcode() != 0 or not r.flags & dns.flags.AA:
        res = "rcode%d/flags%x" % (r.rcode(), r.flags)
    elif r.flags & dns.flags.TC:
        res = "tc" if not r.answer else "tc+answer"
    elif want is None:
        res = "nodata" if not r.answer else "answer?"
    elif len(r.answer) == 1 and r.answer[0].ttl == 3600 and r.answer[0][0].address == want \
            and r.answer[0].name == q.question[0].name:
        res = "ok"
    else:
        res = "bad:%s" % r.answer
    if ms >= 350:
        res += "+delay"
    return res


def seq(zone, n, **kw):
    return [outcome(zone, i, **kw) for i in range(1, n + 1)]


check_eq(seq("drop3.test", 6), ["ok", "ok", "drop", "ok", "ok", "drop"], "drop 3: every 3rd query dropped")
check_eq(seq("trunc2.test", 4), ["ok", "tc", "ok", "tc"], "truncate 2 over UDP: every 2nd TC, no answer")
check_eq(seq("trunc2.test", 2, tcp=True), ["ok", "tc"], "truncate 2 over TCP: TC too")
check_eq(seq("err2.test", 4), ["ok", "servfail", "ok", "servfail"], "error 2: every 2nd SERVFAIL")
check_eq(seq("delay2.test", 4), ["ok", "ok+delay", "ok", "ok+delay"], "delay 2 500ms: every 2nd delayed")
check_eq(seq("delay2.test", 2, qtype="AAAA", tcp=True), ["ok", "ok+delay"], "delay over TCP, AAAA ::53")
# drop 6, error 3, delay 2 (500ms), truncate 4: order drop > error > delay
check_eq(seq("mix.test", 12),
         ["ok", "ok+delay", "servfail", "tc+delay", "ok", "drop",
          "ok", "tc+delay", "servfail", "ok+delay", "ok", "drop"],
         "drop 6 / error 3 / delay 2 / truncate 4: checked in that order")
check_eq(seq("mix.test", 2, qtype="MX"), ["nodata", "nodata+delay"], "other types: NODATA (14th delayed)")
check_eq(seq("plain.test", 4), ["ok", "ok", "ok", "ok"], "drop 0: nothing dropped")
done()
