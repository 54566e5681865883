#!/usr/bin/env bash
# Exports FOCUS 1.2 and 1.3 from the bundled sample, with a negotiated contract, and from
# Bedrock invocation logs, and validates each with the FinOps Foundation's focus-validator
# (see scripts/focus/README.md). Exit 1 on any failing MUST rule.
#
#   scripts/check-focus.sh [OUT_DIR]     (default: $CARGO_TARGET_DIR/focus-check)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tokenledger-target}"
OUT="${1:-$CARGO_TARGET_DIR/focus-check}"
mkdir -p "$OUT"
cargo build --quiet --bin tokenledger
BIN="$CARGO_TARGET_DIR/debug/tokenledger"
# A contract: gpt-4o at 2 / 8 (list 2.5 / 10) and 10% off every Bedrock model.
cat > "$OUT/contract.csv" <<'CSV'
provider,model,effective_from,input_per_mtok,output_per_mtok,discount_pct,source
openai,gpt-4o-2024-08-06,2025-01-01,2,8,,contract ACME-7
aws-bedrock,*,2025-01-01,,,10,EDP 10% off list
CSV
"$BIN" report --format focus -o "$OUT/sample-1.2.csv" 2>/dev/null
"$BIN" report --format focus --focus-version 1.3 -o "$OUT/sample-1.3.csv" 2>/dev/null
"$BIN" report --format focus --pricing-overlay "$OUT/contract.csv" --billing-account acme-prod \
  --billing-account-name "ACME production" -o "$OUT/contract-1.2.csv" 2>/dev/null
"$BIN" report --format focus --logs tests/data/native/bedrock -o "$OUT/bedrock-1.3.csv" \
  --focus-version 1.3 2>/dev/null
# Allocation: every log column in Tags, one account per provider, and usage without a price
# (rows of cost 0 tagged tokenledger_unpriced).
printf 'timestamp,provider,model,input_tokens,output_tokens,team\n2025-06-10T00:00:00Z,acme,mystery-1,1000,10,search\n' \
  > "$OUT/unpriced.csv"
for v in 1.2 1.3; do
  "$BIN" report --format focus --focus-version $v --logs data --logs "$OUT/unpriced.csv" --tags all \
    --billing-account openai=org-acme,aws-bedrock=111111111111,together=acme-together \
    -o "$OUT/allocation-$v.csv" 2>/dev/null
done
grep -q '"tokenledger_unpriced"' "$OUT/allocation-1.2.csv" || { echo "no unpriced FOCUS row"; exit 1; }
fail=0
for f in sample-1.2 contract-1.2 sample-1.3 bedrock-1.3 allocation-1.2 allocation-1.3; do
  scripts/focus/focus-validate.sh "$OUT/$f.csv" "${f##*-}" || fail=1
done
exit $fail
