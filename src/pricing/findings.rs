//! Findings of loading and reviewing price files: every problem, with file, line and column.

use std::fmt;

/// How bad a finding is: errors make a book unusable, warnings are worth a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found while loading or validating price files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub file: String,
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.column {
            Some(c) => write!(
                f,
                "{}:{}: {sev}: {}: {}",
                self.file, self.line, c, self.message
            ),
            None => write!(f, "{}:{}: {sev}: {}", self.file, self.line, self.message),
        }
    }
}

/// Loading failed; every finding is listed.
#[derive(Debug, thiserror::Error)]
pub struct PriceBookError {
    pub findings: Vec<Finding>,
}

impl fmt::Display for PriceBookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self
            .findings
            .iter()
            .filter(|x| x.severity == Severity::Error)
            .count();
        writeln!(f, "invalid price table ({errors} error(s)):")?;
        for x in self
            .findings
            .iter()
            .filter(|x| x.severity == Severity::Error)
        {
            writeln!(f, "  {x}")?;
        }
        Ok(())
    }
}

pub(crate) fn finding(
    sev: Severity,
    file: &str,
    line: u64,
    column: Option<&str>,
    message: String,
) -> Finding {
    Finding {
        severity: sev,
        file: file.to_string(),
        line,
        column: column.map(str::to_string),
        message,
    }
}
