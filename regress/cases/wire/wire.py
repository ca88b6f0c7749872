# Malformed and unusual packets, over UDP and TCP:
#  - malformed (>= 12 bytes) -> FORMERR, header only, id echoed
#  - < 12 bytes -> no reply;  QR=1 -> no reply
#  - opcodes other than QUERY/NOTIFY/UPDATE -> NOTIMP
#  - EDNS version 1 -> BADVERS with OPT
# and the server still answers afterwards.
import struct, sys, socket, time
from rlib import *

addr, port = sys.argv[1], int(sys.argv[2])


def hdr(id_, flags=0x0100, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", id_, flags, qd, an, ns, ar)


def name(*labels):
    out = b""
    for l in labels:
        out += bytes([len(l)]) + l
    return out + b"\0"


QN = name(b"example", b"org")
Q = QN + struct.pack("!HH", 1, 1)  # A IN
OPT = b"\0" + struct.pack("!HHIH", 41, 1232, 0, 0)  # root, OPT, 1232, v0
OPT_BADOWNER = name(b"x") + struct.pack("!HHIH", 41, 1232, 0, 0)
A_RR = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, 1])

malformed = [
    ("QDCOUNT=0", hdr(0x1001, qd=0)),
    ("QDCOUNT=0 with a question present", hdr(0x1002, qd=0) + Q),
    ("QDCOUNT=2", hdr(0x1003, qd=2) + Q + Q),
    ("QDCOUNT=2, one question present", hdr(0x1004, qd=2) + Q),
    ("label of 64 bytes", hdr(0x1005) + bytes([64]) + b"a" * 64 + b"\0" + struct.pack("!HH", 1, 1)),
    ("label type 0x80 (reserved)", hdr(0x1006) + bytes([0x80 | 5]) + b"abcde\0" + struct.pack("!HH", 1, 1)),
    ("name of 321 bytes", hdr(0x1007) + name(*[b"b" * 63] * 5) + struct.pack("!HH", 1, 1)),
    ("name of 256 bytes", hdr(0x1008) + name(*([b"c" * 63] * 3 + [b"d" * 63])) + struct.pack("!HH", 1, 1)),
    ("compression pointer to itself", hdr(0x1009) + b"\xc0\x0c" + struct.pack("!HH", 1, 1)),
    ("compression pointer loop of two",
     hdr(0x100a, ar=1) + b"\x01a\xc0\x0e" + struct.pack("!HH", 1, 1)),
    ("forward compression pointer", hdr(0x100b) + b"\xc0\x12" + struct.pack("!HH", 1, 1) + QN),
    ("compression pointer past the end", hdr(0x100c) + b"\xc3\xff" + struct.pack("!HH", 1, 1)),
    ("name running past the end", hdr(0x100d) + b"\x07example\x03or"),
    ("question missing qclass", hdr(0x100e) + QN + struct.pack("!H", 1)),
    ("ARCOUNT=1 but no RR", hdr(0x100f, ar=1) + Q),
    ("OPT rdata running past the end", hdr(0x1010, ar=1) + Q + b"\0" + struct.pack("!HHIH", 41, 1232, 0, 8) + b"\0\0"),
    ("RR header cut short", hdr(0x1011, ar=1) + Q + b"\0" + struct.pack("!HH", 41, 1232)),
    ("ANCOUNT=1 but no RR", hdr(0x1012, an=1) + Q),
    ("OPT in the answer section", hdr(0x1013, an=1) + Q + OPT),
    ("OPT in the authority section", hdr(0x1014, ns=1) + Q + OPT),
    ("two OPT records", hdr(0x1015, ar=2) + Q + OPT + OPT),
    ("OPT owner not root", hdr(0x1016, ar=1) + Q + OPT_BADOWNER),
    ("trailing garbage after the question", hdr(0x1017) + Q + b"\xde\xad\xbe\xef"),
    ("trailing garbage after OPT", hdr(0x1018, ar=1) + Q + OPT + b"\x00"),
    ("A RR in answer with trailing byte", hdr(0x1019, an=1) + Q + A_RR + b"\x01"),
]
short = [
    ("empty packet", b""),
    ("1 byte", b"\x12"),
    ("11 bytes", hdr(0x2001)[:11]),
]


def check_formerr(desc, wire, r):
    want_id = struct.unpack("!H", wire[:2])[0]
    if not check(r is not None, desc + ": answered"):
        return
    if len(r) < 12:
        fail(desc + ": FORMERR", "reply of %d bytes: %s" % (len(r), r.hex()))
        return
    id_, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", r[:12])
    got = (id_, bool(flags & 0x8000), flags & 0xF, qd, an, ns, ar, len(r))
    check_eq(got, (want_id, True, 1, 0, 0, 0, 0, 12),
             desc + ": FORMERR (id, QR, rcode, counts, header only)")


