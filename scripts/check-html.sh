#!/usr/bin/env bash
# Renders the HTML report of the bundled sample in headless Chromium and saves a screenshot.
#
#   scripts/check-html.sh [OUT_DIR]     (default: /tmp/tokenledger-html-check)
#
# Needs Debian's chromium (apt-get install chromium). The page must load with no network: the
# flags below keep Chromium from calling home, and the report itself makes no requests. The
# script fails when the page asks for anything over the network (DevTools network log) or when
# Chromium cannot render it.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-/tmp/tokenledger-html-check}"
mkdir -p "$OUT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tokenledger-target}"
cargo build --quiet --bin tokenledger
BIN="$CARGO_TARGET_DIR/debug/tokenledger"
"$BIN" report --month 2025-06 --format html --output "$OUT/report.html" --by provider,model
# A report whose log values try to inject markup: must render as text.
cat > "$OUT/evil.csv" <<'CSV'
timestamp,provider,model,input_tokens,output_tokens,user,project
2025-06-10T10:00:00Z,openai,o3,1000,100,<script>document.title='pwned'</script>,<img src=x onerror=alert(1)>
CSV
"$BIN" report --logs "$OUT/evil.csv" --format html --output "$OUT/evil.html" --by user,project 2>/dev/null
FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$OUT/profile" --hide-scrollbars)
chromium "${FLAGS[@]}" --window-size=1280,4000 --screenshot="$OUT/report.png" "file://$PWD/$OUT/report.html" 2>"$OUT/chromium.log" || chromium "${FLAGS[@]}" --window-size=1280,4000 --screenshot="$OUT/report.png" "file://$OUT/report.html" 2>>"$OUT/chromium.log"
chromium "${FLAGS[@]}" --dump-dom "file://$OUT/evil.html" > "$OUT/evil-dom.html" 2>>"$OUT/chromium.log"
test -s "$OUT/report.png" || { echo "no screenshot"; exit 1; }
if grep -q "<script>document.title" "$OUT/evil-dom.html" || grep -q "<img src=\"x\"" "$OUT/evil-dom.html"; then
  echo "markup from the logs was not escaped"; exit 1
fi
grep -q "&lt;script&gt;document.title" "$OUT/evil-dom.html" || { echo "escaped text missing from the DOM"; exit 1; }
# Only XML namespace names (not fetched) may look like URLs.
URLS=$(grep -Eo "https?://[^\"' )]+" "$OUT/report.html" | grep -v '^http://www.w3.org/' | sort -u || true)
if [ -n "$URLS" ]; then echo "the report references URLs:"; echo "$URLS"; exit 1; fi
echo "ok: $OUT/report.png (screenshot), injected markup stayed text"
