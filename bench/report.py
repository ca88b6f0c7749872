#!/usr/bin/python3
"""Turn one bench/run.sh run folder into a markdown table and PNG plots.

  report.py --run DIR [--data DIR] [--readme bench/README.md --results-dir bench/results]

Reads DIR/results.jsonl, machine.txt, notes.txt, commands.txt; writes
DIR/results.md and DIR/{qps,usq,latency}.png. With --readme, copies the
plots into --results-dir and replaces the part of the README between
<!-- bench:results:begin --> and <!-- bench:results:end -->.

Besides the per-scenario tables: memory per record and start-up (from the
"empty" baseline rows and the first answers), the edit scenario (raw SQL
edit -> answer, from bench/edit_latency.py's rows), and our rows against
the goals of shared/BENCHMARKS.md.
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
# scenarios with tables of their own (not dnsperf runs)
OWN_TABLE = ("edit", "empty")
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
    rows = [r for r in rows if r["scenario"] not in OWN_TABLE]
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

AUTH = ("hits", "mixed", "flood")


def pct_rank(vals, p):
    """nearest-rank percentile of a sorted list (None when empty)"""
    if not vals:
        return None
    return vals[min(len(vals) - 1, max(0, int(round(p / 100.0 * len(vals) + 0.5)) - 1))]


def memory_figures(rows, total_rrs):
    """{server: {...}} from the "empty" baseline rows and the first answers
    of the authoritative scenarios (all their starts pooled)."""
    out = {}
    servers = sorted(set(r["server"] for r in rows if r.get("kind") in ("empty", "load")
                         and r["scenario"] in AUTH + ("empty",)),
                     key=lambda s: ORDER.index(s) if s in ORDER else 99)
    for srv in servers:
        ld = [r for r in rows if r["server"] == srv and r.get("kind") == "load"
              and r["scenario"] in AUTH]
        em = [r for r in rows if r["server"] == srv and r.get("kind") == "empty"]
        if not ld:
            continue
        f = {"loaded": med([r.get("hwm_kib", 0) / 1024.0 for r in ld if r.get("hwm_kib")]),
             "empty": (em[-1].get("hwm_kib", 0) / 1024.0) if em else None,
             "load": med([r.get("load_s") for r in ld]),
             "starts": len(ld)}
        # PowerDNS keeps no zone in memory: no per-record figure
        if f["loaded"] and f["empty"] is not None and total_rrs and not srv.startswith("pdns"):
            f["per_rec"] = (f["loaded"][0] - f["empty"]) * 1024 * 1024 / total_rrs
        out[srv] = f
    return out


def memory_table(mem, total_rrs):
    knot = mem.get("knot", {})
    kb = knot.get("per_rec")
    kl = knot.get("load")[0] if knot.get("load") else None
    lines = ["| server | VmHWM empty MiB | VmHWM at first answer MiB (median of starts) | "
             "bytes per record | ÷ Knot's | first answer s (median of %s starts) | ÷ Knot's |" % (
                 "/".join(sorted(set(str(f["starts"]) for f in mem.values())) or ["?"])),
             "|---|---|---|---|---|---|---|"]
    for srv, f in mem.items():
        pr = f.get("per_rec")
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            LABEL.get(srv, srv),
            "%.1f" % f["empty"] if f["empty"] is not None else "-",
            cell(f["loaded"], lambda v: "%.1f" % v),
            "%.0f" % pr if pr is not None else (
                "- (zone not in memory)" if srv.startswith("pdns") else "-"),
            "%.2f×" % (pr / kb) if pr is not None and kb else "-",
            cell(f["load"], lambda v: "%.2f" % v),
            "%.2f×" % (f["load"][0] / kl) if f["load"] and kl else "-"))
    return "\n".join(lines)


def edit_figures(rows):
    out = {}
    servers = sorted(set(r["server"] for r in rows if r.get("kind") == "edit"),
                     key=lambda s: ORDER.index(s) if s in ORDER else 99)
    for srv in servers:
        ed = [r for r in rows if r["server"] == srv and r.get("kind") == "edit"]
        setup = [r for r in rows if r["server"] == srv and r.get("kind") == "edit-setup"]
        oth = [r for r in rows if r["server"] == srv and r.get("kind") == "edit-other"]
        ld = [r for r in rows if r["server"] == srv and r.get("kind") == "load"
              and r["scenario"] == "edit"]
        bound = setup[-1].get("bound_s", 10) if setup else 10
        ok = sorted(r["edit_s"] for r in ed if r.get("edit_s") is not None)
        tmo = [r for r in ed if r.get("timeout")]
        err = [r for r in ed if r.get("error")]
        full = ok + [float("inf")] * (len(tmo) + len(err))
        out[srv] = {
            "n": len(ed), "seen": len(ok), "timeouts": len(tmo), "errors": len(err),
            "bound": bound, "p50": pct_rank(full, 50), "p99": pct_rank(full, 99),
            "max": full[-1] if full else None, "min": ok[0] if ok else None,
            "commit_ms": med([r.get("commit_ms") for r in ed]),
            "steward": setup[-1].get("steward_wait_s") if setup else None,
            "client": setup[-1].get("client") if setup else None,
            "poll_ms": setup[-1].get("poll_ms") if setup else None,
            "other": oth[-1].get("other_cores") if oth else None,
            "load": med([r.get("load_s") for r in ld]),
            "first_error": err[0].get("error") if err else None,
            # the first edit not seen in the bound, and whether every later
            # one was missed too (a server that stopped following the store)
            "first_tmo": min([r["run"] for r in tmo] or [0]) or None,
            "all_after": bool(tmo) and all(r.get("timeout") or r.get("error") for r in ed
                                           if r["run"] >= min(t["run"] for t in tmo)),
        }
    return out


def fmt_edit(v, bound):
    if v is None:
        return "-"
    if v == float("inf"):
        return "> %.0f s" % bound
    if v >= 1:
        return "%.2f s" % v
    return "%.1f ms" % (v * 1000)


def edit_table(ed):
    peers = [f for s, f in ed.items() if not is_ours(s) and f["p50"] not in (None, float("inf"))]
    best = min([f["p50"] for f in peers] or [0]) or None
    lines = ["| server | edits | p50 | p99 | min – max | not seen in the bound | p50 ÷ best peer | "
             "commit ms (median) | steward lease after | first answer s | others' CPU, cores |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for srv, f in ed.items():
        b = f["bound"]
        ratio = "-"
        if best and f["p50"] not in (None, float("inf")):
            ratio = "%.1f×" % (f["p50"] / best)
        miss = "%d" % f["timeouts"]
        if f["timeouts"] and f["first_tmo"] and srv.startswith("ours"):
            miss += " (from edit %d%s)" % (f["first_tmo"], ", all later ones too"
                                           if f["all_after"] else "")
        if f["errors"]:
            miss += " (+%d wrong before the edit)" % f["errors"]
        st = "-"
        if f["steward"] is not None:
            st = "not in 30 s" if f["steward"] < 0 else "%.2f s" % f["steward"]
        rng = "%s – %s" % (fmt_edit(f["min"], b), fmt_edit(f["max"], b))
        if f["min"] is None:
            rng = "all > %.0f s" % b if f["n"] else "-"
        lines.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            LABEL.get(srv, srv), f["n"], fmt_edit(f["p50"], b), fmt_edit(f["p99"], b),
            rng, miss, ratio,
            cell(f["commit_ms"], lambda v: "%.1f" % v), st,
            cell(f["load"], lambda v: "%.2f" % v),
            "%.2f" % f["other"] if f["other"] is not None else "-"))
    return "\n".join(lines)


def goals(summary, mem, ed, records):
    """Our rows against shared/BENCHMARKS.md's goals: (goal, server, ours,
    target, verdict) lines."""
    out = []

    def fig(scen, srv, key):
        f = summary.get(scen, {}).get(srv)
        return f[key][0] if f and f.get(key) else None

    def verdict(val, target, lower_better):
        if val is None or target is None:
            return "not measured"
        if val == float("inf"):
            return "missed: not seen within the bound"
        if lower_better:
            return "met" if val <= target else "missed: %.2f× the target" % (val / target)
        return "met" if val >= target else "missed: %.2f× the target" % (val / target)

    for srv in ("ours-sqlite", "ours-pgsql"):
        lab = LABEL[srv]
        for scen in ("hits", "mixed"):
            if srv not in summary.get(scen, {}):
                continue
            ku = fig(scen, "knot", "usq")
            u = fig(scen, srv, "usq")
            out.append(("%s: µs/q ≤ 0.8× Knot's" % scen, lab, u, ku and 0.8 * ku, True,
                        "%.2f µs/q" % u if u else "-", "%.2f" % (0.8 * ku) if ku else "-"))
            peers = {s: f for s, f in summary[scen].items() if not is_ours(s) and f.get("qps")}
            if peers:
                bs = max(peers, key=lambda s: peers[s]["qps"][0])
                q = fig(scen, srv, "qps")
                out.append(("%s: qps ≥ best peer's (%s)" % (scen, LABEL.get(bs, bs)), lab, q,
                            peers[bs]["qps"][0], False, fmt_qps(q), fmt_qps(peers[bs]["qps"][0])))
        if srv in summary.get("flood", {}):
            ku = fig("flood", "knot", "usq")
            u = fig("flood", srv, "usq")
            out.append(("flood: µs/q ≤ Knot's", lab, u, ku, True,
                        "%.2f µs/q" % u if u else "-", "%.2f" % ku if ku else "-"))
            nq = fig("flood", "nsd", "qps")
            q = fig("flood", srv, "qps")
            out.append(("flood: qps ≥ NSD's", lab, q, nq, False, fmt_qps(q), fmt_qps(nq)))
            pu = fig("flood", "pdns-sqlite-nocache", "usq")
            out.append(("flood: µs/q ≤ 1/10 of PowerDNS gsqlite3 without caches", lab, u,
                        pu and pu / 10, True, "%.2f µs/q" % u if u else "-",
                        "%.2f" % (pu / 10) if pu else "-"))
        m = mem.get(srv)
        if m:
            kb = mem.get("knot", {}).get("per_rec")
            pr = m.get("per_rec")
            out.append(("memory: bytes/record ≤ 0.9× Knot's (%s records)" % records, lab, pr,
                        kb and 0.9 * kb, True, "%.0f B" % pr if pr is not None else "-",
                        "%.0f B" % (0.9 * kb) if kb else "-"))
            kl = mem.get("knot", {}).get("load")
            ll = m.get("load")
            out.append(("start-up: first answer ≤ Knot's (%s records; the goal: 1M)" % records,
                        lab, ll and ll[0], kl and kl[0], True,
                        "%.2f s" % ll[0] if ll else "-", "%.2f s" % kl[0] if kl else "-"))
        e = ed.get(srv)
        if e and e["n"]:
            for k in ("p50", "p99"):
                v = e[k]
                out.append(("edit → answer: %s ≤ 1 s (%d edits)" % (k, e["n"]), lab, v, 1.0, True,
                            fmt_edit(v, e["bound"]), "1 s"))
    lines = ["| goal | server | ours | target | verdict |", "|---|---|---|---|---|"]
    for g, lab, val, target, lower, vs, ts in out:
        lines.append("| %s | %s | %s | %s | %s |" % (g, lab, vs, ts, verdict(val, target, lower)))
    return "\n".join(lines) if out else ""


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
    total = meta.get("total_rrs") or 0
    mem = memory_figures(rows, total)
    if mem:
        md.append("### memory per record and start-up")
        md.append("")
        md.append("Bytes per record = (VmHWM of the server's process tree at its first answer "
                  "with the zone loaded − VmHWM with an empty store: ours and PowerDNS on the "
                  "same schema without a zone, NSD/Knot/BIND on a bench.test of SOA, NS and "
                  "glue only) ÷ %d records; the first answers of all the starts of hits, mixed "
                  "and flood pooled (median). PostgreSQL's own memory is not in it (see the "
                  "tables above). PowerDNS does not keep the zone in memory." % total)
        md.append("")
        md.append(memory_table(mem, total))
        md.append("")
    ed = edit_figures(rows)
    if ed:
        e0 = next(iter(ed.values()))
        md.append("### edit: raw SQL edit → answer")
        md.append("")
        md.append("Each edit is one `UPDATE records SET content = ... WHERE id = ...` of an A "
                  "record in its own transaction (%s), on the database the server reads. "
                  "Before it the server is asked once and must answer the old value (which "
                  "also puts the name in an answer cache); from the COMMIT's return the name "
                  "is asked every %s ms (the resolution) until an answer shows the new value; bound %.0f s per "
                  "edit (an edit not seen by then counts as > bound in the percentiles); a "
                  "random pause of 0–500 ms between edits. Ours: after waiting until it holds "
                  "the steward lease (column). PowerDNS caches on = its defaults (cache-ttl 20, "
                  "query-cache-ttl 20): an edited name that was just asked waits for its cache "
                  "entry, so it gets fewer edits." % (
                      ", ".join(sorted(set(f["client"] for f in ed.values() if f["client"]))),
                      ("%g" % e0["poll_ms"]) if e0["poll_ms"] else "?", e0["bound"]))
        md.append("")
        md.append(edit_table(ed))
        md.append("")
        errs = ["%s: %s" % (LABEL.get(s, s), f["first_error"]) for s, f in ed.items()
                if f["first_error"]]
        for e in errs:
            md.append("- %s" % e)
        if errs:
            md.append("")
    gl = goals(summary, mem, ed, total)
    if gl:
        md.append("### ours against the goals of shared/BENCHMARKS.md")
        md.append("")
        md.append("Same run, same data; µs/q is ours alone (for PostgreSQL, postgres's CPU "
                  "is beside it in the tables above); a goal not reached is \"missed\".")
        md.append("")
        md.append(gl)
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


def summary_lines(run, data=None):
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
    total = 0
    if data and os.path.exists(os.path.join(data, "meta.json")):
        with open(os.path.join(data, "meta.json")) as f:
            total = json.load(f).get("total_rrs", 0)
    for srv, f in memory_figures(rows, total).items():
        if f.get("per_rec") is not None:
            print("  memory  %-20s %6.0f B/record (%.1f -> %.1f MiB), first answer %.2f s" % (
                srv, f["per_rec"], f["empty"], f["loaded"][0], f["load"][0]))
    for srv, f in edit_figures(rows).items():
        print("  edit    %-20s p50 %s, p99 %s (%d edits, %d not seen within %.0f s)" % (
            srv, fmt_edit(f["p50"], f["bound"]), fmt_edit(f["p99"], f["bound"]), f["n"],
            f["timeouts"] + f["errors"], f["bound"]))
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
        return summary_lines(a.run, a.data)
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
