#!/usr/bin/env python3
"""Runs a `tokenledger sql` query on a real engine over canonical log files and saves the result
as the CSV `--aggregates` reads. Used by scripts/check-sql.sh.

The log files (canonical CSV and JSONL) are loaded into one table `requests` whose columns are
all text, as a warehouse table of raw logs would be, plus `_file` and `_row` (the reading order,
for --order-by _file --order-by "CAST(_row AS BIGINT)"). JSON numbers keep their literal text.

usage: sql_engine.py ENGINE JOBS.tsv
  JOBS.tsv: one job per line, tab-separated: QUERY.sql, OUT.csv, then the log files. All jobs
  run in one engine session (Spark starts once).
"""
import csv
import json
import os
import sys
import tempfile


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

    for query, table, out in jobs:
        con = duckdb.connect()
        con.execute("SET TimeZone='UTC'")
        con.execute(
            "CREATE TABLE requests AS SELECT * FROM read_csv(?, all_varchar=true, header=true, quote='\"')",
            [table],
        )
        cur = con.execute(query)
        header = [d[0] for d in cur.description]
        write_result(out, header, cur.fetchall())
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
    for query, table, out in jobs:
        df = (
            spark.read.option("header", True)
            .option("multiLine", True)
            .option("escape", '"')
            .csv(table)
        )
        df.createOrReplaceTempView("requests")
        res = spark.sql(query)
        write_result(out, res.columns, [tuple(r) for r in res.collect()])
    spark.stop()


def run_clickhouse(jobs):
    """ClickHouse, embedded (PyPI chdb); every column of the table read as text."""
    from chdb import session

    sess = session.Session()
    for query, table, out in jobs:
        sess.query("DROP TABLE IF EXISTS requests")
        sess.query(
            "CREATE TABLE requests ENGINE = Memory AS SELECT * FROM file('%s', 'CSVWithNames') "
            "SETTINGS input_format_csv_use_best_effort_in_schema_inference = 0" % table
        )
        res = json.loads(sess.query(query, "JSONCompact").bytes())
        header = [m["name"] for m in res["meta"]]
        write_result(out, header, res["data"])
    sess.close()


def run_postgres(jobs):
    """A throwaway PostgreSQL cluster (Debian's postgresql) on a Unix socket in a temp dir."""
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
        "-o", f"-k {data} -c listen_addresses='' -p 55433 -c fsync=off", "start",
        stdout=subprocess.DEVNULL)
    psql = [f"{bin_}/psql", "-h", data, "-p", "55433", "-U", "postgres", "-X", "-q",
            "-v", "ON_ERROR_STOP=1"]
    try:
        for query, table, out in jobs:
            with open(table, newline="", encoding="utf-8") as fh:
                cols = next(csv.reader(fh))
            ddl = "DROP TABLE IF EXISTS requests; CREATE TABLE requests (%s);" % ", ".join(
                '"%s" TEXT' % c.replace('"', '""') for c in cols)
            run(*psql, "-c", ddl)
            shutil.chown(table, "postgres", "postgres") if as_pg else None
            run(*psql, "-c", "\\copy requests FROM '%s' WITH (FORMAT csv, HEADER true)" % table)
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
                query_path, out, *files = line.rstrip("\n").split("\t")
                with open(query_path, encoding="utf-8") as q:
                    query = q.read()
                table = os.path.join(tmp, f"requests-{i}.csv")
                table_csv(files, table)
                jobs.append((query, table, out))
        {
            "duckdb": run_duckdb,
            "spark": run_spark,
            "postgres": run_postgres,
            "clickhouse": run_clickhouse,
        }[engine](jobs)


if __name__ == "__main__":
    main()
