#!/usr/bin/python3
"""Small helpers for bench/run.sh (standard library only).

  freeport                      a port free for UDP and TCP on 127.0.0.1
  tree PID                      PID and its live descendants, one a line
  treestat PID                  "cpu_ticks hwm_kib nprocs pss_kib" over the tree:
                                utime+stime of every live process in it,
                                plus the root's cutime+cstime (children it
                                has reaped); VmHWM and Pss (shared pages
                                split between their users) summed
  probe --port P --qname N --qtype T --timeout S --since T0 [--need-answer | --not-servfail]
                                ask 127.0.0.1:P every 2 ms until a NOERROR
                                answer comes (with --need-answer: one with a
                                non-empty answer section; with --not-servfail:
                                any answer but SERVFAIL, e.g. the REFUSED of
                                a server with an empty store); prints seconds
                                since T0 (an epoch float)
  alive PID...                  those of the PIDs still running (not zombies)
  othercpu PID                  CPU ticks of all processes outside PID's tree
  record OUT RESULTS SCEN SRV KIND RUN S0 S1 D0 D1 HZ DUR [O0 O1]
                                append one dnsperf run to RESULTS (JSONL)
  dnsperf FILE                  the statistics of one dnsperf output as JSON
  latency FILE                  p50/p99/avg (ms) from dnsperf -v lines
"""
import json
import os
import random
import socket
import struct
import sys
import time


def freeport():
    for _ in range(200):
        port = random.randrange(20000, 60000)
        try:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind(("127.0.0.1", port))
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            t.bind(("127.0.0.1", port))
            u.close()
            t.close()
        except OSError:
            continue
        # also free on the wildcard address (a Debian service may hold it)
        try:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind(("0.0.0.0", port))
            u.close()
        except OSError:
            continue
        return port
    raise SystemExit("no free port found")


def _stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    rest = s[s.rindex(")") + 2:].split()
    # rest[0] = state (field 3); ppid field 4 -> rest[1]; utime 14 -> rest[11]
    return {"state": rest[0], "ppid": int(rest[1]), "utime": int(rest[11]),
            "stime": int(rest[12]), "cutime": int(rest[13]), "cstime": int(rest[14])}


def tree(root):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            st = _stat(int(d))
        except (OSError, ValueError, IndexError):
            continue
        if st["state"] in ("Z", "X"):
            continue
        kids.setdefault(st["ppid"], []).append(int(d))
    out, todo = [], [root]
    try:
        if _stat(root)["state"] in ("Z", "X"):
            return []
    except OSError:
        return []
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def treestat(root):
    ticks = hwm = pss = n = 0
    for i, pid in enumerate(tree(root)):
        try:
            st = _stat(pid)
            ticks += st["utime"] + st["stime"]
            if pid == root:
                ticks += st["cutime"] + st["cstime"]
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        hwm += int(line.split()[1])
            try:
                with open("/proc/%d/smaps_rollup" % pid) as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            pss += int(line.split()[1])
            except OSError:
                pass
            n += 1
        except OSError:
            pass
    return ticks, hwm, n, pss


def othercpu(root):
    """CPU ticks of every process outside ROOT's tree (utime+stime+cutime+
    cstime: children reaped by a live parent, like a compiler run by make,
    are counted through the parent). The delta over a run tells how busy
    the machine was with other work."""
    mine = set(tree(root))
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) in mine:
            continue
        try:
            st = _stat(int(d))
        except (OSError, ValueError, IndexError):
            continue
        total += st["utime"] + st["stime"] + st["cutime"] + st["cstime"]
    return total


QTYPES = {"A": 1, "NS": 2, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28}


def probe(port, qname, qtype, timeout, since, need_answer, not_servfail=False):
    qid = random.randrange(65536)
    q = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0)
    for lab in qname.rstrip(".").split("."):
        q += bytes([len(lab)]) + lab.encode()
    q += b"\0" + struct.pack(">HH", QTYPES[qtype], 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.002)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            s.sendto(q, ("127.0.0.1", port))
            while True:
                data = s.recv(4096)
                if len(data) < 12 or struct.unpack(">H", data[:2])[0] != qid:
                    continue
                rcode = data[3] & 0xF
                ancount = struct.unpack(">H", data[6:8])[0]
                if (rcode == 0 and (ancount > 0 or not need_answer)) or (
                        not_servfail and rcode != 2):
                    print("%.3f" % (time.time() - since))
                    return 0
                break
        except (socket.timeout, ConnectionRefusedError, BlockingIOError):
            pass
        except OSError:
            time.sleep(0.002)
    print("timeout")
    return 1


