#!/usr/bin/env bash
# Parquet: `tokenledger report` on a canonical Parquet file against DuckDB's equivalent job
# (first request id wins, as-of pricing, monthly group-by; the query of bench/peers.py on
# read_parquet), 2 threads each, alternating runs; prints seconds and peak RSS per run.
#
#   bench/parquet.sh BINARY FILE.parquet [RUNS]
# Make the file with: tokenledger convert --logs bench/out/requests-10000000-ids-yes.csv --to parquet -o F
# DuckDB comes from the venv of scripts/check-sql.sh (~/.cache/tokenledger/sql-engines).
set -euo pipefail
BIN=${1:?usage: bench/parquet.sh BINARY FILE.parquet [RUNS]}
FILE=${2:?usage: bench/parquet.sh BINARY FILE.parquet [RUNS]}
RUNS=${3:-3}
PY="${SQL_ENGINES_VENV:-$HOME/.cache/tokenledger/sql-engines}/bin/python"
cd "$(dirname "$0")/.."
pricing=$(ls pricing/curated/*.csv | "$PY" -c 'import json,sys; print(json.dumps([l.strip() for l in sys.stdin]))')
cat > /tmp/tl-bench-duckdb.py <<'PY'
import duckdb, json, sys
f, pricing = sys.argv[1], json.loads(sys.argv[2])
con = duckdb.connect()
con.execute("SET threads=2")
con.execute(f"CREATE VIEW prices AS SELECT provider, model, CAST(effective_from AS TIMESTAMP) AS eff, "
            f"CAST(input_per_mtok AS DOUBLE) AS inp, CAST(output_per_mtok AS DOUBLE) AS outp "
            f"FROM read_csv({pricing!r}, union_by_name=true, all_varchar=true) WHERE region IS NULL AND coalesce(service_tier, '') = ''")
q = f'''
WITH r AS (SELECT * FROM read_parquet('{f}', file_row_number=true)),
d AS (SELECT * FROM r QUALIFY row_number() OVER (PARTITION BY provider, request_id ORDER BY file_row_number) = 1),
t AS (SELECT CAST(replace(replace(timestamp, 'T', ' '), 'Z', '') AS TIMESTAMP) AS ts, provider, model,
      input_tokens AS i, output_tokens AS o FROM d),
j AS (SELECT t.*, p.* FROM t ASOF LEFT JOIN prices p ON t.provider = p.provider AND t.model = p.model AND t.ts >= p.eff)
SELECT strftime(ts, '%Y-%m') AS month, provider, model, count(*), sum(i), sum(o), sum((i * inp + o * outp) / 1e6)
FROM j GROUP BY ALL
'''
print(len(con.execute(q).fetchall()), "groups")
PY
for run in $(seq "$RUNS"); do
  /usr/bin/time -f "tokenledger run $run: %e s, %M KB peak" "$BIN" report --logs "$FILE" --format csv -o /tmp/tl-bench-pq.csv 2>&1 | tail -1
  /usr/bin/time -f "duckdb      run $run: %e s, %M KB peak" "$PY" /tmp/tl-bench-duckdb.py "$FILE" "$pricing" 2>&1 | tail -1
done
