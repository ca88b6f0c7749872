# regress/cases/p3_metrics/prom.py - histogram checks on a /metrics scrape:
#   prom.py hist FILE NAME LABELS LE,LE,... DESC
# LABELS is the label set without le (as printed, e.g. 'proto="udp",...').
# Checks: the bucket bounds are exactly LE... and +Inf, in that order;
# counts are cumulative (non-decreasing); +Inf equals NAME_count.
import sys

import rlib


def main():
    _, cmd, path, name, labels, les, desc = sys.argv
    assert cmd == "hist"
    want_le = les.split(",") + ["+Inf"]
    prefix = "%s_bucket{%s,le=\"" % (name, labels)
    got = []
    count = None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith(prefix):
            key, _, val = line.rpartition(" ")
            le = key[len(prefix):-2]
            got.append((le, float(val)))
        elif line.startswith("%s_count{%s} " % (name, labels)):
            count = float(line.rpartition(" ")[2])

    def num(s):
        return float("inf") if s == "+Inf" else float(s)

    rlib.check([num(le) for le, _ in got] == [num(le) for le in want_le],
               desc + ": bucket bounds",
               "want: %s" % want_le, "got:  %s" % [le for le, _ in got])
    vals = [v for _, v in got]
    rlib.check(all(a <= b for a, b in zip(vals, vals[1:])) and len(vals) > 0,
               desc + ": buckets cumulative", "got: %s" % vals)
    rlib.check(count is not None and len(vals) > 0 and vals[-1] == count,
               desc + ": +Inf bucket == _count",
               "+Inf %s, _count %s" % (vals[-1] if vals else None, count))
    rlib.done()


main()