def parse_dnsperf(path):
    r = {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("Queries sent:"):
                r["sent"] = int(line.split()[2])
            elif line.startswith("Queries completed:"):
                r["completed"] = int(line.split()[2])
            elif line.startswith("Queries lost:"):
                r["lost"] = int(line.split()[2])
            elif line.startswith("Queries interrupted:"):
                r["interrupted"] = int(line.split()[2])
            elif line.startswith("Queries per second:"):
                r["qps"] = float(line.split()[3])
            elif line.startswith("Run time (s):"):
                r["runtime"] = float(line.split()[3])
            elif line.startswith("Average Latency (s):"):
                r["avg_lat_ms"] = float(line.split()[3]) * 1000
            elif line.startswith("Response codes:"):
                codes = {}
                for part in line.split(":", 1)[1].split(","):
                    p = part.split()
                    if len(p) >= 2:
                        codes[p[0]] = int(p[1])
                r["rcodes"] = codes
    return r


def latency(path):
    lat = []
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("> "):
                p = line.split()
                try:
                    lat.append(float(p[-1]))
                except ValueError:
                    pass
    if not lat:
        return {}
    lat.sort()

    def pct(p):
        return lat[min(len(lat) - 1, int(round(p / 100.0 * len(lat) + 0.5)) - 1)] * 1000

    return {"n": len(lat), "p50_ms": pct(50), "p99_ms": pct(99),
            "avg_ms": sum(lat) / len(lat) * 1000}


def record(outf, results, scen, srv, kind, run, s0, s1, d0, d1, hz, dur, o0=None, o1=None):
    """Append one dnsperf run to results.jsonl: its statistics, the server
    tree's CPU per answered query, the database tree's (if any), VmHWM."""
    r = parse_dnsperf(outf)
    hz = float(hz)
    s0, s1, d0, d1 = ([int(x) for x in v.split()] for v in (s0, s1, d0, d1))
    done = r.get("completed", 0)
    rec = {"scenario": scen, "server": srv, "kind": kind, "run": int(run),
           "duration": float(dur), "file": os.path.basename(outf)}
    rec.update(r)
    cpu = (s1[0] - s0[0]) / hz
    rec["cpu_s"] = cpu
    rec["hwm_kib"] = s1[1]
    rec["nprocs"] = s1[2]
    rec["pss_kib"] = s1[3]
    if done:
        rec["us_per_q"] = cpu / done * 1e6
        if d1[2]:
            rec["db_cpu_s"] = (d1[0] - d0[0]) / hz
            rec["db_us_per_q"] = rec["db_cpu_s"] / done * 1e6
            rec["db_hwm_kib"] = d1[1]
            rec["db_pss_kib"] = d1[3]
    if o0 is not None and o1 is not None and float(dur) > 0:
        # other processes' CPU over the run, in cores (a run on a shared
        # machine is flagged with it)
        rec["other_cores"] = max(0, int(o1) - int(o0)) / hz / float(dur)
    if kind == "lat":
        rec.update(latency(outf))
    with open(results, "a") as f:
        f.write(json.dumps(rec) + "\n")
    print("  %s run %s: %s qps, %s lost, %s us/q%s" % (
        kind, run, "%.0f" % r.get("qps", 0), r.get("lost", "?"),
        "%.2f" % rec["us_per_q"] if "us_per_q" in rec else "-",
        ", p50 %.3f ms p99 %.3f ms" % (rec["p50_ms"], rec["p99_ms"]) if "p50_ms" in rec else ""))


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "freeport":
        print(freeport())
    elif cmd == "tree":
        print("\n".join(str(p) for p in tree(int(argv[2]))))
    elif cmd == "alive":
        for p in argv[2:]:
            try:
                if _stat(int(p))["state"] not in ("Z", "X"):
                    print(p)
            except (OSError, ValueError, IndexError):
                pass
    elif cmd == "othercpu":
        print(othercpu(int(argv[2])))
    elif cmd == "treestat":
        print("%d %d %d %d" % treestat(int(argv[2])))
    elif cmd == "probe":
        import argparse
        ap = argparse.ArgumentParser()
        ap.add_argument("--port", type=int, required=True)
        ap.add_argument("--qname", required=True)
        ap.add_argument("--qtype", default="SOA")
        ap.add_argument("--timeout", type=float, default=60)
        ap.add_argument("--since", type=float, default=None)
        ap.add_argument("--need-answer", action="store_true")
        ap.add_argument("--not-servfail", action="store_true")
        a = ap.parse_args(argv[2:])
        return probe(a.port, a.qname, a.qtype, a.timeout,
                     a.since if a.since is not None else time.time(), a.need_answer,
                     a.not_servfail)
    elif cmd == "dnsperf":
        print(json.dumps(parse_dnsperf(argv[2])))
    elif cmd == "record":
        record(*argv[2:])
    elif cmd == "latency":
        print(json.dumps(latency(argv[2])))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
