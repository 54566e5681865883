//! The few expressions that differ between engines, written by hand per dialect (no
//! transpiler). Everything else in the query is plain SQL every dialect reads the same way:
//! CASE, comparisons, `+ - *`, `substr`, `trim`, `lower`, `length`, `NULLIF`, `count(*)`,
//! `row_number() OVER`, `UNION ALL`. Regular expressions use no backslash (`[.]`, not `\.`),
//! because string-literal escaping differs too.

/// A SQL engine the query can be written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Dialect {
    Duckdb,
    Spark,
    Postgres,
    Trino,
    /// Amazon Athena (engine version 3, which is Trino).
    Athena,
    Bigquery,
    Clickhouse,
    Snowflake,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Duckdb => "duckdb",
            Dialect::Spark => "spark",
            Dialect::Postgres => "postgres",
            Dialect::Trino => "trino",
            Dialect::Athena => "athena",
            Dialect::Bigquery => "bigquery",
            Dialect::Clickhouse => "clickhouse",
            Dialect::Snowflake => "snowflake",
        }
    }

    /// Athena is Trino for everything the query uses.
    fn base(self) -> Dialect {
        match self {
            Dialect::Athena => Dialect::Trino,
            d => d,
        }
    }

    /// A string literal, escaped by the dialect's own rules.
    pub fn lit(self, s: &str) -> String {
        match self.base() {
            // Backslash is an escape character in these dialects' string literals; a line
            // break is written as its escape (BigQuery refuses one inside '...').
            Dialect::Spark | Dialect::Bigquery | Dialect::Clickhouse | Dialect::Snowflake => {
                format!("'{}'", backslashed(s, '\''))
            }
            _ => format!("'{}'", s.replace('\'', "''")),
        }
    }

    /// A quoted identifier (column names such as `timestamp` and `user` are reserved words),
    /// escaped by the dialect's own rules: Spark doubles a backtick; BigQuery and ClickHouse
    /// read backslash escapes inside backticks (a doubled backtick would end the name there);
    /// the others double a double quote.
    pub fn ident(self, s: &str) -> String {
        match self.base() {
            Dialect::Spark => format!("`{}`", s.replace('`', "``")),
            Dialect::Bigquery | Dialect::Clickhouse => format!("`{}`", backslashed(s, '`')),
            _ => format!("\"{}\"", s.replace('"', "\"\"")),
        }
    }

    /// A column as text.
    pub fn text(self, e: &str) -> String {
        match self.base() {
            Dialect::Spark | Dialect::Bigquery => format!("CAST({e} AS STRING)"),
            Dialect::Postgres => format!("CAST({e} AS TEXT)"),
            Dialect::Clickhouse => format!("toString({e})"),
            _ => format!("CAST({e} AS VARCHAR)"),
        }
    }

    /// Text of at most 13 digits (already checked) as a 64-bit integer.
    pub fn int(self, e: &str) -> String {
        match self.base() {
            Dialect::Postgres => format!("CAST({e} AS BIGINT)"),
            Dialect::Bigquery => format!("SAFE_CAST({e} AS INT64)"),
            Dialect::Clickhouse => format!("toInt64OrNull({e})"),
            Dialect::Spark => format!("try_cast({e} AS BIGINT)"),
            _ => format!("TRY_CAST({e} AS BIGINT)"),
        }
    }

    /// Whether text matches a regular expression (the patterns are anchored).
    pub fn matches(self, e: &str, re: &str) -> String {
        let re = self.lit(re);
        match self.base() {
            Dialect::Duckdb => format!("regexp_matches({e}, {re})"),
            Dialect::Spark => format!("({e} RLIKE {re})"),
            Dialect::Postgres => format!("({e} ~ {re})"),
            Dialect::Bigquery => format!("REGEXP_CONTAINS({e}, {re})"),
            Dialect::Clickhouse => format!("match({e}, {re})"),
            Dialect::Snowflake => format!("REGEXP_LIKE({e}, {re})"),
            _ => format!("regexp_like({e}, {re})"),
        }
    }

    /// The first capture group of a regular expression (the text is known to match).
    pub fn extract(self, e: &str, re: &str) -> String {
        let re = self.lit(re);
        match self.base() {
            Dialect::Postgres => format!("substring({e} from {re})"),
            Dialect::Bigquery => format!("REGEXP_EXTRACT({e}, {re})"),
            Dialect::Clickhouse => format!("extract({e}, {re})"),
            Dialect::Snowflake => format!("REGEXP_SUBSTR({e}, {re}, 1, 1, 'e', 1)"),
            _ => format!("regexp_extract({e}, {re}, 1)"),
        }
    }

    /// Text without leading zeros.
    pub fn strip_zeros(self, e: &str) -> String {
        match self.base() {
            Dialect::Duckdb | Dialect::Postgres | Dialect::Bigquery | Dialect::Snowflake => {
                format!("ltrim({e}, '0')")
            }
            _ => format!("trim(LEADING '0' FROM {e})"),
        }
    }

    /// Right-pads text with zeros to `n` characters.
    pub fn pad_zeros(self, e: &str, n: usize) -> String {
        match self.base() {
            Dialect::Clickhouse => format!("rightPad({e}, {n}, '0')"),
            _ => format!("rpad({e}, {n}, '0')"),
        }
    }

    /// Integer division of non-negative integers.
    pub fn div(self, a: &str, b: &str) -> String {
        let (a, b) = (paren(a), paren(b));
        match self.base() {
            Dialect::Duckdb => format!("({a} // {b})"),
            Dialect::Spark => format!("({a} div {b})"),
            Dialect::Bigquery => format!("DIV({a}, {b})"),
            Dialect::Clickhouse => format!("intDiv({a}, {b})"),
            Dialect::Snowflake => format!("FLOOR({a} / {b})"),
            _ => format!("({a} / {b})"),
        }
    }

    /// Remainder of non-negative integers.
    pub fn rem(self, a: &str, b: &str) -> String {
        let (a, b) = (paren(a), paren(b));
        match self.base() {
            Dialect::Bigquery => format!("MOD({a}, {b})"),
            _ => format!("({a} % {b})"),
        }
    }

    /// The sum of a 64-bit column in a type that cannot overflow for any realistic table
    /// (38 digits; ClickHouse's Int128), never narrowed in SQL.
    pub fn big_sum(self, e: &str) -> String {
        match self.base() {
            // Summed as HUGEINT, returned as DECIMAL(38,0): DuckDB writes HUGEINT to Parquet
            // as DOUBLE (digits lost), DECIMAL as an exact decimal.
            Dialect::Duckdb => format!("CAST(sum(CAST({e} AS HUGEINT)) AS DECIMAL(38,0))"),
            Dialect::Postgres => format!("sum(CAST({e} AS NUMERIC(38,0)))"),
            Dialect::Bigquery => format!("sum(CAST({e} AS BIGNUMERIC))"),
            Dialect::Clickhouse => format!("sum(toInt128({e}))"),
            Dialect::Snowflake => format!("sum(CAST({e} AS NUMBER(38,0)))"),
            _ => format!("sum(CAST({e} AS DECIMAL(38,0)))"),
        }
    }

    /// The local date in `tz` of an instant given as UTC microseconds since the epoch,
    /// DST-correct, independent of the session's time zone where the engine allows it.
    pub fn local_day(self, us: &str, tz: &str) -> String {
        let z = self.lit(tz);
        match self.base() {
            Dialect::Duckdb => {
                format!("CAST(timezone({z}, timezone('UTC', make_timestamp({us}))) AS DATE)")
            }
            // from_utc_timestamp reads the session's zone: the query must run with
            // spark.sql.session.timeZone=UTC (the spark-job script sets it).
            Dialect::Spark => format!("to_date(from_utc_timestamp(timestamp_micros({us}), {z}))"),
            Dialect::Postgres => format!(
                "CAST((TIMESTAMPTZ 'epoch' + {us} * INTERVAL '1 microsecond') AT TIME ZONE {z} AS DATE)"
            ),
            Dialect::Bigquery => format!("DATE(TIMESTAMP_MICROS({us}), {z})"),
            Dialect::Clickhouse => {
                format!("toDate(fromUnixTimestamp64Micro({us}, 'UTC'), {z})")
            }
            Dialect::Snowflake => format!(
                "CAST(CONVERT_TIMEZONE('UTC', {z}, TO_TIMESTAMP_NTZ({us}, 6)) AS DATE)"
            ),
            _ => format!("CAST(from_unixtime_nanos({us} * 1000) AT TIME ZONE {z} AS DATE)"),
        }
    }

    /// A field inside a nested column (`input.inputTokenCount`): struct/row field access;
    /// PostgreSQL reads a `jsonb` column, Snowflake a VARIANT path.
    pub fn path(self, segs: &[&str]) -> String {
        let Some((first, rest)) = segs.split_first() else {
            return String::new();
        };
        if rest.is_empty() {
            return self.ident(first);
        }
        match self.base() {
            Dialect::Postgres => {
                let mut e = self.ident(first);
                for (i, s) in rest.iter().enumerate() {
                    let op = if i + 1 == rest.len() { "->>" } else { "->" };
                    e = format!("{e} {op} {}", self.lit(s));
                }
                format!("({e})")
            }
            Dialect::Snowflake => {
                let inner: Vec<String> = rest.iter().map(|s| self.ident(s)).collect();
                format!("{}:{}", self.ident(first), inner.join("."))
            }
            _ => segs
                .iter()
                .map(|s| self.ident(s))
                .collect::<Vec<_>>()
                .join("."),
        }
    }

    /// The value of `key` in a map column of text values, NULL when missing or empty (Spark,
    /// Trino, DuckDB, ClickHouse maps; PostgreSQL `jsonb`; BigQuery JSON; Snowflake VARIANT).
    pub fn map_get(self, map: &str, key: &str) -> String {
        let k = self.lit(key);
        let e = match self.base() {
            Dialect::Spark => format!("try_element_at({map}, {k})"),
            Dialect::Trino => format!("element_at({map}, {k})"),
            Dialect::Postgres => format!("({map} ->> {k})"),
            Dialect::Bigquery => format!("JSON_VALUE({map}, {})", self.lit(&json_path(&[key]))),
            Dialect::Snowflake => format!("CAST(GET({map}, {k}) AS VARCHAR)"),
            _ => format!("{map}[{k}]"),
        };
        format!("NULLIF({e}, '')")
    }

    /// A scalar inside JSON text (or a JSON column) as text; NULL when missing.
    pub fn json_text(self, e: &str, path: &[&str]) -> String {
        let jp = self.lit(&json_path(path));
        match self.base() {
            Dialect::Postgres => {
                let p: Vec<String> = path
                    .iter()
                    .map(|s| s.replace(['{', '}', ',', '"'], ""))
                    .collect();
                format!(
                    "(CAST({e} AS jsonb) #>> {})",
                    self.lit(&format!("{{{}}}", p.join(",")))
                )
            }
            Dialect::Duckdb => format!("json_extract_string({e}, {jp})"),
            Dialect::Spark => format!("get_json_object({e}, {jp})"),
            Dialect::Bigquery => format!("JSON_VALUE({e}, {jp})"),
            Dialect::Clickhouse => {
                let keys: Vec<String> = path.iter().map(|s| self.lit(s)).collect();
                format!(
                    "NULLIF(trim(BOTH '\"' FROM JSONExtractRaw({e}, {})), '')",
                    keys.join(", ")
                )
            }
            Dialect::Snowflake => format!(
                "CAST(GET_PATH(PARSE_JSON({e}), {}) AS VARCHAR)",
                self.lit(&path.join("."))
            ),
            _ => format!("json_extract_scalar({e}, {jp})"),
        }
    }

    /// A timestamp column as UTC text (ClickHouse renders DateTime64 in the server's zone
    /// unless told; the others need the session zone UTC for zoned types).
    pub fn ts_text(self, e: &str) -> String {
        match self.base() {
            Dialect::Clickhouse => format!("toString({e}, 'UTC')"),
            _ => self.text(e),
        }
    }

    /// A typed NULL: `text`, `int` (64-bit), `big` (a sum), `date`.
    pub fn null(self, ty: &str) -> String {
        let t = match (self.base(), ty) {
            (Dialect::Clickhouse, "text") => "Nullable(String)",
            (Dialect::Clickhouse, "int") => "Nullable(Int64)",
            (Dialect::Clickhouse, "big") => "Nullable(Int128)",
            (Dialect::Clickhouse, _) => "Nullable(Date)",
            (Dialect::Spark | Dialect::Bigquery, "text") => "STRING",
            (Dialect::Bigquery, "int") => "INT64",
            (Dialect::Postgres, "text") => "TEXT",
            (_, "text") => "VARCHAR",
            (_, "int") => "BIGINT",
            (d, "big") => match d {
                Dialect::Postgres => "NUMERIC(38,0)",
                Dialect::Bigquery => "BIGNUMERIC",
                Dialect::Snowflake => "NUMBER(38,0)",
                _ => "DECIMAL(38,0)",
            },
            _ => "DATE",
        };
        format!("CAST(NULL AS {t})")
    }
}

