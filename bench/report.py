#!/usr/bin/python3
"""Turn one bench/run.sh run folder into a markdown table and PNG plots.

  report.py --run DIR [--data DIR] [--readme bench/README.md --results-dir bench/results]

Reads DIR/results.jsonl, machine.txt, notes.txt, commands.txt; writes
DIR/results.md and DIR/{qps,usq,latency}.png. With --readme, copies the
plots into --results-dir and replaces the part of the README between
<!-- bench:results:begin --> and <!-- bench:results:end -->.
"""
import argparse
import json
import os
import shutil
import statistics

ORDER = ["ours", "ours-sqlite", "ours-pgsql", "nsd", "knot", "bind", "pdns-sqlite",
         "pdns-sqlite-nocache", "pdns-pgsql", "pdns-pgsql-nocache"]
LABEL = {
    "ours": "ours (whoami, core alone)",
    "ours-sqlite": "ours, sql on SQLite",
    "ours-pgsql": "ours, sql on PostgreSQL",
    "nsd": "NSD",
    "knot": "Knot",
    "bind": "BIND",
    "pdns-sqlite": "PowerDNS gsqlite3, caches on",
    "pdns-sqlite-nocache": "PowerDNS gsqlite3, caches off",
    "pdns-pgsql": "PowerDNS gpgsql, caches on",
    "pdns-pgsql-nocache": "PowerDNS gpgsql, caches off",
}
SCEN_ORDER = ["whoami", "hits", "mixed", "flood"]
BEGIN = "<!-- bench:results:begin -->"
END = "<!-- bench:results:end -->"


def is_ours(s):
    return s.startswith("ours")


def load(run):
    rows = []
    p = os.path.join(run, "results.jsonl")
    if os.path.exists(p):
        with open(p) as f:
            rows = [json.loads(x) for x in f if x.strip()]
    return rows


def text(run, name):
    p = os.path.join(run, name)
    if not os.path.exists(p):
        return ""
    with open(p) as f:
        return f.read().strip()