def udp_noreply(wire, wait=1.0):
    r, _ = raw_udp(addr, port, wire, timeout=wait)
    return r


def tcp_send(wire, wait=2.0):
    s = tcp_connect(addr, port, wait)
    try:
        s.sendall(frame(wire))
        try:
            return tcp_read_msg(s)
        except (socket.timeout, ConnectionResetError):
            return None
    finally:
        s.close()


def alive(desc):
    q = mkquery("alive.example.org", "A")
    r, _ = query(addr, port, q)
    r2, _ = query(addr, port, q, tcp=True)
    check(r is not None and r.id == q.id and r.rcode() == 0 and
          r2 is not None and r2.rcode() == 0, desc + ": server still answers (UDP+TCP)")


for desc, wire in malformed:
    assert len(wire) >= 12
    r, _ = raw_udp(addr, port, wire)
    check_formerr("UDP " + desc, wire, r)
    check_formerr("TCP " + desc, wire, tcp_send(wire))
alive("after malformed packets")

for desc, wire in short:
    r = udp_noreply(wire)
    check(r is None, "UDP %s: no reply" % desc, "got %r" % r)
    r = tcp_send(wire, wait=1.0)
    check(r is None, "TCP %s: no reply" % desc, "got %r" % r)

# QR=1: never answered (would allow reflection loops)
q = mkquery("example.org", "A")
q.flags |= dns.flags.QR
r = udp_noreply(q.to_wire())
check(r is None, "UDP query with QR=1: no reply", "got %r" % r)
r = tcp_send(q.to_wire(), wait=1.0)
check(r is None, "TCP query with QR=1: no reply", "got %r" % r)
# a malformed packet with QR=1 is not answered either
r = udp_noreply(hdr(0x3001, flags=0x8100, qd=0))
check(r is None, "UDP malformed packet with QR=1: no reply", "got %r" % r)
alive("after short and QR=1 packets")

# opcodes
for op in (1, 2, 3, 6, 7, 15):
    wire = hdr(0x4000 + op, flags=(op << 11) | 0x0100) + Q
    for proto, f in (("UDP", lambda w: raw_udp(addr, port, w)[0]), ("TCP", tcp_send)):
        r = f(wire)
        if not check(r is not None and len(r) >= 12, "%s opcode %d: answered" % (proto, op)):
            continue
        id_, flags = struct.unpack("!HH", r[:4])
        check_eq((id_, bool(flags & 0x8000), (flags >> 11) & 0xF, flags & 0xF),
                 (0x4000 + op, True, op, 4), "%s opcode %d: NOTIMP, id and opcode echoed" % (proto, op))
for op, opname in ((4, "NOTIFY"), (5, "UPDATE")):
    wire = hdr(0x4100 + op, flags=(op << 11)) + Q
    r, _ = raw_udp(addr, port, wire)
    check(r is not None and len(r) >= 12 and (r[3] & 0xF) != 4 and r[:2] == wire[:2],
          "opcode %s: answered, not NOTIMP" % opname, "got %r" % r)

# EDNS
for proto in ("UDP", "TCP"):
    tcp = proto == "TCP"
    q = mkquery("example.org", "A")
    q.use_edns(edns=1, payload=1232)
    r, _ = query(addr, port, q, tcp=tcp)
    if check(r is not None, "%s EDNS version 1: answered" % proto):
        check_eq(dns.rcode.to_text(r.rcode()), "BADVERS", "%s EDNS version 1: BADVERS" % proto)
        check_eq(r.edns, 0, "%s EDNS version 1: reply has OPT version 0" % proto)
        check_eq((len(r.answer), len(r.authority)), (0, 0), "%s BADVERS: no records" % proto)
        check_eq(r.id, q.id, "%s BADVERS: id echoed" % proto)
    rw, _ = (raw_tcp if tcp else raw_udp)(addr, port, q.to_wire())
    if rw is not None:
        check_eq(rw[3] & 0xF, 0, "%s BADVERS: header rcode bits 0 (16 & 15)" % proto)
    q = mkquery("example.org", "A", use_edns=0, payload=4096, want_dnssec=True)
    r, _ = query(addr, port, q, tcp=tcp)
    if check(r is not None, "%s EDNS 0 DO: answered" % proto):
        check_eq((r.rcode(), r.edns, r.payload), (0, 0, 1232),
                 "%s EDNS 0: NOERROR, OPT v0, advertises 1232" % proto)
alive("after EDNS tests")
done()
