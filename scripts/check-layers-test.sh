#!/usr/bin/env bash
# Shows that scripts/check-layers.sh fails on each rule it encodes: for each rule, a copy of
# src/ gets one violation and the check must fail naming it; the untouched copy must pass.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
n=0

# case NAME EXPECTED_MESSAGE SCRIPT: SCRIPT runs in a fresh copy (cwd = the copy's root).
case_() {
  local name=$1 expected=$2 script=$3 dir="$work/$1" out
  mkdir -p "$dir"
  cp -a src scripts "$dir/"
  (cd "$dir" && eval "$script")
  n=$((n + 1))
  if out=$("$dir/scripts/check-layers.sh" 2>&1); then
    echo "check-layers-test: $name: PASSED, but the copy breaks the rule"; fail=1
  elif grep -qF -- "$expected" <<< "$out"; then
    echo "check-layers-test: $name: refused ($(grep -F -- "$expected" <<< "$out" | head -1))"
  else
    echo "check-layers-test: $name: failed without naming the rule; got:"; echo "$out" | head -5; fail=1
  fi
}

case_ layer "layers only point down" \
  'printf "\npub fn up() { let _ = crate::commands::messages::info; }\n" >> src/usage/mod.rs'
case_ readers-pricing "readers, pricing and output do not import each other" \
  'printf "\npub fn x() -> usize { crate::pricing::load::MAX_PRICE_FILE_BYTES as usize }\n" >> src/readers/linecap.rs'
case_ circle "circle between files of src/render" \
  'printf "\npub fn back() { let _ = super::grid::Grid::new; }\n" >> src/render/doc.rs'
case_ string-error "Result<_, String>" \
  'printf "\npub fn bad() -> Result<(), String> { Ok(()) }\n" >> src/money.rs'
case_ command-budget "over the budget of 220" \
  'for i in $(seq 1 300); do echo "// filler $i" >> src/commands/errors.rs; done; sed -i "s|^// filler|const _F: () = (); // filler|" src/commands/errors.rs'
case_ file-budget "over the budget of 450" \
  'for i in $(seq 1 700); do echo "const _F$i: u8 = 0;" >> src/money.rs; done'
case_ readers-write "readers read; files are written in output/" \
  'printf "\npub fn w() { let _ = std::fs::File::create(\"x\"); }\n" >> src/readers/linecap.rs'
case_ leftover "dbg!/todo!/unimplemented! left in" \
  'printf "\npub fn t() { todo!() }\n" >> src/money.rs'

# The untouched copy passes.
mkdir -p "$work/clean" && cp -a src scripts "$work/clean/"
n=$((n + 1))
if "$work/clean/scripts/check-layers.sh" > /dev/null; then
  echo "check-layers-test: the untouched tree passes"
else
  echo "check-layers-test: the untouched tree FAILS"; fail=1
fi
echo "check-layers-test: $n cases, $([ $fail = 0 ] && echo all as expected || echo FAILURES)"
exit $fail
