#!/usr/bin/env python3
"""Runs a `tokenledger sql` query on a real engine over log files and saves the result as the
CSV `--aggregates` reads. Used by scripts/check-sql.sh.

Layouts (the table the query reads, as a team would have it):
- canonical: canonical CSV and JSONL loaded into one table `requests` whose columns are all
  text, as a warehouse table of raw logs would be, plus `_file` and `_row` (the reading order,
  for --order-by _file --order-by "CAST(_row AS BIGINT)"). JSON numbers keep their literal text.
- bedrock: Bedrock invocation-log JSON lines read with the documented schema into
  `bedrock_invocation_logs` (structs and a map, as an Athena/Glue table declares them).
- litellm: LiteLLM spend-log rows (JSON lines of the table's columns) in a table
  "LiteLLM_SpendLogs" with the proxy's column types (PostgreSQL: TIMESTAMP(3), JSONB).
- otel: OTLP JSON exports turned into rows of the OpenTelemetry Collector's ClickHouse
  exporter table `otel_traces` (Timestamp DateTime64(9), StatusCode, attribute maps).

usage: sql_engine.py ENGINE JOBS.tsv
  JOBS.tsv: one job per line, tab-separated: QUERY.sql, OUT.csv, LAYOUT, then the log files.
  All jobs run in one engine session (Spark starts once).
"""
import csv
import datetime
import json
import os
import sys
import tempfile

BEDROCK_DUCKDB = (
    "{'timestamp': 'VARCHAR', 'schemaType': 'VARCHAR', 'accountId': 'VARCHAR', "
    "'region': 'VARCHAR', 'requestId': 'VARCHAR', 'operation': 'VARCHAR', 'modelId': 'VARCHAR', "
    "'errorCode': 'VARCHAR', 'inferenceRegion': 'VARCHAR', 'identity': 'STRUCT(arn VARCHAR)', "
    "'input': 'STRUCT(inputTokenCount VARCHAR, cacheReadInputTokenCount VARCHAR, "
    "cacheWriteInputTokenCount VARCHAR)', 'output': 'STRUCT(outputTokenCount VARCHAR)', "
    "'requestMetadata': 'MAP(VARCHAR, VARCHAR)'}"
)
BEDROCK_SPARK = (
    "timestamp STRING, schemaType STRING, accountId STRING, region STRING, requestId STRING, "
    "operation STRING, modelId STRING, errorCode STRING, inferenceRegion STRING, "
    "identity STRUCT<arn: STRING>, input STRUCT<inputTokenCount: STRING, "
    "cacheReadInputTokenCount: STRING, cacheWriteInputTokenCount: STRING>, "
    "output STRUCT<outputTokenCount: STRING>, requestMetadata MAP<STRING, STRING>"
)
# LiteLLM_SpendLogs columns the adapter reads, with the proxy's PostgreSQL types.
LITELLM = [
    ("request_id", "TEXT"), ("call_type", "TEXT"), ("api_key", "TEXT"),
    ("spend", "DOUBLE PRECISION"), ("total_tokens", "INTEGER"), ("prompt_tokens", "INTEGER"),
    ("completion_tokens", "INTEGER"), ("startTime", "TIMESTAMP(3)"), ("endTime", "TIMESTAMP(3)"),
    ("model", "TEXT"), ("model_group", "TEXT"), ("custom_llm_provider", "TEXT"), ("user", "TEXT"),
    ("team_id", "TEXT"), ("end_user", "TEXT"), ("status", "TEXT"), ("metadata", "JSONB"),
]
LITELLM_DUCKDB = {"TEXT": "VARCHAR", "DOUBLE PRECISION": "DOUBLE", "INTEGER": "INTEGER",
                  "TIMESTAMP(3)": "TIMESTAMP", "JSONB": "VARCHAR"}
LITELLM_SPARK = {"TEXT": "STRING", "DOUBLE PRECISION": "DOUBLE", "INTEGER": "INT",
                 "TIMESTAMP(3)": "TIMESTAMP", "JSONB": "STRING"}
OTEL_COLUMNS = ["Timestamp", "TraceId", "SpanId", "SpanName", "ServiceName", "StatusCode",
                "SpanAttributes", "ResourceAttributes"]


