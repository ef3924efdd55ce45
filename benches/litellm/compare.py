#!/usr/bin/env python3
"""compare.py LLMSPEND.csv DUCK.csv NDIMS — per-group comparison of two reports."""
import csv
import sys
from decimal import Decimal


def load(path, nd):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    hdr = rows[0]
    out = {}
    for r in rows[1:]:
        key = tuple(c[1:] if c.startswith("'") else c for c in r[:nd])  # llmspend formula guard
        out[key] = r[nd:]
    return hdr, out


a_path, b_path, nd = sys.argv[1], sys.argv[2], int(sys.argv[3])
ha, a = load(a_path, nd)
hb, b = load(b_path, nd)
cols = ha[nd:]
only_a = sorted(set(a) - set(b))
only_b = sorted(set(b) - set(a))
diff = 0
tot = {c: [Decimal(0), Decimal(0)] for c in cols}
for k in sorted(set(a) | set(b)):
    ra, rb = a.get(k), b.get(k)
    for i, c in enumerate(cols):
        if ra:
            tot[c][0] += Decimal(ra[i])
        if rb:
            tot[c][1] += Decimal(rb[i])
    if ra and rb and ra != rb:
        diff += 1
        if diff <= 10:
            print("DIFF", k, {c: (x, y) for c, x, y in zip(cols, ra, rb) if x != y})
for k in only_a[:10]:
    print("ONLY llmspend", k, a[k])
for k in only_b[:10]:
    print("ONLY duckdb", k, b[k])
print(f"groups: llmspend={len(a)} duckdb={len(b)} only_llmspend={len(only_a)} only_duckdb={len(only_b)} "
      f"differing={diff}")
for c in cols:
    x, y = tot[c]
    print(f"  total {c:20s} llmspend={x} duckdb={y} {'OK' if x == y else 'DIFF ' + str(x - y)}")
sys.exit(0 if not (only_a or only_b or diff) else 1)
