#!/usr/bin/env bash
# The warehouse path on real engines: for each case, print the query with `tokenledger sql`,
# run it on real engines over the same logs, and check that the
# command given the engine's aggregates (--aggregates) prints exactly what it prints reading
# the logs itself (--logs). Engines: DuckDB, PostgreSQL (Debian's server), ClickHouse (embedded,
# PyPI chdb) and Apache Spark (local mode). Runs on the bundled data/ and on tests/data/sql-edge (DST days,
# duplicates, long context, rejected values, two price epochs, time windows, service tiers).
#
#   scripts/check-sql.sh [OUT_DIR]      (default: $CARGO_TARGET_DIR/sql-check)
# Environment: SQL_ENGINES (default "duckdb postgres clickhouse spark"), SQL_CASES (a regex of
# case names to run; default all), SQL_ENGINES_VENV (a
# cached venv with the pinned duckdb, chdb and pyspark; created when missing). Spark needs Java 17.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tokenledger-target}"
OUT="${1:-$CARGO_TARGET_DIR/sql-check}"
ENGINES="${SQL_ENGINES:-duckdb postgres clickhouse spark}"
VENV="${SQL_ENGINES_VENV:-$HOME/.cache/tokenledger/sql-engines}"
mkdir -p "$OUT"
if ! "$VENV/bin/python" -c 'import duckdb, pyspark, chdb, sqlglot' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet duckdb==2.0.1 pyspark==4.3.0 chdb==4.4.0 sqlglot==27.29.0
fi
# PostgreSQL: Debian's server binaries (a throwaway cluster on a Unix socket).
if [[ " $ENGINES " == *" postgres "* ]] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq postgresql >/dev/null) || sudo apt-get install -y -qq postgresql >/dev/null
fi
cargo build --quiet --bin tokenledger
BIN="$CARGO_TARGET_DIR/debug/tokenledger"
DATA_COLS=timestamp,provider,model,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,reasoning_tokens,request_id,status,user,project,api_key,region,batch
ORDER=(--order-by _file --order-by "CAST(_row AS BIGINT)")

# json output without its verbatim rejections (aggregates count rejections per field instead).
strip_rejections() {
  "$VENV/bin/python" -c '
import json, sys
text = open(sys.argv[1]).read()
try:
    d = json.loads(text)
except ValueError:
    sys.exit(sys.stdout.write(text) and 0)
d.pop("rejections", None)
json.dump(d, sys.stdout, indent=1, sort_keys=True)' "$1"
}

fail=0
n=0
CASES=()
declare -A CASE_ENGINES
# case NAME "SQL ARGS" "COMMAND ARGS" LOG_FILES...: prints the queries and runs the command on
# the logs; the engines run every case's query afterwards, in one session each.
case_() {
  local name=$1 sql_args=$2 cmd_args=$3
  shift 3
  SQL_EXTRA=("${ORDER[@]}")
  acase_ "$name" canonical "$ENGINES" "$sql_args" "$cmd_args" "$@"
  SQL_EXTRA=()
}
SQL_EXTRA=()

