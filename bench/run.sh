#!/usr/bin/env bash
# Measures `tokenledger report` on generated canonical logs: wall time, rows/s and peak memory.
#
#   bench/run.sh [ROWS...]        default: 1000000 10000000
#
# Files are generated once into bench/out/ (deterministic, see examples/generate.rs). Each size
# is run RUNS times (default 3); the median wall time and the largest peak RSS are printed.
# Needs GNU time (/usr/bin/time; Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tokenledger-target}"
RUNS="${RUNS:-3}"
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1000000 10000000)
cargo build --release --quiet --bin tokenledger --example generate
BIN="$CARGO_TARGET_DIR/release/tokenledger"
GEN="$CARGO_TARGET_DIR/release/examples/generate"
mkdir -p bench/out
printf '%-10s %-8s %10s %12s %12s %10s\n' rows ids median_s rows_per_s peak_MiB MB_file
for n in "${SIZES[@]}"; do
  for ids in yes no; do
    f="bench/out/requests-$n-ids-$ids.csv"
    if [ ! -s "$f" ]; then
      if [ "$ids" = yes ]; then "$GEN" bench --rows "$n" --output "$f"; else "$GEN" bench --rows "$n" --output "$f" --no-request-id; fi
    fi
    times=(); peak=0
    for _ in $(seq "$RUNS"); do
      /usr/bin/time -f "%e %M" -o bench/out/time.txt "$BIN" report --logs "$f" --pricing pricing --format csv --output bench/out/report.csv 2> bench/out/stderr.txt
      read -r secs kb < bench/out/time.txt
      times+=("$secs"); [ "$kb" -gt "$peak" ] && peak=$kb
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    size=$(du -m "$f" | cut -f1)
    printf '%-10s %-8s %10s %12.0f %12.0f %10s\n' "$n" "$ids" "$median" "$(echo "$n / $median" | bc -l)" "$(echo "$peak / 1024" | bc -l)" "$size"
  done
done
