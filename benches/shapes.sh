#!/usr/bin/env bash
# benches/shapes.sh — llmspend against DuckDB on gateway logs of shapes
# llmspend's own generator does not write (benches/gateway_shapes.py):
#
#   uniform      one gateway, one template, SIZE bytes (default 1G):
#                `report --by team,model` against read_ndjson + join to
#                prices + GROUP BY team, model;
#   users-N      N requests from N distinct end users (default 100k, 1M;
#                add 10M with USERS="100000 1000000 10000000"):
#                `report --by user --format csv -o` against GROUP BY "user"
#                with the N-row result written as CSV.
#
#   bash benches/shapes.sh                 # 1G uniform, 100k and 1M users
#   SIZE=256M USERS=100000 RUNS=5 bash benches/shapes.sh
#
# Timing rules are those of benches/README.md: warm cache, best of RUNS
# interleaved rounds, wall time and peak RSS from /usr/bin/time -v, DuckDB's
# time including Python's start and `import duckdb`. Both engines' totals
# are compared (requests, tokens, cost to the micro-dollar) and a mismatch
# fails the script. Bytes per group = peak RSS / groups.
set -euo pipefail

SIZE=${SIZE:-1G}
USERS=${USERS:-"100000 1000000"}
RUNS=${RUNS:-3}
THREADS=${THREADS:-$(nproc)}
cd "$(dirname "$0")/.."
ROOT=$PWD
DATA=$ROOT/bench-data
mkdir -p "$DATA"
BIN=$ROOT/target/release/llmspend
PY=$ROOT/.bench-venv/bin/python
GEN="python3 $ROOT/benches/gateway_shapes.py"

if [ ! -x /usr/bin/time ]; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
echo "== build"
cargo build --release --bin llmspend 2>&1 | tail -1
if [ ! -x "$PY" ] || ! "$PY" -c 'import duckdb' 2>/dev/null; then
    python3 -m venv "$ROOT/.bench-venv"
    "$PY" -m pip install -q duckdb
fi
"$PY" -c 'import duckdb; print("duckdb", duckdb.__version__)'

echo "== data"
UNIFORM=$DATA/shape-uniform-$SIZE.jsonl
[ -s "$UNIFORM" ] || $GEN --shape uniform --bytes "$SIZE" --seed 11 >"$UNIFORM"
for n in $USERS; do
    f=$DATA/shape-users-$n.jsonl
    [ -s "$f" ] || $GEN --shape users --lines "$n" --seed 12 >"$f"
done
# Files younger than 10 s are streamed rather than mapped (src/input/mmap.rs).
sleep 10
ls -l "$DATA"/shape-*.jsonl

echo "== prices"
# The embedded rate-card rows llmspend prices each model with, base and
# long-context, as `llmspend rates` prints them.
PRICES=$DATA/shape-prices.csv
echo "model,input,output,above" >"$PRICES"
"$BIN" report "$UNIFORM" --by provider,model --format csv --quiet | tail -n +2 | cut -d, -f1,2 |
    while IFS=, read -r provider model; do
        "$BIN" rates "$model" --provider "$provider" --date 2026-10-15 |
            awk -F'┆' -v m="$model" '/┆/ && !/provider/ {
                for (i = 1; i <= NF; i++) gsub(/[│ ]/, "", $i)
                printf "%s,%s,%s,%s\n", m, $5, $6, $11 }'
    done >>"$PRICES"

cat >"$DATA/shape-duck.py" <<'PY'
import sys, duckdb
kind, path, prices, threads, out = sys.argv[1:6]
con = duckdb.connect()
con.execute(f"SET threads={int(threads)}")
con.execute(f"""CREATE TEMP TABLE prices AS SELECT * FROM read_csv('{prices}', header=true,
  columns={{'model':'VARCHAR','input':'DECIMAL(18,6)','output':'DECIMAL(18,6)','above':'BIGINT'}})""")
# Flat OpenAI-style counts without a cache split: input = prompt_tokens.
# Exact decimals throughout (a DECIMAL division would give a DOUBLE), one
# half-even rounding at the end, six decimals printed as llmspend does.
# Rows are ordered as llmspend orders them: exact cost descending, then name.
exact = """sum(prompt_tokens * (coalesce(lc.input, b.input) * 0.000001)
             + completion_tokens * (coalesce(lc.output, b.output) * 0.000001))"""
cost = f"CAST(round_even({exact}, 6) AS DECIMAL(38,6))"
join = """LEFT JOIN prices b ON b.model = l.model AND b.above IS NULL
  LEFT JOIN prices lc ON lc.model = l.model AND lc.above IS NOT NULL AND l.prompt_tokens > lc.above"""
