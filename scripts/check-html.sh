#!/usr/bin/env bash
# Renders HTML reports in headless Chromium at a desktop (1280 px) and a phone (390 px) width,
# saves the screenshots, and checks that the pages make no network requests and keep markup
# from the logs as text.
#
#   scripts/check-html.sh [OUT_DIR]     (default: /tmp/tokenledger-html-check)
#
# Needs Debian's chromium (apt-get install chromium); .ci/run installs it. Pages: the bundled
# sample's June (one month, daily charts), a fully unpriced log, a one-row log, and a month
# reconciled with a bill.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$(mkdir -p "${1:-/tmp/tokenledger-html-check}" && cd "${1:-/tmp/tokenledger-html-check}" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tokenledger-target}"
cargo build --quiet --bin tokenledger
BIN="$CARGO_TARGET_DIR/debug/tokenledger"
"$BIN" report --month 2025-06 --format html --output "$OUT/june.html" --by provider,model \
  --budget 12 --budget provider=openai:4 2>/dev/null
printf 'timestamp,provider,model,input_tokens,output_tokens\n2025-07-10T00:00:00Z,acme,mystery-llm,10,1\n' > "$OUT/unpriced.csv"
"$BIN" report --logs "$OUT/unpriced.csv" --format html --output "$OUT/unpriced.html" 2>/dev/null
printf 'timestamp,provider,model,input_tokens,output_tokens\n2025-07-10T00:00:00Z,openai,gpt-4o-2024-08-06,1000000,100000\n' > "$OUT/one.csv"
"$BIN" report --logs "$OUT/one.csv" --format html --output "$OUT/one.html" 2>/dev/null
# A page reconciled with a bill (its section, chart and tables).
"$BIN" report --logs tests/data/bills/e2e/logs.csv --bill tests/data/bills/e2e/cur-2026-10.csv \
  --month 2026-10 --format html --output "$OUT/reconcile.html" 2>/dev/null
"$BIN" reconcile --logs tests/data/bills/e2e/logs.csv --bill tests/data/bills/e2e/cur-2026-10.csv \
  --month 2026-10 --output "$OUT/reconcile-page.html" 2>/dev/null
# A report whose log values try to inject markup: must render as text.
cat > "$OUT/evil.csv" <<'CSV'
timestamp,provider,model,input_tokens,output_tokens,user,project
2025-06-10T10:00:00Z,openai,o3,1000,100,<script>document.title='pwned'</script>,<img src=x onerror=alert(1)>
CSV
"$BIN" report --logs "$OUT/evil.csv" --format html --output "$OUT/evil.html" --by user,project 2>/dev/null
FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$OUT/profile" --hide-scrollbars)
for page in june unpriced one reconcile reconcile-page; do
  for width in 1280 390; do
    chromium "${FLAGS[@]}" --window-size=$width,3000 --screenshot="$OUT/$page-$width.png" \
      "file://$OUT/$page.html" 2>>"$OUT/chromium.log"
    test -s "$OUT/$page-$width.png" || { echo "no screenshot of $page at $width px"; exit 1; }
  done
done
chromium "${FLAGS[@]}" --dump-dom "file://$OUT/evil.html" > "$OUT/evil-dom.html" 2>>"$OUT/chromium.log"
if grep -q "<script>document.title" "$OUT/evil-dom.html" || grep -q "<img src=\"x\"" "$OUT/evil-dom.html"; then
  echo "markup from the logs was not escaped"; exit 1
fi
# (Long values carry <wbr> break opportunities after their separators.)
# (Not `sed | grep -q`: grep -q quits at its first match, sed then dies of SIGPIPE on a page
# larger than a pipe's buffer, and pipefail fails the check although the text is there.)
sed 's/<wbr>//g' "$OUT/evil-dom.html" > "$OUT/evil-dom-text.html"
grep -q "&lt;script&gt;document.title" "$OUT/evil-dom-text.html" \
  || { echo "escaped text missing from the DOM"; exit 1; }
# The budgets given on the command line are on the page.
grep -q '<h2 id="budgets">Budgets</h2>' "$OUT/june.html" || { echo "the page lacks its budgets"; exit 1; }
# The unpriced page must not claim a cost.
grep -q ">unknown<" "$OUT/unpriced.html" || { echo "the unpriced page shows a total cost"; exit 1; }
# The reconciliation section states the totals the causes add up to.
grep -q "Billed <b>\$608.80</b>, computed from the logs <b>\$32.50</b>" "$OUT/reconcile.html" \
  || { echo "the reconciliation section lacks its totals"; exit 1; }
# Only XML namespace names (not fetched) may look like URLs.
URLS=$(cat "$OUT"/*.html | grep -Eo "https?://[^\"' )]+" | grep -v '^http://www.w3.org/' | sort -u || true)
if [ -n "$URLS" ]; then echo "the reports reference URLs:"; echo "$URLS"; exit 1; fi
echo "ok: screenshots in $OUT (*-1280.png, *-390.png); injected markup stayed text"
