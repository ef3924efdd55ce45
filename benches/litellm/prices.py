#!/usr/bin/env python3
"""prices.py LLMSPEND DATAFILE OUT.csv [DATE]

For every (provider, model) llmspend finds in DATAFILE, asks `llmspend rates
MODEL --provider P --date DATE` which embedded rate-card rows price it (base
row and long-context rows; tier rows skipped) and writes
  model,input,output,cache_read,cache_write,cache_write_1h,above
(USD per 1M tokens). Models llmspend cannot price get no row.
Checked: the embedded card has no effective-date change inside Nov 2026 for
these models (rates tables of 2026-11-01 and 2026-11-30 are identical).
"""
import csv
import io
import subprocess
import sys

llm, data, out = sys.argv[1], sys.argv[2], sys.argv[3]
date = sys.argv[4] if len(sys.argv) > 4 else "2026-11-15"
rep = subprocess.run([llm, "report", data, "--by", "provider,model", "--format", "csv", "--quiet"],
                     capture_output=True, text=True, check=True).stdout
pairs = sorted({(r["provider"], r["model"]) for r in csv.DictReader(io.StringIO(rep))
                if r["model"] != "(unattributed)"})
rows = []
for provider, model in pairs:
    p = subprocess.run([llm, "rates", model, "--provider", provider, "--date", date],
                       capture_output=True, text=True)
    header = None
    for line in p.stdout.splitlines():
        if "┆" not in line:
            continue
        cells = [c.strip(" │") for c in line.split("┆")]
        if cells[0] == "provider":
            header = cells
            continue
        r = dict(zip(header, cells))
        if r["tier"]:
            continue
        rows.append([model, r["input"], r["output"], r["cache read"], r["cache write"], r["write 1h"], r["above"]])
    if p.returncode != 0 or not any(x[0] == model for x in rows):
        print(f"unpriced by llmspend: {provider} {model}", file=sys.stderr)
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["model", "input", "output", "cache_read", "cache_write", "cache_write_1h", "above"])
    w.writerows(rows)
print(f"{len(rows)} price rows for {len(pairs)} models -> {out}", file=sys.stderr)
