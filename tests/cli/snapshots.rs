//! Snapshots of every `--help` and of what tokenledger says on typical mistakes (stderr and
//! exit code). Paths under the crate root print as `[ROOT]`, the version as `X.Y.Z`.

use insta::assert_snapshot;

use super::*;

fn clean(s: &str) -> String {
    s.replace(&root().display().to_string(), "[ROOT]")
        .replace(env!("CARGO_PKG_VERSION"), "X.Y.Z")
}

/// Every command and subcommand, as `tokenledger <path> --help` prints it.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["report"],
    &["prices"],
    &["prices", "list"],
    &["prices", "history"],
    &["prices", "validate"],
    &["prices", "diff"],
    &["prices", "update"],
    &["prices", "why"],
    &["prices", "coverage"],
    &["prices", "import-litellm"],
    &["prices", "audit"],
    &["reconcile"],
    &["check"],
    &["convert"],
    &["compare"],
    &["chart"],
    &["errors"],
    &["columns"],
    &["ledger"],
    &["ledger", "sync"],
    &["ledger", "import"],
    &["ledger", "status"],
    &["sql"],
    &["spark-job"],
    &["daily"],
    &["monthly"],
    &["session"],
    &["completions"],
];

#[test]
fn every_help_page() {
    for path in COMMANDS {
        let out = Tl::cmd(path.iter().chain(&["--help"])).ok();
        assert!(out.stderr.is_empty(), "{path:?}: {}", out.stderr);
        let name = if path.is_empty() {
            "help".to_string()
        } else {
            format!("help_{}", path.join("_"))
        };
        assert_snapshot!(name, clean(&out.stdout));
    }
}

#[test]
fn the_command_list_matches_the_help() {
    // A new command without a help snapshot fails here: the list above must name it.
    let top = Tl::cmd(["--help"]).ok();
    let prices = Tl::cmd(["prices", "--help"]).ok();
    let names = |text: &str| -> Vec<String> {
        text.lines()
            .skip_while(|l| !l.starts_with("Commands:"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .filter(|n| n != "help")
            .collect()
    };
    for n in names(&top.stdout) {
        assert!(
            COMMANDS.contains(&&[n.as_str()][..]),
            "no snapshot of {n} --help"
        );
    }
    for n in names(&prices.stdout) {
        assert!(
            COMMANDS.contains(&&["prices", n.as_str()][..]),
            "no snapshot of prices {n} --help"
        );
    }
}

/// A mistake: its arguments, the exit code it must give, and a snapshot name.
struct Mistake {
    name: &'static str,
    args: Vec<String>,
    code: i32,
}

fn mistake(name: &'static str, code: i32, args: &[&str]) -> Mistake {
    Mistake {
        name,
        args: args.iter().map(|s| s.to_string()).collect(),
        code,
    }
}

#[test]
fn typical_mistakes_say_what_to_do() {
    let basic_logs = fixture("logs/basic.csv");
    let book = fixture("pricing/test.csv");
    let report = |extra: &[&str]| -> Vec<String> {
        let mut a = vec!["report", "--logs", &basic_logs, "--pricing", &book];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect()
    };
    let mut cases = vec![
        mistake("unknown_command", 2, &["reprot"]),
        mistake("missing_command", 2, &[]),
        mistake("unknown_flag", 2, &["report", "--bye", "model"]),
        mistake(
            "report_bad_price_book",
            1,
            &["report", "--pricing", "tests/data/bad-pricing"],
        ),
        mistake(
            "logs_not_found",
            2,
            &["report", "--logs", "/nonexistent/logs"],
        ),
        mistake(
            "compare_unknown_provider",
            2,
            &["compare", "--providers", "nowhere"],
        ),
        mistake(
            "compare_bad_substitute",
            2,
            &["compare", "--substitute", "nonsense"],
        ),
        mistake(
            "errors_bad_rate_limit",
            2,
            &["errors", "--rate-limit", "20/h"],
        ),
        mistake(
            "history_unknown_model",
            2,
            &["prices", "history", "no-such-model"],
        ),
        mistake(
            "validate_broken_book",
            1,
            &["prices", "validate", "tests/data/bad-pricing"],
        ),
        mistake(
            "chart_bad_extension",
            2,
            &["chart", "daily", "--output", "chart.gif"],
        ),
        mistake(
            "chart_bad_size",
            2,
            &["chart", "daily", "--output", "c.png", "--width", "10"],
        ),
    ];
    for (name, code, extra) in [
        ("report_bad_format", 2, &["--format", "xml"][..]),
        ("report_by_a_measure", 2, &["--by", "input_tokens"]),
        ("report_bad_month", 2, &["--month", "2025-13"]),
        ("report_bad_zone", 2, &["--tz", "Mars/Olympus"]),
        ("report_bad_date", 2, &["--from", "yesterday"]),
        (
            "report_reversed_period",
            2,
            &["--from", "2025-07-01", "--to", "2025-06-01"],
        ),
        (
            "report_out_dir_and_output",
            2,
            &["--out-dir", "x", "--output", "y"],
        ),
        (
            "report_strict_with_problems",
            1,
            &["--strict", "--format", "csv"],
        ),
    ] {
        cases.push(Mistake {
            name,
            args: report(extra),
            code,
        });
    }
    for m in cases {
        let out = Tl::cmd(&m.args).run();
        assert_eq!(out.code, m.code, "{}: {}", m.name, out.stderr);
        assert!(!out.stderr.is_empty(), "{}: says nothing", m.name);
        // No panic, no backtrace, whatever the mistake.
        assert!(
            !out.stderr.contains("panicked"),
            "{}: {}",
            m.name,
            out.stderr
        );
        assert_snapshot!(format!("mistake_{}", m.name), clean(&out.stderr));
    }
}
