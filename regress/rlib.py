# regress/rlib.py - dnspython helpers for the system tests (run with
# /usr/bin/python3; lib.sh puts regress/ on PYTHONPATH). Checks print
# "ok - ..." / "not ok - ..." lines like lib.sh's ok/fail.
import socket
import struct
import sys
import time

import dns.edns
import dns.flags
import dns.message
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype

failed = 0


def _excepthook(typ, val, tb):
    # a crashing check script must count as a failure, not vanish
    import traceback
    print("not ok - %s died: %s: %s" % (sys.argv[0], typ.__name__, val), flush=True)
    for line in "".join(traceback.format_exception(typ, val, tb)).splitlines():
        print("#   " + line, flush=True)
    sys.exit(1)


sys.excepthook = _excepthook


def ok(desc):
    print("ok - " + desc, flush=True)


def fail(desc, *detail):
    global failed
    failed += 1
    print("not ok - " + desc, flush=True)
    for d in detail:
        for line in str(d).splitlines():
            print("#   " + line, flush=True)


def check(cond, desc, *detail):
    if cond:
        ok(desc)
    else:
        fail(desc, *detail)
    return cond


def check_eq(got, want, desc):
    return check(got == want, desc, "expected: %r" % (want,), "got:      %r" % (got,))


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def udp_socket(addr, timeout=2.0):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((addr, 0))
    s.settimeout(timeout)
    return s


def raw_udp(addr, port, wire, timeout=2.0):
    """Sends WIRE over UDP; returns (reply bytes or None, source port)."""
    s = udp_socket(addr, timeout)
    sport = s.getsockname()[1]
    try:
        s.sendto(wire, (addr, port))
        try:
            return s.recv(65535), sport
        except socket.timeout:
            return None, sport
    finally:
        s.close()


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def tcp_read_msg(s):
    """One length-framed message from S, or None on EOF."""
    hdr = recv_exact(s, 2)
    if hdr is None:
        return None
    (n,) = struct.unpack("!H", hdr)
    return recv_exact(s, n)


def tcp_connect(addr, port, timeout=2.0):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((addr, 0))
    s.connect((addr, port))
    return s


def frame(wire):
    return struct.pack("!H", len(wire)) + wire


def raw_tcp(addr, port, wire, timeout=2.0):
    """Sends one framed WIRE over a new TCP connection; returns
    (reply bytes, or None on EOF/timeout, source port)."""
    s = tcp_connect(addr, port, timeout)
    sport = s.getsockname()[1]
    try:
        s.sendall(frame(wire))
        try:
            return tcp_read_msg(s), sport
        except (socket.timeout, ConnectionResetError):
            return None, sport
    finally:
        s.close()


def query(addr, port, msg, tcp=False, timeout=2.0):
    """Sends dnspython message MSG; returns (parsed reply or None, sport)."""
    wire = msg.to_wire()
    if tcp:
        r, sport = raw_tcp(addr, port, wire, timeout)
    else:
        r, sport = raw_udp(addr, port, wire, timeout)
    if r is None:
        return None, sport
    return dns.message.from_wire(r), sport


def mkquery(name, rdtype="A", rdclass="IN", **kw):
    return dns.message.make_query(name, rdtype, rdclass, **kw)


def http_get(addr, port, path, timeout=3.0):
    """Minimal HTTP/1.0 GET; returns the body as str."""
    s = socket.create_connection((addr, port), timeout=timeout)
    try:
        s.sendall(("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" % (path, addr)).encode())
        data = b""
        while True:
            c = s.recv(65536)
            if not c:
                break
            data += c
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return body.decode(errors="replace")


def metrics(text):
    """Prometheus text -> {"name{labels}": float}."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        k, _, v = line.rpartition(" ")
        try:
            out[k] = float(v)
        except ValueError:
            pass
    return out


def done():
    sys.exit(1 if failed else 0)
