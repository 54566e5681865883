#!/usr/bin/env bash
# Price files at and past the size bound (issue 23): peak memory and time of `tokenledger report`
# with an overlay of 1, 2 and 4 MiB of valid rows (one model each), and one byte past the bound
# (refused before it is read). Memory grows with the rows of a book; the bound keeps it there.
#
#   bench/price-files.sh [BINARY]     (default: the release binary, else the debug one)
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
overlay() { # overlay BYTES FILE: valid rows up to BYTES
  python3 - "$1" "$2" <<'PY'
import sys
limit, path = int(sys.argv[1]), sys.argv[2]
rows, size, i = ["provider,model,effective_from,input_per_mtok,output_per_mtok,source"], 0, 0
size = len(rows[0]) + 1
while True:
    r = f"openai,model-{i},2025-01-01,1,4,contract"
    if size + len(r) + 1 > limit:
        break
    rows.append(r); size += len(r) + 1; i += 1
open(path, "w").write("\n".join(rows) + "\n")
print(i)
PY
}
for mib in 1 2 4; do
  n=$(overlay $((mib << 20)) "$W/o.csv")
  /usr/bin/time -f "%M %e" -o "$W/t" "$BIN" report --logs tests/data/logs/basic.csv \
    --pricing tests/data/pricing/test.csv --pricing-overlay "$W/o.csv" > /dev/null 2>&1 || true
  read -r kb secs < <(tail -1 "$W/t")
  echo "price-files: ${mib} MiB overlay ($n rows): peak $((kb / 1024)) MiB, ${secs} s"
done
overlay $(((4 << 20) + 4096)) "$W/o.csv" > /dev/null
code=0
/usr/bin/time -f "%M %e" -o "$W/t" "$BIN" report --logs tests/data/logs/basic.csv \
  --pricing tests/data/pricing/test.csv --pricing-overlay "$W/o.csv" > /dev/null 2> "$W/err" || code=$?
read -r kb secs < <(tail -1 "$W/t")
echo "price-files: past the bound: exit $code, peak $((kb / 1024)) MiB, ${secs} s: $(grep -o 'larger than[^;]*' "$W/err" | head -1)"