def med(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return None
    return (statistics.median(vals), min(vals), max(vals), len(vals))


def fmt_qps(v):
    if v is None:
        return "-"
    if v >= 1000:
        return "%.1fk" % (v / 1000)
    return "%.0f" % v


def fmt_num(v, nd=2):
    if v is None:
        return "-"
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return ("%%.%df" % nd) % v


def cell(m, f):
    if m is None:
        return "-"
    v, lo, hi, n = m
    if n == 1 or lo == hi:
        return f(v)
    return "%s (%s–%s)" % (f(v), f(lo), f(hi))


def summarize(rows):
    """{scenario: {server: figures}}"""
    out = {}
    for scen in sorted(set(r["scenario"] for r in rows), key=lambda s: (
            SCEN_ORDER.index(s) if s in SCEN_ORDER else 99, s)):
        out[scen] = {}
        for srv in sorted(set(r["server"] for r in rows if r["scenario"] == scen),
                          key=lambda s: ORDER.index(s) if s in ORDER else 99):
            rr = [r for r in rows if r["scenario"] == scen and r["server"] == srv]
            tp = [r for r in rr if r["kind"] == "tput"]
            lat = [r for r in rr if r["kind"] == "lat"]
            ld = [r for r in rr if r["kind"] == "load"]
            f = {
                "qps": med([r.get("qps") for r in tp]),
                "usq": med([r.get("us_per_q") for r in tp]),
                "db_usq": med([r.get("db_us_per_q") for r in tp]),
                "avg_ms": med([r.get("avg_lat_ms") for r in tp]),
                "lost": med([r.get("lost") for r in tp]),
                "sent": med([r.get("sent") for r in tp]),
                "p50": med([r.get("p50_ms") for r in lat]),
                "p99": med([r.get("p99_ms") for r in lat]),
                "lat_lost": med([r.get("lost") for r in lat]),
                "other": med([r.get("other_cores") for r in tp]),
                "lat_qps": med([r.get("qps") for r in lat]),
                "db_pss": max([r.get("db_pss_kib", 0) for r in rr] or [0]) / 1024.0,
                "hwm": max([r.get("hwm_kib", 0) for r in rr] or [0]) / 1024.0,
                "hwm_load": (ld[0].get("hwm_kib", 0) / 1024.0) if ld else None,
                "pss": (max([r.get("pss_kib", 0) for r in rr] or [0]) / 1024.0),
                "pss_load": med([r.get("pss_kib", 0) / 1024.0 for r in ld if r.get("pss_kib")]),
                "db_hwm": max([r.get("db_hwm_kib", 0) for r in rr] or [0]) / 1024.0,
                "load": med([r.get("load_s") for r in ld]),
                "rcodes": tp[-1].get("rcodes", {}) if tp else {},
                "runs": len(tp),
            }
            out[scen][srv] = f
    return out


def table(scen, figs, lat_qps):
    peers = {s: f for s, f in figs.items() if not is_ours(s)}
    pq = [f["qps"][0] for f in peers.values() if f["qps"]]
    pu = [f["usq"][0] for f in peers.values() if f["usq"]]
    best_qps = max(pq) if pq else None
    best_usq = min(pu) if pu else None
    lines = [
        "| server | qps | qps ÷ best peer | server µs/q | µs/q ÷ best peer | avg latency ms | "
        "p50 / p99 ms at %s qps | lost | peak memory MiB (ΣVmHWM) | Pss MiB after load → max | first answer s | others' CPU, cores | rcodes (last run) |" % lat_qps,
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for srv, f in figs.items():
        q = f["qps"]
        u = f["usq"]
        rq = "%.2f×" % (q[0] / best_qps) if q and best_qps else "-"
        ru = "%.2f×" % (u[0] / best_usq) if u and best_usq else "-"
        ucell = cell(u, fmt_num)
        if f["db_usq"]:
            ucell += " + postgres %s" % fmt_num(f["db_usq"][0])
        lat = "-"
        if f["p50"]:
            lat = "%s / %s" % (fmt_num(f["p50"][0], 3), fmt_num(f["p99"][0], 3))
            try:
                target = float(lat_qps)
            except ValueError:
                target = 0
            if f["lat_qps"] and target and f["lat_qps"][0] < 0.97 * target:
                lat += " (overloaded: %s qps)" % fmt_qps(f["lat_qps"][0])
        lost = "-"
        if f["lost"]:
            lost = "%d" % f["lost"][0]
            if f["sent"] and f["sent"][0]:
                lost += " (%.2f%%)" % (100.0 * f["lost"][0] / f["sent"][0])
        mem = "%.0f" % f["hwm"] if f["hwm"] else "-"
        if f["db_hwm"]:
            mem += " + postgres %.0f" % f["db_hwm"]
        rc = ", ".join("%s %d" % (k, v) for k, v in sorted(f["rcodes"].items(), key=lambda x: -x[1]))
        pss = "%.0f" % f["pss"] if f["pss"] else "-"
        if f["pss_load"]:
            pss = "%.0f → %s" % (f["pss_load"][0], pss)
        if f["db_pss"]:
            pss += " + postgres %.0f" % f["db_pss"]
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            LABEL.get(srv, srv), cell(q, fmt_qps), rq, ucell, ru,
            cell(f["avg_ms"], lambda v: fmt_num(v, 3)), lat, lost, mem, pss,
            cell(f["load"], lambda v: "%.2f" % v),
            cell(f["other"], lambda v: "%.2f" % v), rc or "-"))
    return "\n".join(lines)


