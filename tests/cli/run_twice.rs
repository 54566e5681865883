//! `tokenledger::run` is callable in-process, more than once, with nothing left over between
//! calls (no global state).

use std::process::ExitCode;

#[test]
fn run_twice_in_process_gives_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    let logs = super::fixture("logs/basic.csv");
    let book = super::fixture("pricing/test.csv");
    let call = |to: &std::path::Path, extra: &[&str]| {
        let mut args: Vec<std::ffi::OsString> = ["tokenledger", "report", "--logs", &logs]
            .iter()
            .map(Into::into)
            .collect();
        args.extend(["--pricing", &book, "--format", "json", "--output"].map(Into::into));
        args.push(to.into());
        args.extend(extra.iter().map(Into::into));
        tokenledger::run(args)
    };
    let ok = ExitCode::SUCCESS;
    assert_eq!(call(&out("a.json"), &[]), ok);
    // A different call in between (another zone, another period) must not leak into the third.
    let b = call(
        &out("b.json"),
        &["--tz", "America/New_York", "--month", "2025-06"],
    );
    assert_eq!(b, ok);
    assert_eq!(call(&out("c.json"), &[]), ok);
    let read = |n: &str| std::fs::read_to_string(out(n)).unwrap();
    assert_eq!(read("a.json"), read("c.json"));
    let a: serde_json::Value = serde_json::from_str(&read("a.json")).unwrap();
    let b: serde_json::Value = serde_json::from_str(&read("b.json")).unwrap();
    // The hand-computed totals of basic.csv (main.rs): all of it, and June in New York.
    assert_eq!(a["total"]["cost_usd"], "17.5");
    assert_eq!(b["total"]["cost_usd"], "17.5");
    assert_eq!(b["period"]["tz"], "America/New_York");
    // A usage error comes back as exit code 2, not a process exit; the next call still works.
    let bad = call(&out("d.json"), &["--tz", "Mars/Olympus"]);
    assert_eq!(bad, ExitCode::from(2));
    assert_eq!(call(&out("e.json"), &[]), ok);
    assert_eq!(read("e.json"), read("a.json"));
}