def litellm_rows(files):
    """The spend-log rows as the database holds them: timestamps without zone (UTC), metadata
    as JSON text."""
    out = []
    for path in files:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                r = json.loads(line)
                row = {}
                for c, ty in LITELLM:
                    v = r.get(c)
                    if ty.startswith("TIMESTAMP") and v:
                        t = datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
                        t = t.astimezone(datetime.timezone.utc).replace(tzinfo=None)
                        v = t.isoformat(sep=" ", timespec="milliseconds")
                    elif ty == "JSONB" and v is not None:
                        v = json.dumps(v)
                    row[c] = v
                out.append(row)
    return out


def otel_rows(files):
    """OTLP JSON exports as rows of the collector's ClickHouse exporter table."""
    def attrs(lst):
        out = {}
        for a in lst or []:
            v = a.get("value", {})
            for k in ("stringValue", "intValue", "doubleValue"):
                if k in v:
                    out[a["key"]] = str(v[k])
            if "boolValue" in v:
                out[a["key"]] = "true" if v["boolValue"] else "false"
        return out

    rows = []
    for path in files:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                for rs in json.loads(line)["resourceSpans"]:
                    res = attrs(rs.get("resource", {}).get("attributes"))
                    for ss in rs.get("scopeSpans", []):
                        for sp in ss.get("spans", []):
                            ns = int(sp["startTimeUnixNano"])
                            t = datetime.datetime.fromtimestamp(ns // 10**9, datetime.timezone.utc)
                            code = {2: "Error", 1: "Ok"}.get(sp.get("status", {}).get("code"), "Unset")
                            rows.append({
                                "Timestamp": t.strftime("%Y-%m-%d %H:%M:%S") + ".%09d" % (ns % 10**9),
                                "TraceId": sp.get("traceId", ""), "SpanId": sp.get("spanId", ""),
                                "SpanName": sp.get("name", ""),
                                "ServiceName": res.get("service.name", ""),
                                "StatusCode": code,
                                "SpanAttributes": attrs(sp.get("attributes")),
                                "ResourceAttributes": res,
                            })
    return rows


def write_jsonl(rows, dest):
    with open(dest, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    return dest


def rows_of(path):
    if path.endswith(".jsonl"):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                obj = json.loads(line, parse_int=str, parse_float=str)
                out = {}
                for k, v in obj.items():
                    if v is None:
                        out[k] = ""
                    elif isinstance(v, bool):
                        out[k] = "true" if v else "false"
                    elif isinstance(v, (dict, list)):
                        out[k] = json.dumps(v)
                    else:
                        out[k] = v
                yield out
    else:
        with open(path, newline="", encoding="utf-8") as fh:
            yield from csv.DictReader(fh)


def table_csv(files, dest):
    rows, cols = [], []
    for path in sorted(files):
        for i, r in enumerate(rows_of(path)):
            if None in r:
                # A row longer than its header: keep the overflow in one column of its own.
                r["_overflow"] = ",".join(r.pop(None))
            for k in r:
                if k not in cols:
                    cols.append(k)
            r = dict(r)
            r["_file"] = path
            r["_row"] = str(i + 1)
            rows.append(r)
    cols += ["_file", "_row"]
    with open(dest, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, quoting=csv.QUOTE_ALL, restval="")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def write_result(out, header, rows):
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else str(v) for v in r])