def plots(summary, run):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker  # noqa: F401
    except Exception as e:  # noqa: BLE001
        return "plots skipped: matplotlib unavailable (%s)" % e
    made = []
    scens = list(summary)
    servers = [s for s in ORDER if any(s in summary[sc] for sc in scens)]
    if not scens or not servers:
        return "no plots: no results"
    colors = plt.get_cmap("tab10")

    def bars(key, fname, ylabel, title):
        fig, ax = plt.subplots(figsize=(max(8, 1.8 * len(scens) + 4.5), 4.5))
        width = 0.8 / max(1, len(servers))
        for i, srv in enumerate(servers):
            xs, ys, lo, hi = [], [], [], []
            for j, sc in enumerate(scens):
                m = summary[sc].get(srv, {}).get(key)
                if m:
                    xs.append(j + (i - (len(servers) - 1) / 2.0) * width)
                    ys.append(m[0])
                    lo.append(m[0] - m[1])
                    hi.append(m[2] - m[0])
            if xs:
                ax.bar(xs, ys, width, yerr=[lo, hi], capsize=2, label=LABEL.get(srv, srv),
                       color=colors(ORDER.index(srv) % 10))
        ax.set_xticks(range(len(scens)))
        ax.set_xticklabels(scens)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        if key == "qps":
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
                lambda v, _: "%dk" % (v / 1000) if v else "0"))
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        fig.savefig(os.path.join(run, fname), dpi=90)
        plt.close(fig)
        made.append(fname)

    bars("qps", "qps.png", "queries per second", "throughput (median, whiskers: min–max)")
    bars("usq", "usq.png", "server CPU µs per answered query", "server CPU per query (lower is better)")
    # latency: p50 and p99 at the fixed rate
    if any(summary[sc][s].get("p50") for sc in scens for s in summary[sc]):
        fig, ax = plt.subplots(figsize=(max(8, 1.8 * len(scens) + 4.5), 4.5))
        width = 0.8 / max(1, len(servers))
        for i, srv in enumerate(servers):
            xs, p50, p99 = [], [], []
            for j, sc in enumerate(scens):
                f = summary[sc].get(srv)
                if f and f.get("p50"):
                    xs.append(j + (i - (len(servers) - 1) / 2.0) * width)
                    p50.append(f["p50"][0])
                    p99.append(f["p99"][0])
            if xs:
                ax.bar(xs, p99, width, color=colors(ORDER.index(srv) % 10), alpha=0.35)
                ax.bar(xs, p50, width, color=colors(ORDER.index(srv) % 10), label=LABEL.get(srv, srv))
        ax.set_xticks(range(len(scens)))
        ax.set_xticklabels(scens)
        ax.set_ylabel("ms")
        ax.set_yscale("log")
        ax.set_title("latency at a fixed rate: p50 (solid), p99 (light)")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        fig.savefig(os.path.join(run, "latency.png"), dpi=90)
        plt.close(fig)
        made.append("latency.png")
    return made


def render(run, data, plot_prefix=""):
    rows = load(run)
    summary = summarize(rows)
    machine = text(run, "machine.txt")
    notes = text(run, "notes.txt")
    commands = text(run, "commands.txt")
    lat_qps = "?"
    for line in machine.splitlines():
        if line.startswith("mode:") and " at " in line:
            lat_qps = line.rsplit(" at ", 1)[1].split()[0]
    meta = {}
    if data and os.path.exists(os.path.join(data, "meta.json")):
        with open(os.path.join(data, "meta.json")) as f:
            meta = json.load(f)
    made = plots(summary, run)
    md = []
    mv = dict(l.split(": ", 1) for l in machine.splitlines() if ": " in l)
    md.append("Run of %s at commit %s." % (mv.get("date", "?"), mv.get("commit", "?")))
    md.append("")
    md.append("```")
    md.append(machine)
    if meta:
        md.append("zone: %s, %d RRs (%s; %d delegations with glue, wildcard %s)" % (
            meta.get("zone"), meta.get("total_rrs", 0),
            ", ".join("%s %d" % kv for kv in meta.get("mix", {}).items()),
            meta.get("delegations", 0), meta.get("wildcard")))
    md.append("```")
    md.append("")
    others = [r.get("other_cores") for r in rows if r.get("kind") == "tput"
              and r.get("other_cores") is not None]
    if others and max(others) > 0.25:
        md.append("**Shared machine**: other processes (not the server, its database or "
                  "dnsperf) used up to %.2f of the %s cores during the throughput runs "
                  "(median %.2f; column \"others' CPU\"), so qps is lower and noisier "
                  "than on an idle machine; server µs/q is the steadier figure." % (
                      max(others), mv.get("cores", "?"), statistics.median(others)))
        md.append("")
    if "quick" in mv.get("mode", ""):
        md.append("**Quick run**: one short run per figure, so no min–max and noisy "
                  "figures; use a full run for numbers to quote.")
        md.append("")
    md.append("qps and avg latency: dnsperf `-c 8 -T 1 -l S` (no `-Q`), median of the runs "
              "(min–max). Server µs/q: utime+stime of the server's whole process tree "
              "(/proc/PID/stat) over the run, divided by answered queries; for PostgreSQL "
              "backends the postgres process tree's CPU is shown beside it. p50/p99: a separate "
              "fixed-rate run (`-Q`), percentiles from dnsperf's per-query `-v` output. "
              "Peak memory: VmHWM summed over the process tree (pages shared by forked "
              "processes, as NSD's, count once per process); Pss: the tree's proportional "
              "set size (shared pages split) at the first answer (median of the starts) and at "
              "its largest sample. First answer: from starting "
              "the server to its first answer (SOA of the zone), median of as many starts as "
              "runs. Ratios: to the best peer "
              "(not ours) of the same scenario in this run: qps ÷ best qps (higher is better), "
              "µs/q ÷ lowest µs/q (lower is better). Others' CPU: what all other processes on "
              "the machine used during the runs, in cores (median).")
    md.append("")
    for scen, figs in summary.items():
        md.append("### %s" % scen)
        md.append("")
        md.append(table(scen, figs, lat_qps))
        md.append("")
    if isinstance(made, list):
        for p in made:
            md.append("![%s](%s%s)" % (p[:-4], plot_prefix, p))
        md.append("")
    elif made:
        md.append(made)
        md.append("")
    if notes:
        md.append("Skipped or failed:")
        md.append("")
        md.extend("- " + n for n in notes.splitlines())
        md.append("")
    if commands:
        md.append("<details><summary>Exact commands</summary>")
        md.append("")
        md.append("```")
        # dnsperf lines repeat per run: keep each distinct one once
        seen = []
        for c in commands.splitlines():
            if c not in seen:
                seen.append(c)
        md.extend(seen)
        md.append("```")
        md.append("")
        md.append("</details>")
    return "\n".join(md) + "\n", made


