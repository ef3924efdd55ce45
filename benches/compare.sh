#!/usr/bin/env bash
# benches/compare.sh SIZE — llmspend against DuckDB on the same generated logs.
#
#   bash benches/compare.sh 2G        # or 512M, 64M ...
#   RUNS=5 bash benches/compare.sh 2G # best of 5 rounds instead of 3
#
# What it does, from the repository root:
#   1. builds release (binary and the genlogs example);
#   2. generates bench-data/cmp-SIZE.jsonl and .csv with genlogs (seed 7);
#   3. installs DuckDB from PyPI into .bench-venv (once);
#   4. writes bench-data/prices.csv: for every (provider, model) the data
#      logs, the embedded rate-card row llmspend prices it with (asked with
#      `llmspend rates`), base and long-context rows;
#   5. times, with a warm page cache, best of RUNS rounds (each round runs
#      every command once, so both engines share the machine's slow spells):
#      `wc -l` (the floor),
#      `llmspend report --by team,model` (table and --format csv), DuckDB
#      read_ndjson + join to prices + GROUP BY team,model + rows without
#      cost_center, the wide `--by team,cost_center,service,model,day`
#      against the same GROUP BY in DuckDB, and CSV input against read_csv;
#   6. prints MB/s, ratios against DuckDB, peak RSS (/usr/bin/time -v), and
#      how close DuckDB's totals are to llmspend's.
#
# The DuckDB SQL reads attribution wherever genlogs puts it (top level,
# metadata, tags, labels, VoidLLM-style aliases) with COALESCE, and tokens in
# all three usage shapes with llmspend's semantics (OpenAI prompt_tokens
# include cached tokens; Anthropic and flat counts are disjoint), so both
# engines do the same work. DuckDB's time includes starting Python and
# importing duckdb (about 0.1-0.3 s); timings on a shared 2-core machine are
# noisy, so run it more than once.
set -euo pipefail

SIZE=${1:?usage: benches/compare.sh SIZE (e.g. 2G, 512M)}
RUNS=${RUNS:-3}
THREADS=${THREADS:-$(nproc)}
cd "$(dirname "$0")/.."
ROOT=$PWD
DATA=$ROOT/bench-data
mkdir -p "$DATA"
BIN=$ROOT/target/release/llmspend
JSONL=$DATA/cmp-$SIZE.jsonl
CSV=$DATA/cmp-$SIZE.csv
PRICES=$DATA/prices.csv
PY=$ROOT/.bench-venv/bin/python

if [ ! -x /usr/bin/time ]; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

echo "== build"
cargo build --release --bin llmspend --example genlogs 2>&1 | tail -1

echo "== data"
[ -s "$JSONL" ] || "$ROOT/target/release/examples/genlogs" --bytes "$SIZE" --seed 7 >"$JSONL"
[ -s "$CSV" ] || "$ROOT/target/release/examples/genlogs" --bytes "$SIZE" --seed 7 --format csv >"$CSV"
ls -l "$JSONL" "$CSV"

echo "== duckdb"
if [ ! -x "$PY" ] || ! "$PY" -c 'import duckdb' 2>/dev/null; then
    python3 -m venv "$ROOT/.bench-venv"
    "$PY" -m pip install -q duckdb
fi
"$PY" -c 'import duckdb; print("duckdb", duckdb.__version__)'

echo "== prices"
# Every (provider, model) the logs name, as llmspend sees them.
"$BIN" report "$JSONL" --by provider,model --format csv --quiet 2>/dev/null |
    tail -n +2 | cut -d, -f1,2 | sort -u >"$DATA/models.txt"
"$BIN" report "$CSV" --by provider,model --format csv --quiet 2>/dev/null |
    tail -n +2 | cut -d, -f1,2 | sort -u >>"$DATA/models.txt"