# acase_ NAME LAYOUT "ENGINES" "SQL ARGS" "COMMAND ARGS" LOG_FILES...: a case over a source
# table (--log-format LAYOUT; see scripts/sql_engine.py for how each engine holds it), on those
# of ENGINES that run here.
acase_() {
  local name=$1 layout=$2 engines=$3 sql_args=$4 cmd_args=$5
  shift 5
  [[ -z "${SQL_CASES:-}" || "$name" =~ $SQL_CASES ]] || return 0
  CASES+=("$name")
  CASE_ENGINES[$name]=""
  printf '%s\n' "$cmd_args" > "$OUT/$name.cmd"
  local logs_arg=()
  for l in "$@"; do logs_arg+=(--logs "$l"); done
  # shellcheck disable=SC2086
  "$BIN" $cmd_args "${logs_arg[@]}" > "$OUT/$name.logs.out" 2>/dev/null || true
  for engine in $engines; do
    [[ " $ENGINES " == *" $engine "* ]] || continue
    CASE_ENGINES[$name]+=" $engine"
    # shellcheck disable=SC2086
    "$BIN" sql --log-format "$layout" ${sql_args//DIALECT/$engine} "${SQL_EXTRA[@]}" -o "$OUT/$name.$engine.sql"
    (IFS=$'\t'; printf '%s\n' "$OUT/$name.$engine.sql	$OUT/$name.$engine.csv	$layout	$*") >> "$OUT/jobs.$engine.tsv"
  done
}

compare_() {
  local name=$1 engine=$2
  local agg
  for agg in "$OUT/$name.$engine.csv" "$OUT/$name.$engine.parquet"; do
    [ -f "$agg" ] || continue
    compare_file_ "$name" "$engine" "$agg"
  done
}

# compare_file_ NAME ENGINE AGGREGATES: the command on the engine's aggregates (CSV, or the
# Parquet file DuckDB and Spark also write) prints what it prints on the logs.
compare_file_() {
  local name=$1 engine=$2 agg=$3 cmd_args ext
  ext=${agg##*.}
  cmd_args=$(cat "$OUT/$name.cmd")
  # shellcheck disable=SC2086
  "$BIN" $cmd_args --aggregates "$agg" > "$OUT/$name.$engine.$ext.out" 2>"$OUT/$name.$engine.$ext.stderr" || true
  local a="$OUT/$name.logs.out" b="$OUT/$name.$engine.$ext.out"
  if [[ " $cmd_args " == *" json "* ]]; then
    strip_rejections "$a" > "$a.cmp"; strip_rejections "$b" > "$b.cmp"
    a="$a.cmp"; b="$b.cmp"
  fi
  n=$((n + 1))
  if cmp -s "$a" "$b" && [ -s "$a" ]; then
    echo "sql-check: $name on $engine ($ext): identical ($(wc -c < "$a") bytes)"
  else
    echo "sql-check: $name on $engine ($ext): DIFFERS from --logs"
    diff "$a" "$b" | head -20 || true
    head -3 "$OUT/$name.$engine.$ext.stderr"
    fail=1
  fi
}

rm -f "$OUT"/jobs.*.tsv "$OUT"/*.parquet
D=(data/requests-2025-05.csv data/requests-2025-06.csv data/requests-2025-07.jsonl)
E=(tests/data/sql-edge/a-requests.csv tests/data/sql-edge/b-requests.jsonl)
case_ data-default "--dialect DIALECT --columns $DATA_COLS" "report" "${D[@]}"
case_ data-by-user-project "--dialect DIALECT --columns $DATA_COLS --by user,project,status" "report --by month,user,project --format json" "${D[@]}"
case_ data-month-la "--dialect DIALECT --columns $DATA_COLS --month 2025-06 --tz America/Los_Angeles --by day" "report --month 2025-06 --tz America/Los_Angeles --by day,provider --format csv --exact" "${D[@]}"
case_ data-compare "--dialect DIALECT --columns $DATA_COLS --month 2025-07" "compare --month 2025-07 --format csv" "${D[@]}"
case_ data-errors "--dialect DIALECT --columns $DATA_COLS --per-minute --by status" "errors --format json" "${D[@]}"
case_ data-html "--dialect DIALECT --columns $DATA_COLS --month 2025-07 --per-minute --previous-month --by status" "report --month 2025-07 --format html --now 2025-08-02" "${D[@]}"
case_ edge-all "--dialect DIALECT --by user,team" "report --by user,team,model --format json" "${E[@]}"
case_ edge-oct-berlin "--dialect DIALECT --month 2025-10 --tz Europe/Berlin --by team,project,user" "report --month 2025-10 --tz Europe/Berlin --by day,team,model --format json" "${E[@]}"
case_ edge-dst "--dialect DIALECT --from 2025-03-29 --to 2025-04-01 --tz Europe/Berlin --by user" "report --from 2025-03-29 --to 2025-04-01 --tz Europe/Berlin --by day,user --format csv --exact" "${E[@]}"
case_ edge-where "--dialect DIALECT --by team,api_key" "report --where team=red --by model --format json" "${E[@]}"
case_ edge-html "--dialect DIALECT --month 2025-10 --tz Europe/Berlin --per-minute --previous-month --by status,user" "report --month 2025-10 --tz Europe/Berlin --by user --format html --now 2025-11-02" "${E[@]}"
case_ edge-compare "--dialect DIALECT" "compare --format csv" "${E[@]}"
# Hostile rows: every value the reader refuses or accepts (signs, exponents, spaces, huge and
# capped counts, cached over input, timestamps past 24:00, leap seconds, other digits, bad
# statuses and flags, ids differing in case): the engines must accept exactly the same rows.
H=(tests/data/sql-edge/hostile.csv)
HC=timestamp,provider,model,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cache_write_1h_tokens,reasoning_tokens,requests,request_id,status,user,batch
case_ hostile-all "--dialect DIALECT --columns $HC --by user,team,status" "report --by user,team,model --format json" "${H[@]}"
case_ hostile-minutes "--dialect DIALECT --columns $HC --month 2025-10 --per-minute --by status" "errors --month 2025-10 --format json" "${H[@]}"
# Column names that end a quoted identifier in some dialect (a backslash, a backtick), with
# values holding both quotes: each engine reads them by the name the logs give.
OC=timestamp,provider,model,input_tokens,output_tokens,request_id
case_ odd-names "--dialect DIALECT --columns $OC --by cost\\center,a\`b" "report --by cost\\center,a\`b,model --format json" tests/data/sql-edge/odd-names.csv
# Source adapters: each table layout on the engines it lives in, against the native reader.
A=tests/data/sql-adapters
acase_ bedrock-all bedrock "duckdb spark" "--dialect DIALECT --by user,project,team,operation,error_code,billing_account,inference_region,status" "report --by user,project,team,operation,error_code,billing_account,inference_region,model --format json" $A/bedrock.jsonl
acase_ bedrock-month-ny bedrock "duckdb spark" "--dialect DIALECT --month 2025-08 --tz America/New_York --per-minute --by team,status" "errors --month 2025-08 --tz America/New_York --format json" $A/bedrock.jsonl
acase_ litellm-all litellm "postgres duckdb spark" "--dialect DIALECT --by user,project,api_key,end_user,model_group,call_type,deployment_type,status" "report --by user,project,end_user,model_group,call_type,deployment_type,model --format json" $A/litellm.jsonl
acase_ litellm-sept-berlin litellm "postgres duckdb spark" "--dialect DIALECT --month 2025-09 --tz Europe/Berlin --dedupe none" "report --month 2025-09 --tz Europe/Berlin --by day,provider,model --format csv --exact" $A/litellm.jsonl
acase_ otel-all otel "clickhouse duckdb" "--dialect DIALECT --by user,service.name,deployment.environment,gen_ai.operation.name,status" "report --by user,service.name,deployment.environment,gen_ai.operation.name,model --format json" $A/otel.jsonl
acase_ otel-la otel "clickhouse duckdb" "--dialect DIALECT --from 2025-09-02 --to 2025-09-03 --tz America/Los_Angeles --per-minute --by status" "errors --from 2025-09-02 --to 2025-09-03 --tz America/Los_Angeles --format json" $A/otel.jsonl
for engine in $ENGINES; do
  [ -s "$OUT/jobs.$engine.tsv" ] || continue
  start=$(date +%s)
  if ! "$VENV/bin/python" scripts/sql_engine.py "$engine" "$OUT/jobs.$engine.tsv" 2> "$OUT/$engine.err"; then
    echo "sql-check: $engine failed:"; tail -20 "$OUT/$engine.err"; fail=1; continue
  fi
  echo "sql-check: $engine ran ${#CASES[@]} queries in $(( $(date +%s) - start )) s"
  for name in "${CASES[@]}"; do
    [[ "${CASE_ENGINES[$name]} " == *" $engine "* ]] && compare_ "$name" "$engine"
  done
done
# spark-job: the PySpark script run by spark-submit over a Parquet file (the one tokenledger
# convert writes from data/) and over the edge CSV, compared with reading the same files.
if [[ " $ENGINES " == *" spark "* ]]; then
  "$BIN" convert --logs data --to parquet -o "$OUT/data.parquet" 2>/dev/null
  job() {
    local name=$1 source=$2 format=$3 cmd_args=$4
    shift 4
    "$BIN" spark-job --source "$source" --format "$format" "$@" -o "$OUT/$name.py"
    rm -rf "$OUT/$name.out"
    if ! PATH="$VENV/bin:$PATH" PYSPARK_PYTHON="$VENV/bin/python" "$VENV/bin/spark-submit" --driver-memory 3g "$OUT/$name.py" "$OUT/$name.out" > "$OUT/$name.log" 2>&1; then
      echo "sql-check: spark-job $name failed:"; tail -20 "$OUT/$name.log"; fail=1; return
    fi
    # shellcheck disable=SC2086
    "$BIN" $cmd_args --logs "$source" > "$OUT/$name.logs.out" 2>/dev/null || true
    # shellcheck disable=SC2086
    "$BIN" $cmd_args --aggregates "$OUT/$name.out/aggregates.csv" > "$OUT/$name.agg.out" 2>/dev/null || true
    strip_rejections "$OUT/$name.logs.out" > "$OUT/$name.logs.cmp"
    strip_rejections "$OUT/$name.agg.out" > "$OUT/$name.agg.cmp"
    n=$((n + 1))
    if cmp -s "$OUT/$name.logs.cmp" "$OUT/$name.agg.cmp" && [ -s "$OUT/$name.logs.cmp" ]; then
      echo "sql-check: spark-job $name: identical ($(wc -c < "$OUT/$name.logs.cmp") bytes)"
    else
      echo "sql-check: spark-job $name: DIFFERS from --logs"
      diff "$OUT/$name.logs.cmp" "$OUT/$name.agg.cmp" | head -20 || true
      fail=1
    fi
  }
  job job-parquet "$OUT/data.parquet" parquet "report --month 2025-06 --by day,user --format json" --month 2025-06 --by user
  job job-csv tests/data/sql-edge/a-requests.csv csv "report --month 2025-10 --tz Europe/Berlin --by team,model --format json" --month 2025-10 --tz Europe/Berlin --by team
  # Bedrock invocation logs as delivered to S3 (JSON lines), read with the adapter's schema.
  job job-bedrock tests/data/sql-adapters/bedrock.jsonl json "report --month 2025-08 --tz Asia/Tokyo --by team,operation,model --format json" --log-format bedrock --month 2025-08 --tz Asia/Tokyo --by team,operation
fi
# spark-job with sources built to break the script (a docstring end and a command, a Windows
# path): the script compiles, and SOURCE is exactly the source given.
for src in $'"""\nimport os; os.system(\'touch /tmp/tokenledger-pwned\')\n"""' 'C:\Users\new\logs\requests.parquet'; do
  "$BIN" spark-job --source "$src" --format parquet -o "$OUT/hostile-job.py"
  n=$((n + 1))
  if "$VENV/bin/python" - "$OUT/hostile-job.py" "$src" <<'PY'
import ast, sys
tree = ast.parse(open(sys.argv[1]).read())
source = [ast.literal_eval(a.value) for a in tree.body
          if isinstance(a, ast.Assign) and getattr(a.targets[0], "id", "") == "SOURCE"]
sys.exit(0 if source == [sys.argv[2]] else 1)
PY
  then
    echo "sql-check: spark-job with a hostile --source compiles, SOURCE intact"
  else
    echo "sql-check: spark-job with --source $(printf %q "$src") does not compile or changes SOURCE"; fail=1
  fi
done
# The dialects without an engine here (Trino, Athena, BigQuery, Snowflake): the query must at
# least parse in sqlglot's reading of the dialect (a syntax check, not a run).
for d in trino athena bigquery snowflake; do
  for lf in canonical bedrock litellm otel; do
    "$BIN" sql --dialect "$d" --log-format "$lf" --month 2025-10 --tz Europe/Berlin --by user,team \
      --per-minute --previous-month -o "$OUT/parse-$d-$lf.sql"
    if "$VENV/bin/python" -c '
import sqlglot, sys
sqlglot.parse_one(open(sys.argv[1]).read(), read=sys.argv[2], error_level=sqlglot.ErrorLevel.RAISE)' \
      "$OUT/parse-$d-$lf.sql" "$d" 2> "$OUT/parse-$d-$lf.err"; then
      echo "sql-check: $d query ($lf) parses (sqlglot; not run on an engine)"
    else
      echo "sql-check: $d query ($lf) does not parse:"; tail -3 "$OUT/parse-$d-$lf.err"; fail=1
    fi
  done
done
echo "sql-check: $n comparisons, $([ $fail = 0 ] && echo all identical || echo FAILURES)"
exit $fail
