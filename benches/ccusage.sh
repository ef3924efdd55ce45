#!/usr/bin/env bash
# llmspend vs ccusage on the same synthetic Claude Code projects/ tree:
# same token totals and cost, and the time of each (best of 3).
#   bash benches/ccusage.sh [FILES] [LINES_PER_FILE]     (default 200 x 1500, ~420 MB)
# Installs ccusage (npm, into bench-data/ccusage) the first time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=$ROOT/bench-data
FILES=${1:-200}
LINES=${2:-1500}
TREE=$DATA/claude-tree-$FILES-$LINES
mkdir -p "$DATA"
cargo build --release --bin llmspend 2>&1 | tail -1
[ -d "$TREE" ] || python3 "$ROOT/benches/claude_code_tree.py" "$TREE" "$FILES" "$LINES" >/dev/null
if [ ! -x "$DATA/ccusage/node_modules/.bin/ccusage" ]; then
    mkdir -p "$DATA/ccusage"
    (cd "$DATA/ccusage" && npm install --silent ccusage@20.0.24)
fi
CCU=$DATA/ccusage/node_modules/.bin/ccusage
LLM=$ROOT/target/release/llmspend
best() {
    local best=999999999999999
    for _ in 1 2 3; do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        best=$(( (end - start) < best ? (end - start) : best ))
    done
    echo $(( best / 1000000 ))
}
BYTES=$(du -sb "$TREE" | cut -f1)
T_CCU=$(best env CLAUDE_CONFIG_DIR="$TREE" "$CCU" daily --json --offline)
T_LLM=$(best "$LLM" report "$TREE" --by day,model --format json)
echo "tree: $BYTES bytes"
echo "ccusage:  ${T_CCU} ms  $(( BYTES / 1000 / T_CCU )) MB/s"
echo "llmspend: ${T_LLM} ms  $(( BYTES / 1000 / T_LLM )) MB/s"
echo "ratio (ccusage / llmspend): $(python3 -c "print(round($T_CCU / $T_LLM, 2))")x"
env CLAUDE_CONFIG_DIR="$TREE" "$CCU" daily --json --offline >"$DATA/ccusage.json"
"$LLM" report "$TREE" --by day,model --format json >"$DATA/llmspend-cc.json" 2>/dev/null
python3 - "$DATA/ccusage.json" "$DATA/llmspend-cc.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["totals"]
l = json.load(open(sys.argv[2]))["totals"]
pairs = [("inputTokens", "input_tokens"), ("outputTokens", "output_tokens"),
         ("cacheReadTokens", "cache_read_tokens"), ("cacheCreationTokens", "cache_write_tokens")]
for a, b in pairs:
    print(f"{b:20} ccusage {c[a]:>14}  llmspend {l[b]:>14}  {'same' if c[a] == l[b] else 'DIFFERENT'}")
print(f"{'cost':20} ccusage {c['totalCost']:.6f}  llmspend {l['cost_usd']}")
PY