def summary_lines(run):
    rows = load(run)
    summ = summarize(rows)
    machine = text(run, "machine.txt")
    mv = dict(l.split(": ", 1) for l in machine.splitlines() if ": " in l)
    print("summary (%s; ratios to the best peer of the same scenario):" % mv.get("mode", "?"))
    for scen, figs in summ.items():
        peers = [f for s, f in figs.items() if not is_ours(s)]
        bq = max([f["qps"][0] for f in peers if f["qps"]] or [0])
        bu = min([f["usq"][0] for f in peers if f["usq"]] or [0])
        for srv, f in figs.items():
            q = f["qps"][0] if f["qps"] else 0
            u = f["usq"][0] if f["usq"] else 0
            print("  %-7s %-20s %8s qps %6s  %6.2f us/q %6s  lost %s" % (
                scen, srv, fmt_qps(q), "%.2fx" % (q / bq) if bq else "-", u,
                "%.2fx" % (u / bu) if bu else "-",
                "%d" % f["lost"][0] if f["lost"] else "-"))
    notes = text(run, "notes.txt")
    for n in notes.splitlines():
        print("  " + n)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--data")
    ap.add_argument("--readme")
    ap.add_argument("--results-dir")
    ap.add_argument("--summary", action="store_true",
                    help="only print a short summary of the run (one line per row)")
    ap.add_argument("--section", help="README block and plots subfolder (e.g. r1000000)")
    a = ap.parse_args()
    if a.summary:
        return summary_lines(a.run)
    md, made = render(a.run, a.data)
    with open(os.path.join(a.run, "results.md"), "w") as f:
        f.write(md)
    if a.readme:
        # one README block per data size: the default 100k run, and e.g.
        # r1000000 for --1m, each with its own plots folder
        tag = a.section or ""
        begin = BEGIN.replace("results", "results" + ("-" + tag if tag else ""), 1)
        end = END.replace("results", "results" + ("-" + tag if tag else ""), 1)
        rd = a.results_dir or os.path.join(os.path.dirname(a.readme), "results")
        if tag:
            rd = os.path.join(rd, tag)
        os.makedirs(rd, exist_ok=True)
        if isinstance(made, list):
            for p in made:
                shutil.copy(os.path.join(a.run, p), os.path.join(rd, p))
        shutil.copy(os.path.join(a.run, "results.md"), os.path.join(rd, "results.md"))
        prefix = os.path.relpath(rd, os.path.dirname(os.path.abspath(a.readme))) + "/"
        md2, _ = render(a.run, a.data, plot_prefix=prefix)
        with open(a.readme) as f:
            readme = f.read()
        if begin in readme and end in readme:
            head = readme[:readme.index(begin) + len(begin)]
            tail = readme[readme.index(end):]
            readme = head + "\n" + md2 + "\n" + tail
        else:
            readme += "\n## Latest results%s\n\n%s\n%s\n%s\n" % (
                ", " + tag if tag else "", begin, md2, end)
        with open(a.readme, "w") as f:
            f.write(readme)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
