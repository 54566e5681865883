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
        {"duckdb": run_duckdb, "spark": run_spark}[engine](jobs)


if __name__ == "__main__":
    main()
