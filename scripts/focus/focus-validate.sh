#!/usr/bin/env bash
# Validate a FOCUS CSV with the FinOps Foundation validator (PyPI focus-validator 2.2.1).
#   usage: focus-validate.sh FILE.csv 1.2|1.3 [CRITERIA]
# Exits 0 when no MUST rule fails, 1 when one does, 2 on setup/validator error.
#
# Expects beside this script (vendor them into the repo, e.g. scripts/focus/):
#   fvcheck.py                            wrapper: counts MUST failures, exit code, 2 validator-bug patches
#   focus_consistency.py                  exact-decimal checks the validator does not enforce
#   constraints-focus-validator-2.2.1.txt pinned dependency set (pyarrow<26: 26 needs numpy>=2, fv pins numpy<2)
#   rules/model-1.3.json                  reconstructed 1.3 model (the validator downloads 1.3 from GitHub; no access)
# Environment: FOCUS_VALIDATOR_VENV (default ~/.cache/tokenledger/focus-validator-2.2.1), PYTHON312.
set -euo pipefail

csv=${1:?usage: focus-validate.sh FILE.csv 1.2|1.3 [CRITERIA]}
version=${2:?usage: focus-validate.sh FILE.csv 1.2|1.3 [CRITERIA]}
# What a usage-based LLM API export claims (see REPORT.md).  Pass "" for the validator defaults.
criteria=${3-USAGE_MEASUREMENT_SUPPORTED,UNIT_PRICING_SUPPORTED,PUBLIC_PRICE_LIST_SUPPORTED,SUB_ACCOUNT_SUPPORTED,TAGGING_SUPPORTED,ACCOUNT_NAMING_SUPPORTED,NEGOTIATED_PRICING_SUPPORTED,REGION_SUPPORTED}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fv_version=2.2.1
venv=${FOCUS_VALIDATOR_VENV:-$HOME/.cache/tokenledger/focus-validator-$fv_version}

find_python312() {
  # the first candidate that really runs 3.12 (a pyenv shim for a non-selected version does not)
  local c
  for c in ${PYTHON312:-} python3.12 \
           $(command -v pyenv >/dev/null 2>&1 && ls -d "$(pyenv root)"/versions/3.12*/bin/python3.12 2>/dev/null); do
    if "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1; then
      command -v "$c"; return 0
    fi
  done
  return 1
}

# (Re)build the venv only when it is missing or broken; a marker file records a finished install.
if [[ ! -f $venv/.focus-validator-$fv_version.ok ]] || ! "$venv/bin/python" -c 'import focus_validator, pyarrow, duckdb' 2>/dev/null; then
  py=$(find_python312) || { echo "focus-validate: Python 3.12 not found (set PYTHON312)" >&2; exit 2; }
  echo "focus-validate: installing focus-validator $fv_version into $venv" >&2
  rm -rf "$venv"
  "$py" -m venv "$venv" || exit 2
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    -c "$here/constraints-focus-validator-2.2.1.txt" "focus-validator==$fv_version" >&2 \
    || { echo "focus-validate: pip install failed" >&2; exit 2; }
  touch "$venv/.focus-validator-$fv_version.ok"
fi

rule_args=()
if [[ $version == 1.3 ]]; then rule_args=(--rule-set-path "$here/rules"); fi

status=0
"$venv/bin/python" "$here/fvcheck.py" "$csv" "$version" "$criteria" "${rule_args[@]}" --quiet || status=$?
"$venv/bin/python" "$here/focus_consistency.py" "$csv" --version "$version" || { [[ $status -eq 0 ]] && status=1; }
exit $status
