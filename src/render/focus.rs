//! FOCUS CSV: the typed FOCUS rows (see `report::focus`) with their columns, text cells
//! neutralised against spreadsheet formulas.

use std::io::{self, Write};

use crate::report::focus::{FocusRow, COLUMNS};

/// Writes the rows as CSV (text cells neutralised against spreadsheet formulas).
pub fn write(rows: &[FocusRow], w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(COLUMNS)?;
    for r in rows {
        out.write_record(
            r.cells
                .iter()
                .map(|c| crate::text::neutralise(c).into_owned()),
        )?;
    }
    out.flush()
}
