//! `tokenledger spark-job`: a PySpark script around the Spark query, for `spark-submit`, EMR,
//! Dataproc or a Databricks job. It forces what the query needs (session time zone UTC, ANSI
//! mode, so a sum can never wrap or turn NULL silently), reads the files, fills in the
//! canonical columns a source lacks, and writes the aggregates as one CSV.

use super::QuerySpec;
use crate::pricing::PriceBook;
use crate::usage::col;

/// The script. `source` is what `spark.read` loads; `format` is parquet, csv or json. Both
/// reach the script only as Python string literals (JSON's escapes are Python's), never inside
/// the docstring or the query: a path with backslashes (Windows) or quotes stays a string.
pub fn job(spec: &QuerySpec, book: &PriceBook, source: &str, format: &str) -> String {
    let query = super::query(spec, book);
    let query_literal = if query.contains("\"\"\"") || query.ends_with('\\') {
        serde_json::to_string(&query).unwrap_or_default()
    } else {
        format!("r\"\"\"\n{query}\"\"\"")
    };
    // A canonical source gets the columns it lacks; an adapter's JSON is read with its schema.
    let columns: Vec<String> = match spec.log_format {
        super::LogFormat::Canonical => col::KNOWN.iter().map(|c| format!("{c:?}")).collect(),
        _ => Vec::new(),
    };
    let schema = spec.log_format.spark_schema().filter(|_| format == "json");
    let py = |s: &str| serde_json::to_string(s).unwrap_or_default();
    format!(
        r#"#!/usr/bin/env python3
"""Aggregates for `tokenledger report --aggregates`, written by tokenledger {version} spark-job.

    spark-submit this.py OUT_DIR      (EMR, Dataproc: a PySpark step; Databricks: a Python task)

Reads SOURCE (in FORMAT, both below), sums the rows per local day, price epoch and group with
the query below, and writes the result as one CSV under OUT_DIR (a local folder gets
OUT_DIR/aggregates.csv).
Pass that file to tokenledger with the same --month/--from/--to, --tz and --by.
"""
import glob
import os
import shutil
import sys

from pyspark.sql import SparkSession, functions as F

SOURCE = {source_lit}
FORMAT = {format_lit}
CANONICAL = [{columns}]
SCHEMA = {schema}
QUERY = {query_literal}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: spark-submit " + sys.argv[0] + " OUT_DIR")
    out = sys.argv[1]
    spark = SparkSession.builder.appName("tokenledger aggregates").getOrCreate()
    # Day buckets and epochs are computed in UTC; ANSI mode makes an overflow an error.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.ansi.enabled", "true")
    reader = spark.read.format(FORMAT)
    if SCHEMA:
        reader = reader.schema(SCHEMA)
    if FORMAT == "csv":
        reader = reader.option("header", True).option("multiLine", True).option("escape", '"')
    df = reader.load(SOURCE)
    # The reading order for dedupe: file, then row (Parquet's row index; CSV and JSON rows keep
    # their file order in the ids Spark assigns while reading).
    row = F.col("_metadata.row_index") if FORMAT == "parquet" else F.monotonically_increasing_id()
    df = df.withColumn("_tl_file", F.col("_metadata.file_path")).withColumn("_tl_row", row)
    for c in CANONICAL:
        if c not in df.columns:
            df = df.withColumn(c, F.lit(None).cast("string"))
    df.createOrReplaceTempView("requests")
    result = spark.sql(QUERY)
    # RFC 4180 quoting (Spark escapes quotes with a backslash by default).
    result.coalesce(1).write.mode("overwrite").option("header", True).option("escape", '"').csv(out)
    if "://" not in out or out.startswith("file:"):
        local = out[len("file:"):] if out.startswith("file:") else out
        parts = glob.glob(os.path.join(local, "part-*.csv"))
        if len(parts) == 1:
            shutil.move(parts[0], os.path.join(local, "aggregates.csv"))
            print("tokenledger aggregates: " + os.path.join(local, "aggregates.csv"))
    spark.stop()


if __name__ == "__main__":
    main()
"#,
        version = env!("CARGO_PKG_VERSION"),
        source_lit = py(source),
        format_lit = py(format),
        columns = columns.join(", "),
        schema = schema.map_or_else(|| "None".to_string(), py),
    )
}