sort -u -o "$DATA/models.txt" "$DATA/models.txt"
echo "model,input,output,cache_read,cache_write,cache_write_1h,above" >"$PRICES"
while IFS=, read -r provider model; do
    [ "$model" = "(unattributed)" ] && continue
    # The rows of the tables `llmspend rates` prints: base, then long-context.
    "$BIN" rates "$model" --provider "$provider" --date 2026-10-15 2>/dev/null |
        awk -F'┆' -v m="$model" '
            /┆/ && !/provider/ {
                for (i = 1; i <= NF; i++) { gsub(/[│ ]/, "", $i) }
                printf "%s,%s,%s,%s,%s,%s,%s\n", m, $5, $6, $7, $8, $9, $11
            }' >>"$PRICES" || true
done <"$DATA/models.txt"
echo "$(($(wc -l <"$PRICES") - 1)) price rows for $(wc -l <"$DATA/models.txt") models"

# ---------------------------------------------------------------------------
cat >"$DATA/duck.py" <<'PY'
import sys, duckdb
kind, path, prices, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
con = duckdb.connect()
con.execute(f"SET threads={threads}; SET TimeZone='UTC'")
con.execute(f"CREATE TEMP TABLE prices AS SELECT * FROM read_csv('{prices}', header=true, "
            "columns={'model':'VARCHAR','input':'DECIMAL(18,6)','output':'DECIMAL(18,6)',"
            "'cache_read':'DECIMAL(18,6)','cache_write':'DECIMAL(18,6)',"
            "'cache_write_1h':'DECIMAL(18,6)','above':'BIGINT'})")
attr = "STRUCT(team VARCHAR, cost_center VARCHAR, service VARCHAR)"
if kind == "csv":
    src = f"""
      SELECT timestamp::VARCHAR AS t, model, team, cost_center, service,
             TRY_CAST(input_tokens AS BIGINT) AS i, TRY_CAST(output_tokens AS BIGINT) AS o,
             TRY_CAST(cache_read_tokens AS BIGINT) AS cr,
             TRY_CAST(cache_write_tokens AS BIGINT) AS w5, 0::BIGINT AS w1
      FROM read_csv('{path}', header=true, all_varchar=true)
      WHERE TRY_CAST(input_tokens AS BIGINT) IS NOT NULL"""
else:
    src = f"""
      SELECT COALESCE("timestamp", ts, created_at, startTime) AS t,
             COALESCE(model, model_name) AS model,
             COALESCE(team, team_id, metadata.team, tags.team, labels.team) AS team,
             COALESCE(cost_center, metadata.cost_center, tags.cost_center, labels.cost_center) AS cost_center,
             COALESCE(service, metadata.service, tags.service, labels.service) AS service,
             CASE WHEN usage.prompt_tokens IS NOT NULL
                    THEN usage.prompt_tokens - COALESCE(usage.prompt_tokens_details.cached_tokens, 0)
                  ELSE COALESCE(usage.input_tokens, input_tokens) END AS i,
             COALESCE(usage.completion_tokens, usage.output_tokens, output_tokens) AS o,
             COALESCE(usage.prompt_tokens_details.cached_tokens, usage.cache_read_input_tokens,
                      cache_read_tokens, 0) AS cr,
             COALESCE(usage.cache_creation_input_tokens, cache_write_tokens, 0)
               - COALESCE(usage.cache_creation.ephemeral_1h_input_tokens, 0) AS w5,
             COALESCE(usage.cache_creation.ephemeral_1h_input_tokens, 0) AS w1
      FROM read_ndjson('{path}', ignore_errors=true, columns={{
        'timestamp':'VARCHAR','ts':'VARCHAR','created_at':'VARCHAR','startTime':'VARCHAR',
        'model':'VARCHAR','model_name':'VARCHAR','team':'VARCHAR','team_id':'VARCHAR',
        'cost_center':'VARCHAR','service':'VARCHAR',
        'metadata':'{attr}','tags':'{attr}','labels':'{attr}',
        'input_tokens':'BIGINT','output_tokens':'BIGINT','cache_read_tokens':'BIGINT',
        'cache_write_tokens':'BIGINT',
        'usage':'STRUCT(prompt_tokens BIGINT, completion_tokens BIGINT, input_tokens BIGINT,
                 output_tokens BIGINT, cache_read_input_tokens BIGINT,
                 cache_creation_input_tokens BIGINT, prompt_tokens_details STRUCT(cached_tokens BIGINT),
                 cache_creation STRUCT(ephemeral_5m_input_tokens BIGINT, ephemeral_1h_input_tokens BIGINT))'
      }})"""
