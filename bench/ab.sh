#!/usr/bin/env bash
# A/B timing of two tokenledger binaries on the same log file, in alternating runs (the machine
# is noisy: alternation spreads the noise over both). Prints each binary's median and min wall
# time and peak RSS, and the ratio of medians.
#
#   bench/ab.sh OLD_BINARY NEW_BINARY LOG_FILE [RUNS]      (default 11 runs each)
#
# Needs GNU time (/usr/bin/time). Both binaries run `report --logs FILE --pricing pricing
# --format csv` from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1 NEW=$2 FILE=$3 RUNS=${4:-11}
tmp=$(mktemp -d)
for i in $(seq "$RUNS"); do
  for which in old new; do
    bin=$OLD; [ "$which" = new ] && bin=$NEW
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" report --logs "$FILE" --pricing pricing --format csv --output "$tmp/$which.csv" 2>/dev/null
    cat "$tmp/t" >> "$tmp/$which.times"
  done
done
cmp -s "$tmp/old.csv" "$tmp/new.csv" && same=identical || same=DIFFERENT
stat() { sort -n "$1" | awk '{t[NR]=$1; if ($2>m) m=$2} END {printf "median %.2f s  min %.2f s  peak %d MiB", t[int((NR+1)/2)], t[1], m/1024}'; }
echo "old: $(stat "$tmp/old.times")"
echo "new: $(stat "$tmp/new.times")"
mo=$(sort -n "$tmp/old.times" | awk '{t[NR]=$1} END {print t[int((NR+1)/2)]}')
mn=$(sort -n "$tmp/new.times" | awk '{t[NR]=$1} END {print t[int((NR+1)/2)]}')
echo "new/old median ratio: $(echo "scale=3; $mn / $mo" | bc)  (outputs $same)"
rm -rf "$tmp"
