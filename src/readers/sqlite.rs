//! SQLite databases some agents keep their usage in (OpenCode, GitHub Copilot CLI), opened
//! read-only; their rows become records like any log's.

use std::path::Path;

use super::ReadError;

/// Opens `path` read-only (`label` names it in errors).
pub fn open(path: &Path, label: &str) -> Result<rusqlite::Connection, ReadError> {
    rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| error(label, e))
}

fn error(label: &str, e: rusqlite::Error) -> ReadError {
    ReadError::Format {
        path: label.to_string(),
        message: format!("cannot read the SQLite database: {e}"),
    }
}

/// The names of the database's tables.
pub fn tables(db: &rusqlite::Connection, label: &str) -> Result<Vec<String>, ReadError> {
    rows(
        db,
        label,
        "SELECT name FROM sqlite_master WHERE type = 'table'",
        |r| r.get::<_, String>(0),
    )
}

/// Every row of `sql`, mapped by `f`.
pub fn rows<T>(
    db: &rusqlite::Connection,
    label: &str,
    sql: &str,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, ReadError> {
    let mut st = db.prepare(sql).map_err(|e| error(label, e))?;
    let it = st.query_map([], f).map_err(|e| error(label, e))?;
    it.collect::<Result<Vec<T>, _>>()
        .map_err(|e| error(label, e))
}

/// An instant as SQLite's `CURRENT_TIMESTAMP` writes it (`YYYY-MM-DD HH:MM:SS`, UTC) or as RFC
/// 3339; `col` names the column in the error.
pub fn utc_time(text: &str, col: &str) -> Result<i64, crate::usage::FieldError> {
    let t = text.trim().replacen(' ', "T", 1);
    crate::usage::parse_timestamp_us(&t)
        .or_else(|_| crate::usage::parse_timestamp_us(&format!("{t}Z")))
        .map_err(|e| crate::usage::FieldError::new(col, e.to_string()))
}

/// Column `i` of a row as text, whatever its SQLite type (`None`: NULL or a blob), so that one
/// odd cell is that row's error, not the whole database's.
pub fn text(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<String>> {
    use rusqlite::types::ValueRef;
    Ok(match r.get_ref(i)? {
        ValueRef::Null | ValueRef::Blob(_) => None,
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
    })
}

/// A count column's text (absent: 0), checked as a log's counts are.
pub fn count(v: &Option<String>, col: &str) -> Result<u64, crate::usage::FieldError> {
    match v {
        None => Ok(0),
        Some(s) => crate::usage::parse_count(col, s),
    }
}

/// Every row of `sql` with its `N` columns as text (see [`text`]).
pub fn text_rows<const N: usize>(
    db: &rusqlite::Connection,
    label: &str,
    sql: &str,
) -> Result<Vec<[Option<String>; N]>, ReadError> {
    rows(db, label, sql, |r| {
        let mut row: [Option<String>; N] = std::array::from_fn(|_| None);
        for (i, cell) in row.iter_mut().enumerate() {
            *cell = text(r, i)?;
        }
        Ok(row)
    })
}
