#!/usr/bin/env bash
# Hostile inputs (issue 15): peak memory and time of `tokenledger report` on each, with the
# exit code and the accounting line. Memory must stay under 512 MiB whatever the input.
#
#   bench/bombs.sh [BINARY]     (default: the release binary, else the debug one)
# Inputs are made in a temporary folder (about 300 MB of disk while it runs):
#   zeros.csv.gz      1 GiB of NUL bytes without a newline, gzip (about 1 MB)
#   longline.jsonl.gz a valid row, one 1 GB JSON line, a valid row (gzip, about 1 MB)
#   loop/             one valid file, and links current -> . and latest -> .
#   devzero.csv       a symlink to /dev/zero named on the command line
#   big-groups.csv    1,000,000 rows of distinct users, --by user (memory per group), as json
#                     and as csv
#   wrap.csv.gz       18,500,000 rows of 10^12 input tokens (2.5 MB): 1.85e19 tokens, past u64;
#                     must be an error, never a wrapped total (about 4 minutes in a debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
T="${CARGO_TARGET_DIR:-$HOME/.cache/tokenledger-target}"
BIN=${1:-}
if [ -z "$BIN" ]; then
  BIN="$T/release/tokenledger"
  [ -x "$BIN" ] || BIN="$T/debug/tokenledger"
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
HEADER="timestamp,provider,model,input_tokens,output_tokens,user"
ROW="2025-06-20T00:00:00Z,openai,o3,1000000,100000,alice"
JROW='{"timestamp":"2025-06-20T00:00:00Z","provider":"openai","model":"o3","input_tokens":1000000,"output_tokens":100000}'

{ echo "$HEADER"; echo "$ROW"; head -c 1G /dev/zero; echo; echo "$ROW"; } | gzip -1 > "$W/zeros.csv.gz"
{ echo "$JROW"; printf '{"x":"'; head -c 1000000000 /dev/zero | tr '\0' 'a'; echo '"}'; echo "$JROW"; } | gzip -1 > "$W/longline.jsonl.gz"
mkdir "$W/loop"
{ echo "$HEADER"; echo "$ROW"; } > "$W/loop/a.csv"
ln -s . "$W/loop/current"
ln -s . "$W/loop/latest"
ln -s /dev/zero "$W/devzero.csv"
{ echo "$HEADER"; awk 'BEGIN { for (i = 0; i < 18500000; i++) print "2025-06-20T00:00:00Z,openai,o3,1000000000000,0,u" }'; } | gzip -1 > "$W/wrap.csv.gz"
python3 - "$W/big-groups.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("timestamp,provider,model,input_tokens,output_tokens,user\n")
    for i in range(1_000_000):
        f.write(f"2025-06-20T00:00:00Z,openai,o3,1000,100,user-{i}\n")
PY

run() {
  local name=$1 format=json
  shift
  if [ "$1" = --format ]; then format=$2; shift 2; fi
  local out="$W/$name.out" err="$W/$name.err" tm="$W/$name.time"
  set +e
  /usr/bin/time -f '%e %M' -o "$tm" "$BIN" report --format "$format" "$@" > "$out" 2> "$err"
  local code=$?
  set -e
  # /usr/bin/time writes "Command exited with non-zero status N" first when the exit is not 0.
  read -r secs kib < <(tail -1 "$tm")
  local acc
  acc=$(python3 -c 'import json,sys
try:
    d = json.load(open(sys.argv[1])); a = d["accounting"]
    print("cost", d["total"]["cost_usd"], "read", a["rows_read"], "rejected", a["rejected"])
except Exception:
    print("-")' "$out")
  printf '%-18s exit %-3s %7.2f s %7.1f MiB  %s | %s\n' "$name" "$code" "$secs" "$(echo "$kib / 1024" | bc -l)" "$acc" \
    "$(grep -m1 -E 'error|warning' "$err" | cut -c1-110)"
}

echo "binary: $BIN"
run zeros.csv.gz --logs "$W/zeros.csv.gz"
run longline.jsonl.gz --logs "$W/longline.jsonl.gz"
run link-loop --logs "$W/loop"
run devzero.csv --logs "$W/devzero.csv"
run big-groups --logs "$W/big-groups.csv" --by user
run big-groups-csv --format csv --logs "$W/big-groups.csv" --by user
run wrap.csv.gz --logs "$W/wrap.csv.gz"