/// A JSONPath (`$.a."b-c"`) for the engines' JSON functions.
fn json_path(path: &[&str]) -> String {
    let mut p = String::from("$");
    for s in path {
        if s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            p.push('.');
            p.push_str(s);
        } else {
            p.push_str(&format!(".\"{}\"", s.replace('"', "")));
        }
    }
    p
}

/// An operand in parentheses unless it is a plain name, number or already parenthesised call.
fn paren(e: &str) -> String {
    if e.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        e.to_string()
    } else {
        format!("({e})")
    }
}

/// `s` for a quoted literal or identifier closed by `quote` in a dialect where backslash
/// escapes: backslash, the quote and line breaks escaped.
fn backslashed(s: &str, quote: char) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name and a value built to break out of a quoted identifier or literal in each dialect:
    /// a backslash before the closing quote, both quote characters, a line break.
    const NAME: &str = "we\\`ird\"na\\me\\";
    const VALUE: &str = "it's a \\' trap\\\nnext";

    #[test]
    fn identifiers_are_escaped_by_each_dialects_rules() {
        assert_eq!(Dialect::Spark.ident(NAME), "`we\\``ird\"na\\me\\`");
        for d in [Dialect::Bigquery, Dialect::Clickhouse] {
            assert_eq!(
                d.ident(NAME),
                "`we\\\\\\`ird\"na\\\\me\\\\`",
                "{}",
                d.name()
            );
        }
        for d in [
            Dialect::Duckdb,
            Dialect::Postgres,
            Dialect::Trino,
            Dialect::Athena,
            Dialect::Snowflake,
        ] {
            assert_eq!(d.ident(NAME), "\"we\\`ird\"\"na\\me\\\"", "{}", d.name());
        }
    }

    #[test]
    fn literals_are_escaped_by_each_dialects_rules() {
        for d in [
            Dialect::Spark,
            Dialect::Bigquery,
            Dialect::Clickhouse,
            Dialect::Snowflake,
        ] {
            assert_eq!(
                d.lit(VALUE),
                "'it\\'s a \\\\\\' trap\\\\\\nnext'",
                "{}",
                d.name()
            );
        }
        for d in [
            Dialect::Duckdb,
            Dialect::Postgres,
            Dialect::Trino,
            Dialect::Athena,
        ] {
            assert_eq!(d.lit(VALUE), "'it''s a \\'' trap\\\nnext'", "{}", d.name());
        }
    }
}
