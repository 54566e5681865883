#!/usr/bin/env bash
# Fuzz every target for SECONDS each (default 300) with seed corpora made from tests/data and
# ../shared/samples (copied at run time into fuzz/corpus/, not committed), and print the
# executions and findings per target.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")"
SECS=${1:-300}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(readers parquet_log timestamp price_table aggregates linecap bills)
ROOT=..
SHARED=""
for d in ../../shared/samples /work/shared/samples; do [ -d "$d" ] && SHARED=$d && break; done

seed() {
  local t=$1 dir=corpus/$1
  mkdir -p "$dir"
  case $t in
    readers)
      # First byte: the file name the target gives the bytes (0 csv, 1 jsonl, 2 json, 3 parquet).
      local i=0
      while IFS= read -r f; do
        local pick=0
        case $f in
          *.jsonl) pick=1 ;; *.json) pick=2 ;; *.parquet) pick=3 ;; *.csv) pick=0 ;; *) continue ;;
        esac
        [ "$(stat -c %s "$f")" -lt 200000 ] || continue
        { printf "\\x0$pick"; cat "$f"; } > "$dir/seed-$i"
        i=$((i + 1))
      done < <(find "$ROOT/tests/data" ${SHARED:+"$SHARED"} -type f \( -name '*.csv' -o -name '*.jsonl' -o -name '*.json' -o -name '*.parquet' \) | sort)
      ;;
    parquet_log)
      # Valid canonical Parquet logs in every column type and layout (pyarrow: the venv of
      # scripts/check-sql.sh when there is one), and the damaged logs found before.
      local py=python3
      for v in "${SQL_ENGINES_VENV:-$HOME/.cache/tokenledger/sql-engines}" ; do
        [ -x "$v/bin/python" ] && py="$v/bin/python"
      done
      "$py" seed_parquet.py "$dir" >/dev/null || echo "fuzz: no pyarrow for the parquet_log seeds (pip install pyarrow)"
      cp "$ROOT"/tests/data/fuzz/log-*.parquet "$dir/" 2>/dev/null || true
      find "$ROOT/tests/data" -name '*.parquet' -size -200k -exec cp {} "$dir/" \; 2>/dev/null || true
      ;;
    timestamp)
      for s in 2025-06-01T00:00:00Z 2025-06-01T23:59:60Z "2025-06-01 12:00:00.123456+05:30" 2025-06-01 1700000000 2025-06-01T00:00:00,5-08; do
        printf '%s' "$s" > "$dir/$(echo "$s" | md5sum | cut -c1-8)"
      done
      ;;
    price_table)
      local i=0
      for f in "$ROOT"/pricing/curated/*.csv "$ROOT"/tests/data/pricing*/*.csv; do
        [ -f "$f" ] || continue
        { printf '\x00'; head -c 20000 "$f"; } > "$dir/seed-$i"
        i=$((i + 1))
      done
      ;;
    aggregates)
      find "$ROOT/target" "${CARGO_TARGET_DIR:-$HOME/.cache/tokenledger-target}/sql-check" -maxdepth 1 \
        \( -name '*.duckdb.csv' -o -name '*.spark.parquet' \) 2>/dev/null | head -20 | while read -r f; do
        cp "$f" "$dir/"
      done || true
      # Damaged files found before (near-valid Parquet, a good start for the mutator).
      cp "$ROOT"/tests/data/fuzz/aggregates-*.parquet "$dir/" 2>/dev/null || true
      ;;
    linecap)
      printf '\x05\x03\x07a\nbbbbbbbbbb\nc' > "$dir/seed-0"
      ;;
    bills)
      # First byte 0: format detected, file named x.csv (the target's pick byte).
      local i=0
      while IFS= read -r f; do
        { printf '\x00'; head -c 100000 "$f"; } > "$dir/seed-$i"
        i=$((i + 1))
      done < <(find "$ROOT/tests/data/bills" -type f \( -name '*.csv' -o -name '*.json' -o -name '*.jsonl' \))
      # Parquet bills: the pick byte 21 is auto-detection and the name x.parquet.
      for f in "$ROOT"/tests/data/bills/*.parquet; do
        [ -f "$f" ] || continue
        { printf '\x15'; cat "$f"; } > "$dir/seed-$i"
        i=$((i + 1))
      done
      ;;
  esac
}

for t in "${TARGETS[@]}"; do
  seed "$t"
  log=$(mktemp)
  start=$(date +%s)
  # Fork mode: a crash (a panic outside polars, a memory error, an assertion in a target's
  # model) stops the run; an out-of-memory is counted and the run goes on. Those are allocations
  # over 2 GiB that polars' Parquet decoder makes from a damaged length field (a 3 GB Thrift
  # string, a 2^61-byte validity bitmap): transient in the real binary, or the documented abort
  # (README, Limits); they are kept in fuzz/artifacts/<target>/oom-* for the record.
  if cargo +nightly fuzz run -O "$t" "corpus/$t" -- -fork=1 -ignore_ooms=1 -ignore_timeouts=1 \
      -max_total_time="$SECS" -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=262144 > "$log" 2>&1; then
    status=clean
  else
    status="FOUND (see fuzz/artifacts/$t/)"
  fi
  line=$(grep -E '^#[0-9]+:' "$log" | tail -1)
  execs=$(echo "$line" | grep -oE '^#[0-9]+' | tr -d '#')
  ooms=$(echo "$line" | grep -oE 'oom/timeout/crash: [0-9/]+' | cut -d' ' -f2)
  echo "fuzz: $t: ${execs:-?} executions in $(( $(date +%s) - start )) s, corpus $(ls "corpus/$t" | wc -l) inputs, oom/timeout/crash ${ooms:-?}: $status"
  tail -3 "$log" | sed 's/^/  /'
done