def run_duckdb(jobs):
    import duckdb

    for query, layout, table, out in jobs:
        con = duckdb.connect()
        con.execute("SET TimeZone='UTC'")
        if layout == "canonical":
            con.execute(
                "CREATE TABLE requests AS SELECT * FROM read_csv(?, all_varchar=true, header=true, quote='\"')",
                [table],
            )
        elif layout == "bedrock":
            con.execute(
                "CREATE TABLE bedrock_invocation_logs AS SELECT * FROM read_json(?, "
                "format='newline_delimited', columns=%s)" % BEDROCK_DUCKDB, [table])
        elif layout == "litellm":
            cols = ", ".join("'%s': '%s'" % (c, LITELLM_DUCKDB[t]) for c, t in LITELLM)
            con.execute(
                'CREATE TABLE "LiteLLM_SpendLogs" AS SELECT * FROM read_json(?, '
                "format='newline_delimited', columns={%s})" % cols, [table])
        elif layout == "otel":
            con.execute(
                "CREATE TABLE otel_traces AS SELECT * FROM read_json(?, format='newline_delimited', "
                "columns={'Timestamp': 'TIMESTAMP_NS', 'TraceId': 'VARCHAR', 'SpanId': 'VARCHAR', "
                "'SpanName': 'VARCHAR', 'ServiceName': 'VARCHAR', 'StatusCode': 'VARCHAR', "
                "'SpanAttributes': 'MAP(VARCHAR, VARCHAR)', "
                "'ResourceAttributes': 'MAP(VARCHAR, VARCHAR)'})", [table])
        else:
            raise SystemExit("duckdb: no loader for the %s layout" % layout)
        con.execute("CREATE TEMP TABLE result AS " + query)
        cur = con.execute("SELECT * FROM result")
        header = [d[0] for d in cur.description]
        write_result(out, header, cur.fetchall())
        # The same result as DuckDB writes Parquet (sums as DECIMAL(38,0)).
        con.execute("COPY result TO '%s' (FORMAT parquet)" % (out[:-4] + ".parquet"))
        con.close()


