#!/usr/bin/env bash
# Checks the architecture of src/ (see the layer map in src/lib.rs) and prints every violation;
# exits 1 if there is any:
# - a module names only its own layer or a lower one; `readers`, `pricing` and `output` (layer 1)
#   do not name each other;
# - no circle between the files of a folder (scripts/module_circles.py);
# - no `Result<_, String>` outside tests, a budget of lines of code per file (220 in commands/, 450
#   elsewhere), no file writing in readers/ (scripts/house_rules.py);
# - no debugging leftovers (dbg!, todo!, unimplemented!).
# The Python checks need python3 (any 3.x, standard library only).
set -euo pipefail
cd "$(dirname "$0")/.."

layer() {
  case "$1" in
    usage|time|money|providers|text) echo 0 ;;
    readers|pricing|output) echo 1 ;;
    engine) echo 2 ;;
    report|sql) echo 3 ;;
    render|chart) echo 4 ;;
    cli|commands|lib|main) echo 5 ;;
    *) echo "unknown" ;;
  esac
}

fail=0
say() { echo "layers: $*"; fail=1; }

# Every top-level module must have a layer.
for f in src/*.rs src/*/; do
  m=$(basename "$f" .rs)
  [ "$(layer "$m")" = unknown ] && say "src/$m has no layer: add it to scripts/check-layers.sh and the map in src/lib.rs"
done

while IFS= read -r file; do
  rel=${file#src/}
  top=${rel%%/*}
  top=${top%.rs}
  mine=$(layer "$top")
  # Brace groups and super chains would hide the module named: one `crate::module` per path.
  if grep -nE 'crate::\{' "$file" >/dev/null; then
    say "$file: use one crate::<module> path per import, not crate::{...}"
  fi
  if grep -nE 'super::super' "$file" >/dev/null; then
    say "$file: name other modules with crate::, not super::super"
  fi
  while IFS=: read -r line target; do
    theirs=$(layer "$target")
    if [ "$theirs" = unknown ]; then
      say "$file:$line: crate::$target is not a known module"
    elif [ "$theirs" -gt "$mine" ]; then
      say "$file:$line: $top (layer $mine) names crate::$target (layer $theirs): layers only point down"
    elif [ "$top" != "$target" ] && [ "$mine" = 1 ] && [ "$theirs" = 1 ]; then
      say "$file:$line: $top names crate::$target: readers, pricing and output do not import each other"
    fi
  done < <(grep -noE 'crate::[a-z_]+' "$file" | sed -E 's/:crate::/:/')
  if grep -nE '\b(dbg|todo|unimplemented)!' "$file" >/dev/null; then
    say "$file: dbg!/todo!/unimplemented! left in"
  fi
done < <(find src -name '*.rs' | sort)

# Circles inside folders, and the house rules grep cannot check.
python3 scripts/module_circles.py src || fail=1
python3 scripts/house_rules.py src || fail=1

if [ "$fail" = 0 ]; then
  echo "layers: ok ($(find src -name '*.rs' | wc -l) files)"
fi
exit "$fail"
