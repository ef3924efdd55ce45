#!/usr/bin/env bash
# benches/litellm/run.sh [JSONL] [CSV] — llmspend against DuckDB on
# LiteLLM_SpendLogs rows made by gen.py, a generator written apart from
# genlogs (from LiteLLM's schema.prisma and spend_tracking_utils.py), for a
# check on data the project's own generator never shaped.
#
#   bash benches/compare.sh 64M                    # once: builds, installs DuckDB
#   bash benches/litellm/run.sh                    # generates bench-data/litellm-2G.{jsonl,csv} once
#   bash benches/litellm/run.sh small.jsonl small.csv
#   RUNS=5 EXTRA=1 bash benches/litellm/run.sh     # best of 5, plus --no-dedupe pairs
#
# Warm page cache (each file is read with cat before its commands, every
# round); best of RUNS rounds, each round runs every command once (so a slow
# spell of the shared machine hits both engines); wall time and peak RSS from
# /usr/bin/time -v; MB/s = file bytes / 1e6 / seconds; ratio = DuckDB time /
# llmspend time (above 1: llmspend faster). Afterwards the outputs of the last
# round are compared group by group (compare.py): requests, tokens and cost
# must be identical.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=$ROOT/bench-data
JSONL=${1:-$DATA/litellm-2G.jsonl}
CSV=${2:-}
if [ -z "${1:-}" ]; then
    CSV=$DATA/litellm-2G.csv
    mkdir -p "$DATA"
    # About 907,000 rows of 2.37 KB: 2 min of one core each.
    [ -s "$JSONL" ] || python3 "$HERE/gen.py" --bytes 2G --seed 11 -o "$JSONL"
    [ -s "$CSV" ] || python3 "$HERE/gen.py" --rows 907132 --seed 11 --format csv -o "$CSV"
    # Old enough to be mapped, not streamed as a file being written.
    touch -d '1 hour ago' "$JSONL" "$CSV"
fi
RUNS=${RUNS:-3}
THREADS=${THREADS:-$(nproc)}
EXTRA=${EXTRA:-0}
BIN=${LLMSPEND:-$ROOT/target/release/llmspend}
PY=${DUCKPY:-$ROOT/.bench-venv/bin/python}
OUT=${OUT:-$DATA/out-$(basename "$JSONL" .jsonl)}
PRICES=${PRICES:-$OUT/prices.csv}
mkdir -p "$OUT"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
"$PY" -c 'import duckdb' || { echo "no duckdb in $PY" >&2; exit 2; }
echo "== $("$BIN" --version 2>/dev/null || echo llmspend), duckdb $("$PY" -c 'import duckdb; print(duckdb.__version__)'), $THREADS threads, $(nproc) cores"
ls -l "$JSONL" ${CSV:+"$CSV"}
[ -s "$PRICES" ] || python3 "$HERE/prices.py" "$BIN" "$JSONL" "$PRICES"

declare -A WALL RSS FILE
once() { # once NAME FILE OUTFILE cmd...: one timed run; keep the best wall time and its RSS
    local name=$1 file=$2 out=$3; shift 3
    /usr/bin/time -v -o "$OUT/time.txt" "$@" >"$out.stdout" 2>"$out.stderr" || {
        echo "FAILED: $name (see $out.stderr)" >&2; cat "$OUT/time.txt" >&2; exit 1; }
    local w m
    w=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$OUT/time.txt")
    m=$(awk -F': ' '/Maximum resident/ {print $2}' "$OUT/time.txt")
    FILE[$name]=$file
    if [ -z "${WALL[$name]:-}" ] || awk -v a="$w" -v b="${WALL[$name]}" 'BEGIN {exit !(a < b)}'; then
        WALL[$name]=$w; RSS[$name]=$m
    fi
}
NAMES=()
add() { local n; for n in "$@"; do [[ " ${NAMES[*]} " == *" $n "* ]] || NAMES+=("$n"); done; }