def run_spark(jobs):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("tokenledger-check-sql")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        # The query is a wide plan (one CASE per validation rule); 1 GiB is too little for
        # Spark 4.3's planner on the per-minute query.
        .config("spark.driver.memory", "3g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for query, layout, table, out in jobs:
        if layout == "canonical":
            df = (
                spark.read.option("header", True)
                .option("multiLine", True)
                .option("escape", '"')
                .csv(table)
            )
            df.createOrReplaceTempView("requests")
        elif layout == "bedrock":
            spark.read.schema(BEDROCK_SPARK).json(table).createOrReplaceTempView(
                "bedrock_invocation_logs")
        elif layout == "litellm":
            ddl = ", ".join("`%s` %s" % (c, LITELLM_SPARK[t]) for c, t in LITELLM)
            spark.read.schema(ddl).json(table).createOrReplaceTempView("LiteLLM_SpendLogs")
        else:
            raise SystemExit("spark: no loader for the %s layout" % layout)
        res = spark.sql(query).cache()
        write_result(out, res.columns, [tuple(r) for r in res.collect()])
        # The same result as Spark writes Parquet (sums as DECIMAL(38,0)), one file.
        pq_dir = out[:-4] + ".parquet.d"
        res.coalesce(1).write.mode("overwrite").parquet(pq_dir)
        import glob
        import shutil
        shutil.move(glob.glob(os.path.join(pq_dir, "part-*.parquet"))[0], out[:-4] + ".parquet")
        shutil.rmtree(pq_dir)
        res.unpersist()
    spark.stop()


def run_clickhouse(jobs):
    """ClickHouse, embedded (PyPI chdb); every column of the table read as text."""
    from chdb import session

    sess = session.Session()
    for query, layout, table, out in jobs:
        if layout == "canonical":
            sess.query("DROP TABLE IF EXISTS requests")
            sess.query(
                "CREATE TABLE requests ENGINE = Memory AS SELECT * FROM file('%s', 'CSVWithNames') "
                "SETTINGS input_format_csv_use_best_effort_in_schema_inference = 0" % table
            )
        elif layout == "otel":
            # The exporter's columns the adapter reads (types as its CREATE TABLE has them).
            sess.query("DROP TABLE IF EXISTS otel_traces")
            sess.query(
                "CREATE TABLE otel_traces (Timestamp DateTime64(9), TraceId String, "
                "SpanId String, SpanName LowCardinality(String), "
                "ServiceName LowCardinality(String), StatusCode LowCardinality(String), "
                "SpanAttributes Map(LowCardinality(String), String), "
                "ResourceAttributes Map(LowCardinality(String), String)) ENGINE = Memory")
            sess.query("INSERT INTO otel_traces SELECT * FROM file('%s', 'JSONEachRow', "
                       "'Timestamp DateTime64(9, \\'UTC\\'), TraceId String, SpanId String, "
                       "SpanName String, ServiceName String, StatusCode String, "
                       "SpanAttributes Map(String, String), "
                       "ResourceAttributes Map(String, String)')" % table)
        else:
            raise SystemExit("clickhouse: no loader for the %s layout" % layout)
        res = json.loads(sess.query(query, "JSONCompact").bytes())
        header = [m["name"] for m in res["meta"]]
        write_result(out, header, res["data"])
    sess.close()


def run_postgres(jobs):
    """A throwaway PostgreSQL cluster (Debian's postgresql) on a Unix socket in a temp dir, with
    JIT off as the query's header asks (its compiler spends minutes on the wide expressions)."""
    import glob
    import shutil
    import subprocess

    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins:
        raise SystemExit("postgres: no /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    bin_ = bins[-1]
    data = tempfile.mkdtemp(prefix="tokenledger-pg-")
    as_pg = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    run = lambda *a, **k: subprocess.run(a, check=True, **k)
    run(*as_pg, f"{bin_}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync",
        stdout=subprocess.DEVNULL)
    run(*as_pg, f"{bin_}/pg_ctl", "-D", data, "-w", "-l", os.path.join(data, "log"),
        "-o", f"-k {data} -c listen_addresses='' -p 55433 -c fsync=off -c jit=off", "start",
        stdout=subprocess.DEVNULL)
    psql = [f"{bin_}/psql", "-h", data, "-p", "55433", "-U", "postgres", "-X", "-q",
            "-v", "ON_ERROR_STOP=1"]
    try:
        for query, layout, table, out in jobs:
            if layout == "canonical":
                with open(table, newline="", encoding="utf-8") as fh:
                    cols = next(csv.reader(fh))
                name = "requests"
                ddl = "DROP TABLE IF EXISTS requests; CREATE TABLE requests (%s);" % ", ".join(
                    '"%s" TEXT' % c.replace('"', '""') for c in cols)
            elif layout == "litellm":
                name = '"LiteLLM_SpendLogs"'
                ddl = 'DROP TABLE IF EXISTS "LiteLLM_SpendLogs"; CREATE TABLE "LiteLLM_SpendLogs" (%s);' % (
                    ", ".join('"%s" %s' % (c, t) for c, t in LITELLM))
                rows = []
                with open(table, encoding="utf-8") as fh:
                    rows = [json.loads(x) for x in fh if x.strip()]
                table = table + ".csv"
                with open(table, "w", newline="", encoding="utf-8") as fh:
                    w = csv.writer(fh)
                    w.writerow([c for c, _ in LITELLM])
                    for r in rows:
                        w.writerow(["" if r[c] is None else r[c] for c, _ in LITELLM])
            else:
                raise SystemExit("postgres: no loader for the %s layout" % layout)
            run(*psql, "-c", ddl)
            shutil.chown(table, "postgres", "postgres") if as_pg else None
            run(*psql, "-c", "\\copy %s FROM '%s' WITH (FORMAT csv, HEADER true)" % (name, table))
            qfile = table + ".sql"
            with open(qfile, "w", encoding="utf-8") as fh:
                fh.write(query.rstrip() + ";\n")
            with open(out, "w", encoding="utf-8") as fh:
                run(*psql, "--csv", "-f", qfile, stdout=fh)
    finally:
        run(*as_pg, f"{bin_}/pg_ctl", "-D", data, "-w", "-m", "fast", "stop",
            stdout=subprocess.DEVNULL)
        shutil.rmtree(data, ignore_errors=True)


def main():
    engine, jobs_path = sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        jobs = []
        with open(jobs_path, encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                query_path, out, layout, *files = line.rstrip("\n").split("\t")
                with open(query_path, encoding="utf-8") as q:
                    query = q.read()
                base = os.path.join(tmp, f"requests-{i}")
                if layout == "canonical":
                    table = base + ".csv"
                    table_csv(files, table)
                elif layout == "bedrock":
                    table = base + ".jsonl"
                    with open(table, "w", encoding="utf-8") as dst:
                        for f in files:
                            with open(f, encoding="utf-8") as src:
                                dst.write(src.read())
                elif layout == "litellm":
                    table = write_jsonl(litellm_rows(files), base + ".jsonl")
                elif layout == "otel":
                    table = write_jsonl(otel_rows(files), base + ".jsonl")
                else:
                    raise SystemExit("unknown layout " + layout)
                jobs.append((query, layout, table, out))
        {
            "duckdb": run_duckdb,
            "spark": run_spark,
            "postgres": run_postgres,
            "clickhouse": run_clickhouse,
        }[engine](jobs)


if __name__ == "__main__":
    main()
