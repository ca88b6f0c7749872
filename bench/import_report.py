#!/usr/bin/python3
"""bench/import_report.py DIR: the markdown table of bench/import.sh from
DIR/results.jsonl, DIR/machine.txt, DIR/commands.txt and DIR/notes.txt."""
import json
import os
import statistics
import sys

ORDER = [("ours", "sqlite"), ("pdnsutil", "sqlite"), ("ours", "pgsql"), ("pdnsutil", "pgsql")]
NAMES = {"ours": "ours (`coredns-util zone import`)", "pdnsutil": "PowerDNS (`pdnsutil load-zone`)"}
BACKENDS = {"sqlite": "SQLite", "pgsql": "PostgreSQL"}


def med(v):
    return statistics.median(v) if v else None


def rng(v, fmt):
    if len(v) < 2:
        return ""
    return " (" + fmt % min(v) + "–" + fmt % max(v) + ")"


def main(d):
    rows = [json.loads(l) for l in open(os.path.join(d, "results.jsonl")) if l.strip()]
    by = {}
    for r in rows:
        by.setdefault((r["importer"], r["backend"]), []).append(r)
    out = ["# Import: BIND zone file into the SQL store", ""]
    out += ["    " + l.rstrip() for l in open(os.path.join(d, "machine.txt"))]
    out += [""]
    rps = {}
    for k, rs in by.items():
        good = [r for r in rs if r["rc"] == 0 and r["wall"]]
        if good:
            rps[k] = [r["expect"] / max(r["wall"], 0.01) for r in good]
    hdr = ("| importer | backend | wall s, median (min–max) | records/s | ours ÷ pdnsutil "
           "(records/s, same backend; goal ≥ 5×) | peak RSS MiB | CPU s user+sys | postgres CPU s | rows loaded |")
    out += [hdr, "|" + "---|" * 9]
    for k in ORDER:
        rs = by.get(k)
        if not rs:
            continue
        imp, be = k
        walls = [r["wall"] for r in rs if r["rc"] == 0]
        stopped = [r for r in rs if r["rc"] == 124]
        if walls:
            wall = "%.2f%s" % (med(walls), rng(walls, "%.2f"))
        elif stopped:
            wall = "> %d (stopped at the bound)" % int(float(stopped[0]["wall"] or 0))
        else:
            wall = "failed"
        if stopped and walls:
            wall += "; %d run(s) stopped at the bound" % len(stopped)
        rate = "%.0f" % med(rps[k]) if k in rps else ("< %.0f" % (rs[0]["expect"] / float(stopped[0]["wall"])) if stopped and stopped[0]["wall"] else "–")
        ratio = "–"
        if imp == "ours":
            other = ("pdnsutil", be)
            if k in rps and other in rps:
                ratio = "%.1f×" % (med(rps[k]) / med(rps[other]))
            elif k not in rps and other in rps and stopped and stopped[0]["wall"]:
                ratio = "< %.2f×" % ((rs[0]["expect"] / float(stopped[0]["wall"])) / med(rps[other]))
            elif k in rps and other in by:
                st = [r for r in by[other] if r["rc"] == 124 and r["wall"]]
                if st:
                    ratio = "> %.1f×" % (med(rps[k]) / (r["expect"] / float(st[0]["wall"])))
        rss = [r["rss_kib"] / 1024 for r in rs if r["rss_kib"]]
        cpu = [r["user"] + r["sys"] for r in rs if r["rc"] == 0 and r["user"] is not None]
        pgc = [r["pg_cpu"] for r in rs if r.get("pg_cpu") is not None]
        counts = sorted(set(r["count"] for r in rs))
        ok = all(r["ok"] for r in rs)
        loaded = ("all %d, every run" % rs[0]["expect"]) if ok else (
            "**NOT ALL**: %s of %d" % ("/".join(str(c) for c in counts), rs[0]["expect"]))
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            NAMES[imp], BACKENDS[be], wall, rate, ratio,
            "%.0f%s" % (med(rss), rng(rss, "%.0f")) if rss else "–",
            "%.2f" % med(cpu) if cpu else "–",
            "%.2f" % med(pgc) if pgc else "–", loaded))
    out += ["", "records/s: the rows of the zone file over the median wall time. "
            "Peak RSS: the importing process's (`/usr/bin/time -f %M`); postgres CPU: "
            "utime+stime of the postgres process tree (with reaped backends) over the import. "
            "Each run imports into a fresh, empty store whose schema was made before the clock starts; "
            "rows loaded: `SELECT count(*)` of the zone's records with a type, after each run."]
    pend = [r for r in rows if r.get("pending") is not None]
    if pend:
        out += ["", "Rows in `coredns_pending` after our import committed: %s (a new zone is bulk-loaded: the change triggers skip its rows and the loader clears the zone's pending rows in the same transaction)." %
                "/".join(sorted(set(str(r["pending"]) for r in pend)))]
    notes = [l.strip() for l in open(os.path.join(d, "notes.txt")) if l.strip()]
    if notes:
        out += [""] + ["- " + n for n in notes]
    out += ["", "Commands:", ""]
    out += ["    " + l.rstrip() for l in open(os.path.join(d, "commands.txt"))]
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
