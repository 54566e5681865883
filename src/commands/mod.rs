//! Layer 5, the command line: one file per subcommand that turns parsed arguments into
//! validated settings, calls the library and renders (as uv's `commands/`). What the usage
//! commands share has one file per concern (as ripgrep's `flags/`): `settings` (arguments to
//! validated settings and the job), `book`, `logs` (which files), `aggregate` (the run),
//! `dims` (`--by`/`--where` names), `progress`, `style`; `messages` owns standard error,
//! `report_page` builds the HTML page and the report folder. Commands propagate the library's typed errors; [`UsageError`] marks a bad
//! command line and the crate root's `exit_code` classifies every error in one place. Commands do no
//! arithmetic on money and hold no state between runs.

pub mod aggregate;
pub mod audit;
pub mod book;
pub mod chart;
pub mod check;
pub mod columns;
pub mod compare;
pub mod convert;
pub mod coverage;
pub mod dims;
pub mod errors;
pub mod focus;
pub mod generated;
pub mod import;
pub mod ledger;
pub mod ledger_status;
pub mod logs;
pub mod messages;
pub mod previous;
pub mod prices;
pub mod progress;
pub mod reconcile;
pub mod report;
pub mod report_bill;
pub mod report_page;
pub mod settings;
pub mod sql;
pub mod style;
pub mod update;
pub mod values;
pub mod why;

use crate::cli::{Cli, Command};

/// A mistake in how tokenledger was called (exit 2). `Flag` names the option whose value is
/// wrong and keeps the library's error as its source, so the message reads
/// `--tz: unknown time zone "Mars/Olympus" (...)`.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("{flag}")]
    Flag {
        flag: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{0}")]
    Message(String),
}

impl UsageError {
    /// Wraps an error of `flag`'s value: `.map_err(UsageError::flag("--tz"))`.
    pub fn flag<E: std::error::Error + Send + Sync + 'static>(
        flag: &'static str,
    ) -> impl FnOnce(E) -> UsageError {
        move |e| UsageError::Flag {
            flag,
            source: Box::new(e),
        }
    }
}

/// A problem found in the data that the command makes an error of (exit 1): `--strict`
/// findings, nothing to chart, an invalid price table under `prices validate`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DataError(pub String);

pub fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Report(args) => report::run(args, &["month", "provider", "model"]),
        // The provider too: one model id sold by two providers is two rows.
        Command::Daily(args) => report::run(args, &["day", "provider", "model"]),
        Command::Monthly(args) => report::run(args, &["month", "provider", "model"]),
        Command::Session(args) => report::run(args, &["session", "project"]),
        Command::Prices(cmd) => prices::run(cmd),
        Command::Convert(args) => convert::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Reconcile(args) => reconcile::run(args),
        Command::Check(args) => check::run(args),
        Command::Chart(args) => chart::run(args),
        Command::Errors(args) => errors::run(args),
        Command::Columns(args) => columns::run(args),
        Command::Ledger(cmd) => match cmd {
            crate::cli::LedgerCommand::Sync(a) => ledger::sync(a),
            crate::cli::LedgerCommand::Import(a) => ledger::import(a),
            crate::cli::LedgerCommand::Status(a) => ledger_status::run(a),
        },
        Command::Sql(args) => sql::run(args),
        Command::SparkJob(args) => sql::run_spark_job(args),
        Command::Completions { shell } => {
            // Into memory first: clap_complete panics on a failed write (a closed pipe).
            let mut script = Vec::new();
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "tokenledger", &mut script);
            let mut out = std::io::stdout().lock();
            std::io::Write::write_all(&mut out, &script)?;
            std::io::Write::flush(&mut out)?;
            Ok(())
        }
    }
}

/// What `tokenledger --version` prints: the program's version, then the price book compiled
/// into it (how many versions, the newest effective date, and the fingerprint a report states
/// as `pricing.book_fingerprint`), so "which prices did this binary use?" has an answer.
pub fn version_text() -> String {
    let mut text = format!("tokenledger {}\n", env!("CARGO_PKG_VERSION"));
    match crate::pricing::PriceBook::embedded() {
        Ok(book) => {
            let now = chrono::Utc::now().timestamp_micros();
            let date = |r: &crate::pricing::PriceRow| {
                r.effective_from
                    .get(..10)
                    .unwrap_or(&r.effective_from)
                    .to_string()
            };
            let (past, later): (Vec<_>, Vec<_>) =
                book.rows().iter().partition(|r| r.effective_from_us <= now);
            let newest = past
                .iter()
                .max_by_key(|r| r.effective_from_us)
                .map(|r| date(r))
                .unwrap_or_else(|| "-".into());
            let info = crate::report::PricingInfo {
                files: book.files().to_vec(),
                versions_used: Vec::new(),
                checked_at: None,
                newest_price: None,
            };
            text.push_str(&format!(
                "price book: {} price rows in {} files, newest in force {newest}",
                crate::money::count(book.rows().len() as u64),
                book.files().len(),
            ));
            if let Some(last) = later.iter().max_by_key(|r| r.effective_from_us) {
                text.push_str(&format!(
                    " ({} scheduled, until {})",
                    crate::money::count(later.len() as u64),
                    date(last)
                ));
            }
            if let Some(c) = book.checked_at() {
                text.push_str(&format!(
                    "\nchecked against its sources on {c}; newest price {}",
                    book.newest_price().unwrap_or_else(|| "-".into())
                ));
            }
            text.push_str(&format!(
                "\nbook fingerprint: {} (reports state it as book_fingerprint)\n",
                info.fingerprint(false)
            ));
        }
        Err(e) => text.push_str(&format!("price book: invalid ({e})\n")),
    }
    text
}
