#!/usr/bin/env bash
# benches/paired.sh FILE RUNS BIN_A BIN_B [report args...]
#
# Compares two llmspend binaries on one file by running them at the same
# time, one thread each, RUNS times: on a shared machine whose speed moves
# by 20-40% within minutes, runs one after the other mostly measure the
# machine, while two runs side by side meet the same spell. Prints each
# pair's user seconds and the mean ratio B/A (below 1: B is faster). Swap A
# and B for a second pass; a change worth keeping wins in both orders.
#
#   git stash; cargo build --release; cp target/release/llmspend /tmp/a
#   git stash pop; cargo build --release; cp target/release/llmspend /tmp/b
#   bash benches/paired.sh big.jsonl 8 /tmp/a /tmp/b --by team,model
set -euo pipefail

if [ $# -lt 4 ]; then
    sed -n '2,14p' "$0" >&2
    exit 2
fi
FILE=$1 RUNS=$2 A=$3 B=$4
shift 4
if [ ! -x /usr/bin/time ]; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cat "$FILE" >/dev/null
for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%U" -o "$OUT/a" "$A" report "$FILE" --format csv -o /dev/null --quiet --threads 1 "$@" >/dev/null 2>&1 &
    /usr/bin/time -f "%U" -o "$OUT/b" "$B" report "$FILE" --format csv -o /dev/null --quiet --threads 1 "$@" >/dev/null 2>&1 &
    wait
    echo "$(tail -1 "$OUT/a") $(tail -1 "$OUT/b")"
done | awk '{ a += $1; b += $2; print "A " $1 " s   B " $2 " s" }
    END { printf "mean user time: A %.3f s, B %.3f s, B/A %.3f\n", a / NR, b / NR, b / a }'