# Epoch seconds / ms (number or string), RFC 3339 with any offset, or
# naive (UTC); rows without a timestamp or with a negative count are
# malformed in llmspend and dropped here too.
rows = f"""
  WITH r AS ({src}),
  v AS (
    SELECT *, CASE WHEN regexp_full_match(t, '[0-9]+')
                   THEN to_timestamp(CAST(t AS BIGINT) / CASE WHEN CAST(t AS BIGINT) >= 100000000000 THEN 1000 ELSE 1 END)
                   ELSE CAST(t AS TIMESTAMPTZ) END AS at_ts,
              i + cr + w5 + w1 AS total_in
    FROM r WHERE t IS NOT NULL AND COALESCE(o, 0) >= 0 AND COALESCE(i, 0) >= 0),
  priced AS (
    -- The base row, or the long-context row when the request's whole input
    -- exceeds its threshold (one such tier per model in the embedded card).
    SELECT v.*,
           COALESCE(lc.input, b.input) AS p_in, COALESCE(lc.output, b.output) AS p_out,
           COALESCE(lc.cache_read, b.cache_read) AS p_cr,
           COALESCE(lc.cache_write, b.cache_write) AS p_w5,
           COALESCE(lc.cache_write_1h, b.cache_write_1h) AS p_w1
    FROM v
    LEFT JOIN prices b ON b.model = v.model AND b.above IS NULL
    LEFT JOIN prices lc ON lc.model = v.model AND lc.above IS NOT NULL AND v.total_in > lc.above)
  SELECT *, (COALESCE(i,0) * p_in + COALESCE(o,0) * p_out + cr * p_cr
             + w5 * p_w5 + w1 * p_w1) AS micro_cost
  FROM priced"""
wide = kind.endswith("wide")
dims = "team, cost_center, service, model, strftime(at_ts, '%Y-%m-%d') AS day" if wide else "team, model"
group = "1, 2, 3, 4, 5" if wide else "1, 2"
res = con.execute(f"""
  WITH x AS ({rows})
  SELECT {dims}, count(*) AS requests, sum(i), sum(o), sum(cr), sum(w5 + w1),
         round(sum(micro_cost) / 1000000, 6) AS cost_usd,
         count(*) FILTER (WHERE cost_center IS NULL) AS no_cost_center
  FROM x GROUP BY {group} ORDER BY cost_usd DESC NULLS LAST""").fetchall()
d = 5 if wide else 2  # dimension columns, then requests, 4 token sums, cost, no_cost_center
cost = sum(float(r[d + 5] or 0) for r in res)
requests = sum(r[d] for r in res)
no_cc = sum(r[d + 6] for r in res)
print(f"groups={len(res)} requests={requests} cost_usd={cost:.6f} no_cost_center={no_cc}")
PY

declare -A WALL RSS
# One timed run of a command; WALL and RSS keep the best (lowest) wall
# time of its runs and that run's peak RSS.
once() {
    local name="$1"; shift
    local out="$DATA/out-$name.txt"
    /usr/bin/time -v -o "$DATA/time.txt" "$@" >"$out" 2>"$out.err"
    local w m
    w=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$DATA/time.txt")
    m=$(awk -F': ' '/Maximum resident/ {print $2}' "$DATA/time.txt")
    if [ -z "${WALL[$name]:-}" ] || awk -v a="$w" -v b="${WALL[$name]}" 'BEGIN {exit !(a < b)}'; then
        WALL[$name]=$w
        RSS[$name]=$m
    fi
}

