#!/usr/bin/env bash
# llmspend vs ccusage on the same Claude Code projects/ trees: same tokens
# per day, and the time and peak RSS of each (best of RUNS interleaved
# rounds, /usr/bin/time -v).
#   bash benches/ccusage.sh [FILES] [LINES_PER_FILE]   (default 200 x 1500, ~420 MB)
# Two trees:
# - `claude_code_tree.py FILES LINES`: the first synthetic tree (few large
#   files, 30% content-block copies);
# - `claude_code_heavy.py HEAVY_SESSIONS` (default 1050: 5,363 files, 1.06 GB):
#   a heavy user's tree written from the documented format, thousands of
#   small and mid-size session and subagent files, 74% of bytes on lines
#   without a usage object, progress copies and toolUseResult.usage.
# RUNS (default 3), HEAVY_SESSIONS, ONLY=heavy|simple. Installs ccusage
# (npm, pinned, into bench-data/ccusage) the first time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=$ROOT/bench-data
FILES=${1:-200}
LINES=${2:-1500}
RUNS=${RUNS:-3}
HEAVY_SESSIONS=${HEAVY_SESSIONS:-1050}
CCUSAGE_VERSION=20.0.24
mkdir -p "$DATA"
cargo build --release --bin llmspend 2>&1 | tail -1
if [ ! -x "$DATA/ccusage/node_modules/.bin/ccusage" ]; then
    mkdir -p "$DATA/ccusage"
    (cd "$DATA/ccusage" && npm install --silent "ccusage@$CCUSAGE_VERSION")
fi
CCU=$DATA/ccusage/node_modules/.bin/ccusage
LLM=$ROOT/target/release/llmspend
# ccusage groups days in local time: UTC, as llmspend does.
export TZ=UTC

# Runs a command under /usr/bin/time -v; prints "MILLISECONDS KB".
timed() {
    local log
    log=$(mktemp)
    /usr/bin/time -v "$@" >/dev/null 2>"$log"
    python3 - "$log" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", t)
ms = ((int(m.group(1) or 0) * 60 + int(m.group(2))) * 60 + float(m.group(3))) * 1000
kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
print(int(ms), kb)
PY
    rm -f "$log"
}

bench() {
    local tree=$1 label=$2
    local bytes files
    bytes=$(du -sb "$tree" | cut -f1)
    files=$(find "$tree" -name '*.jsonl' | wc -l)
    local t_ccu=999999999 t_llm=999999999 r_ccu=0 r_llm=0
    for _ in $(seq "$RUNS"); do
        find "$tree" -name '*.jsonl' -exec cat {} + >/dev/null # warm the page cache
        read -r t r < <(timed env CLAUDE_CONFIG_DIR="$tree" "$CCU" daily --json --offline)
        t_ccu=$(( t < t_ccu ? t : t_ccu )); r_ccu=$(( r > r_ccu ? r : r_ccu ))
        read -r t r < <(timed "$LLM" report "$tree" --by day,model --format json)
        t_llm=$(( t < t_llm ? t : t_llm )); r_llm=$(( r > r_llm ? r : r_llm ))
    done
    echo "== $label: $files files, $bytes bytes (best of $RUNS interleaved rounds)"
    echo "ccusage $CCUSAGE_VERSION:  ${t_ccu} ms  $(( bytes / 1000 / t_ccu )) MB/s  peak RSS $(( r_ccu / 1024 )) MB"
    echo "llmspend:         ${t_llm} ms  $(( bytes / 1000 / t_llm )) MB/s  peak RSS $(( r_llm / 1024 )) MB"
    echo "ratio (ccusage / llmspend): $(python3 -c "print(round($t_ccu / $t_llm, 2))")x"
    env CLAUDE_CONFIG_DIR="$tree" "$CCU" daily --json --offline >"$DATA/ccusage.json"
    "$LLM" report "$tree" --by day,model --format json >"$DATA/llmspend-cc.json" 2>/dev/null
    python3 - "$DATA/ccusage.json" "$DATA/llmspend-cc.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
l = json.load(open(sys.argv[2]))
pairs = [("inputTokens", "input_tokens"), ("outputTokens", "output_tokens"),
         ("cacheReadTokens", "cache_read_tokens"), ("cacheCreationTokens", "cache_write_tokens")]
ct, lt = c["totals"], l["totals"]
for a, b in pairs:
    print(f"{b:20} ccusage {ct[a]:>14}  llmspend {lt[b]:>14}  {'same' if ct[a] == lt[b] else 'DIFFERENT'}")
print(f"{'cost':20} ccusage {ct['totalCost']:.6f}  llmspend {lt['cost_usd']}")
# Per day: every token column of every day.
days = {}
for g in l["groups"]:
    d = days.setdefault(g["day"], dict.fromkeys([b for _, b in pairs], 0))
    for _, b in pairs:
        d[b] += g[b]
cd = {d.get("date", d.get("period")): {b: d[a] for a, b in pairs} for d in c["daily"]}
bad = [k for k in sorted(set(cd) | set(days)) if cd.get(k) != days.get(k)]
print(f"per-day tokens: {len(cd)} days, {'all equal' if not bad else 'DIFFERENT on ' + ', '.join(bad)}")
if bad:
    sys.exit(1)
PY
}

if [ "${ONLY:-}" != heavy ]; then
    TREE=$DATA/claude-tree-$FILES-$LINES
    [ -d "$TREE" ] || python3 "$ROOT/benches/claude_code_tree.py" "$TREE" "$FILES" "$LINES" >/dev/null
    bench "$TREE" "claude_code_tree.py $FILES x $LINES"
fi
if [ "${ONLY:-}" != simple ]; then
    HEAVY=$DATA/claude-heavy-$HEAVY_SESSIONS
    [ -d "$HEAVY" ] || python3 "$ROOT/benches/claude_code_heavy.py" "$HEAVY" "$HEAVY_SESSIONS"
    bench "$HEAVY" "claude_code_heavy.py $HEAVY_SESSIONS sessions (heavy user)"
fi