if kind == "uniform":
    con.execute(f"""
      COPY (SELECT l.metadata.team AS team, l.model, count(*) AS requests,
                   sum(prompt_tokens) AS input_tokens, sum(completion_tokens) AS output_tokens,
                   {cost} AS cost_usd
            FROM read_ndjson('{path}') l {join}
            GROUP BY ALL ORDER BY {exact} DESC, 1, 2) TO '{out}' (HEADER, DELIMITER ',')""")
else:
    con.execute(f"""
      COPY (SELECT l."user", count(*) AS requests, sum(prompt_tokens) AS input_tokens,
                   sum(completion_tokens) AS output_tokens,
                   {cost} AS cost_usd
            FROM read_ndjson('{path}') l {join}
            GROUP BY ALL ORDER BY {exact} DESC, 1) TO '{out}' (HEADER, DELIMITER ',')""")
PY

declare -A WALL RSS
once() {
    local name="$1"; shift
    /usr/bin/time -v -o "$DATA/shape-time.txt" "$@" >"$DATA/shape-out-$name.txt" 2>"$DATA/shape-err-$name.txt"
    local w m
    w=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$DATA/shape-time.txt")
    m=$(awk -F': ' '/Maximum resident/ {print $2}' "$DATA/shape-time.txt")
    if [ -z "${WALL[$name]:-}" ] || awk -v a="$w" -v b="${WALL[$name]}" 'BEGIN {exit !(a < b)}'; then
        WALL[$name]=$w
        RSS[$name]=$m
    fi
}
line() {
    local name="$1" file="$2" groups="${3:-}"
    local mb per=""
    mb=$(awk -v s="$(stat -c %s "$file")" -v w="${WALL[$name]}" 'BEGIN {printf "%.0f", s / 1e6 / w}')
    [ -n "$groups" ] && per=$(awk -v k="${RSS[$name]}" -v g="$groups" 'BEGIN {printf "%8.0f B/group", k * 1024 / g}')
    printf "%-28s %7.2f s %6s MB/s %8.1f MB peak RSS %s\n" "$name" "${WALL[$name]}" "$mb" \
        "$(awk -v k="${RSS[$name]}" 'BEGIN {print k / 1024}')" "$per"
}
ratio() {
    awk -v a="${WALL[$1]}" -v b="${WALL[$2]}" 'BEGIN {printf "%.2f", a / b}'
}

echo "== timings (best of $RUNS rounds, $THREADS threads, warm cache)"
for round in $(seq "$RUNS"); do
    cat "$UNIFORM" >/dev/null
    once wc-uniform wc -l "$UNIFORM"
    once llmspend-uniform "$BIN" report "$UNIFORM" --by team,model --format csv --threads "$THREADS" --quiet
    once duckdb-uniform "$PY" "$DATA/shape-duck.py" uniform "$UNIFORM" "$PRICES" "$THREADS" "$DATA/shape-duck-uniform.csv"
    for n in $USERS; do
        f=$DATA/shape-users-$n.jsonl
        cat "$f" >/dev/null
        once "llmspend-users-$n" "$BIN" report "$f" --by user --format csv --threads "$THREADS" --quiet -o "$DATA/shape-llmspend-users-$n.csv"
        once "duckdb-users-$n" "$PY" "$DATA/shape-duck.py" users "$f" "$PRICES" "$THREADS" "$DATA/shape-duck-users-$n.csv"
    done
done

echo "== same numbers"
# The same rows in the same order: team, model, requests, input, output, cost.
if ! diff -q <(tail -n +2 "$DATA/shape-out-llmspend-uniform.txt" | cut -d, -f1-5,8) \
    <(tail -n +2 "$DATA/shape-duck-uniform.csv") >/dev/null; then
    echo "uniform: llmspend and DuckDB differ" >&2
    exit 1
fi
echo "uniform: $(($(wc -l <"$DATA/shape-duck-uniform.csv") - 1)) rows identical (team, model, requests, input, output, cost_usd)"
for n in $USERS; do
    # The same rows in the same order: user, requests, input, output, cost.
    if ! diff -q <(tail -n +2 "$DATA/shape-llmspend-users-$n.csv" | cut -d, -f1-4,7) \
        <(tail -n +2 "$DATA/shape-duck-users-$n.csv") >/dev/null; then
        echo "users-$n: llmspend and DuckDB differ" >&2
        exit 1
    fi
    echo "users-$n: $n rows identical (user, requests, input, output, cost_usd)"
done

echo "== results"
line wc-uniform "$UNIFORM"
line llmspend-uniform "$UNIFORM"
line duckdb-uniform "$UNIFORM"
echo "uniform: DuckDB / llmspend = $(ratio duckdb-uniform llmspend-uniform)x"
for n in $USERS; do
    f=$DATA/shape-users-$n.jsonl
    line "llmspend-users-$n" "$f" "$n"
    line "duckdb-users-$n" "$f" "$n"
    echo "users-$n: DuckDB / llmspend = $(ratio "duckdb-users-$n" "llmspend-users-$n")x"
done