line() {
    local name="$1" file="$2"
    local mb
    mb=$(awk -v s="$(stat -c %s "$file")" -v w="${WALL[$name]}" 'BEGIN {printf "%.0f", s / 1e6 / w}')
    printf "%-34s %7.2f s %7s MB/s %8.1f MB peak RSS\n" "$name" "${WALL[$name]}" "$mb" "$(awk -v k="${RSS[$name]}" 'BEGIN {print k / 1024}')"
}

# Round-robin: every round runs every command once, so a slow spell of the
# machine (they last minutes here) falls on both engines alike instead of
# on whichever ran during it. Each file is read once before its commands of
# a round, so its pages are in the page cache.
echo "== timings (best of $RUNS rounds, $THREADS threads, warm cache; JSONL $(stat -c %s "$JSONL") bytes, CSV $(stat -c %s "$CSV") bytes)"
for round in $(seq "$RUNS"); do
    echo "round $round of $RUNS" >&2
    cat "$JSONL" >/dev/null
    once "wc -l (jsonl)" wc -l "$JSONL"
    once "llmspend team,model" "$BIN" report "$JSONL" --by team,model --threads "$THREADS"
    once "llmspend team,model --format csv" "$BIN" report "$JSONL" --by team,model --format csv --threads "$THREADS"
    once "duckdb team,model" "$PY" "$DATA/duck.py" json "$JSONL" "$PRICES" "$THREADS"
    once "llmspend wide" "$BIN" report "$JSONL" --by team,cost_center,service,model,day --format csv --threads "$THREADS"
    once "duckdb wide" "$PY" "$DATA/duck.py" json-wide "$JSONL" "$PRICES" "$THREADS"
    cat "$CSV" >/dev/null
    once "wc -l (csv)" wc -l "$CSV"
    once "llmspend csv team,model" "$BIN" report "$CSV" --by team,model --format csv --threads "$THREADS"
    once "duckdb csv team,model" "$PY" "$DATA/duck.py" csv "$CSV" "$PRICES" "$THREADS"
done
for name in "wc -l (jsonl)" "llmspend team,model" "llmspend team,model --format csv" \
    "duckdb team,model" "llmspend wide" "duckdb wide"; do
    line "$name" "$JSONL"
done
for name in "wc -l (csv)" "llmspend csv team,model" "duckdb csv team,model"; do
    line "$name" "$CSV"
done

ratio() { awk -v a="${WALL[$2]}" -v b="${WALL[$1]}" 'BEGIN {printf "%.2fx", a / b}'; }
echo "== ratios (DuckDB time / llmspend time; above 1 means llmspend is faster)"
echo "team,model JSONL:  $(ratio "llmspend team,model --format csv" "duckdb team,model")"
echo "wide JSONL:        $(ratio "llmspend wide" "duckdb wide")"
echo "team,model CSV:    $(ratio "llmspend csv team,model" "duckdb csv team,model")"
echo "wc -l vs llmspend: $(ratio "wc -l (jsonl)" "llmspend team,model --format csv") of the floor's speed is lost"

echo "== totals: llmspend vs DuckDB"
totals() { # requests and cost of a llmspend CSV report (group rows summed)
    # By header name: columns are only ever appended (unpriced_requests is last).
    awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i; next} {r += $col["requests"]; c += $col["cost_usd"]} END {printf "requests=%d cost_usd=%.6f", r, c}' "$1"
}
for pair in "llmspend team,model --format csv:duckdb team,model" "llmspend wide:duckdb wide" "llmspend csv team,model:duckdb csv team,model"; do
    l=${pair%%:*} d=${pair##*:}
    echo "$l: groups=$(($(wc -l <"$DATA/out-$l.txt") - 1)) $(totals "$DATA/out-$l.txt") no_cost_center=$(grep -o 'cost_center  *[0-9,]* requests' "$DATA/out-$l.txt.err" | tr -dc '0-9')"
    echo "$d: $(cat "$DATA/out-$d.txt")"
done
echo "DuckDB differs where llmspend is stricter (fractional or exponent counts, bad"
echo "timestamps, cached > prompt are malformed there) and rounds its sum in DOUBLE"
echo "at the end; the group counts and request totals should agree exactly."