for round in $(seq "$RUNS"); do
    echo "round $round of $RUNS" >&2
    cat "$JSONL" >/dev/null
    once "wc -l (jsonl)" "$JSONL" "$OUT/wc" wc -l "$JSONL"
    once "llmspend team,model" "$JSONL" "$OUT/llm" \
        "$BIN" report "$JSONL" --by team,model --format csv --threads "$THREADS" -o "$OUT/llm.csv"
    once "duckdb team,model" "$JSONL" "$OUT/duck" \
        "$PY" "$HERE/duck.py" "$JSONL" "$PRICES" --threads "$THREADS" -o "$OUT/duck.csv"
    once "llmspend wide" "$JSONL" "$OUT/llm-wide" \
        "$BIN" report "$JSONL" --by team,cost_center,service,model,day --format csv --threads "$THREADS" -o "$OUT/llm-wide.csv"
    once "duckdb wide" "$JSONL" "$OUT/duck-wide" \
        "$PY" "$HERE/duck.py" "$JSONL" "$PRICES" --by wide --threads "$THREADS" -o "$OUT/duck-wide.csv"
    add "wc -l (jsonl)" "llmspend team,model" "duckdb team,model" "llmspend wide" "duckdb wide"
    if [ "$EXTRA" = 1 ]; then
        once "llmspend team,model --no-dedupe" "$JSONL" "$OUT/llm-nd" \
            "$BIN" report "$JSONL" --by team,model --format csv --no-dedupe --threads "$THREADS" -o "$OUT/llm-nd.csv"
        once "duckdb team,model --no-dedupe" "$JSONL" "$OUT/duck-nd" \
            "$PY" "$HERE/duck.py" "$JSONL" "$PRICES" --no-dedupe --threads "$THREADS" -o "$OUT/duck-nd.csv"
        add "llmspend team,model --no-dedupe" "duckdb team,model --no-dedupe"
    fi
    if [ -n "$CSV" ]; then
        cat "$CSV" >/dev/null
        once "wc -l (csv)" "$CSV" "$OUT/wc-csv" wc -l "$CSV"
        once "llmspend csv team,model" "$CSV" "$OUT/llm-csv" \
            "$BIN" report "$CSV" --by team,model --format csv --threads "$THREADS" -o "$OUT/llm-csv.csv"
        once "duckdb csv team,model" "$CSV" "$OUT/duck-csv" \
            "$PY" "$HERE/duck.py" "$CSV" "$PRICES" --threads "$THREADS" -o "$OUT/duck-csv.csv"
        add "wc -l (csv)" "llmspend csv team,model" "duckdb csv team,model"
    fi
done

echo "== timings: best of $RUNS rounds, warm cache"
printf "%-36s %8s %9s %10s\n" command seconds MB/s "peak RSS"
for n in "${NAMES[@]}"; do
    awk -v n="$n" -v w="${WALL[$n]}" -v s="$(stat -L -c %s "${FILE[$n]}")" -v k="${RSS[$n]}" \
        'BEGIN {printf "%-36s %8.2f %9.0f %7.1f MB\n", n, w, s / 1e6 / w, k / 1024}'
done
ratio() { awk -v d="${WALL[$2]}" -v l="${WALL[$1]}" 'BEGIN {printf "%.2fx", d / l}'; }
echo "== ratio DuckDB / llmspend (above 1: llmspend faster; the issue asks for 2x)"
echo "JSONL team,model:  $(ratio "llmspend team,model" "duckdb team,model")"
echo "JSONL wide:        $(ratio "llmspend wide" "duckdb wide")"
[ "$EXTRA" = 1 ] && echo "JSONL --no-dedupe: $(ratio "llmspend team,model --no-dedupe" "duckdb team,model --no-dedupe")"
[ -n "$CSV" ] && echo "CSV team,model:    $(ratio "llmspend csv team,model" "duckdb csv team,model")"

echo "== llmspend accounting (last round)"
grep -E '^lines:|^unpriced|^  (team|cost_center) ' "$OUT/llm.stderr" || true
echo "== agreement, group by group (last round)"
status=0
check() { echo "-- $1"; python3 "$HERE/compare.py" "$2" "$3" "$4" | tail -8 || status=1; }
check "JSONL team,model" "$OUT/llm.csv" "$OUT/duck.csv" 2
check "JSONL wide" "$OUT/llm-wide.csv" "$OUT/duck-wide.csv" 5
[ "$EXTRA" = 1 ] && check "JSONL --no-dedupe" "$OUT/llm-nd.csv" "$OUT/duck-nd.csv" 2
[ -n "$CSV" ] && check "CSV team,model" "$OUT/llm-csv.csv" "$OUT/duck-csv.csv" 2
grep -h '^duckdb' "$OUT"/duck*.stderr | sed 's/^/   /'
exit $status
