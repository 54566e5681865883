//! `convert`: canonical files in every writable format, native logs to canonical.

use super::*;

/// `convert --logs <logs> --to <to> --output <out>`, which must succeed.
fn convert(logs: impl AsRef<std::path::Path>, to: &str, out: &str) -> Out {
    Tl::convert()
        .logs(logs)
        .args(["--to", to, "--output", out])
        .ok()
}

#[test]
fn convert_round_trips_through_every_writable_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).display().to_string();
    // From the basic fixture (its 4 bad rows are rejected and reported) and the bundled sample.
    convert("logs/basic.csv", "csv", &p("a.csv"))
        .stderr_has("wrote 10 rows")
        .stderr_has("4 rows rejected");
    convert(root().join("data"), "csv", &p("sample.csv"));
    for (src, base) in [("a.csv", "a"), ("sample.csv", "sample")] {
        for to in ["jsonl", "parquet", "csv"] {
            let mid = p(&format!("{base}-mid.{to}"));
            convert(p(src), to, &mid);
            let back = p(&format!("{base}-back-{to}.csv"));
            convert(&mid, "csv", &back);
            assert_eq!(
                std::fs::read_to_string(p(src)).unwrap(),
                std::fs::read_to_string(&back).unwrap(),
                "{src} -> {to} -> csv changed the data"
            );
        }
    }
    // The converted sample gives the same report as the original files.
    let by = ["--by", "month,provider,model,user,project,api_key,region"];
    let original = Tl::report().args(by).json();
    let converted = Tl::report().logs(p("sample-mid.parquet")).args(by).json();
    assert_eq!(original["rows"], converted["rows"]);
    assert_eq!(original["total"], converted["total"]);
    // Extra columns survive (basic.csv has "team").
    let header = std::fs::read_to_string(p("a.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        header.ends_with(",long_context,service_tier,team"),
        "{header}"
    );
}

#[test]
fn convert_native_logs_to_canonical() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("claude.csv");
    convert("native/claude", "csv", out.to_str().unwrap());
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with(",long_context,service_tier,agent,session"),
        "{text}"
    );
    // The canonical file prices exactly like the transcripts.
    let v = Tl::report().logs(&out).book("native/pricing").json();
    assert_eq!(v["total"]["cost_usd"], "0.009898");
}

#[test]
fn free_form_keys_named_like_canonical_columns_do_not_clobber_them() {
    let line = "{\"schemaType\":\"ModelInvocationLog\",\"timestamp\":\"2025-08-16T00:00:00Z\",\"requestId\":\"r\",\"operation\":\"Converse\",\"modelId\":\"meta.llama3-3-70b-instruct-v1:0\",\"input\":{\"inputTokenCount\":1000},\"output\":{\"outputTokenCount\":0},\"requestMetadata\":{\"model\":\"my-app\",\"input_tokens\":\"5\"}}\n";
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("b.jsonl");
    std::fs::write(&src, line).unwrap();
    for to in ["csv", "jsonl", "parquet"] {
        let out_path = dir.path().join(format!("c.{to}"));
        convert(&src, to, out_path.to_str().unwrap());
        let v = Tl::report()
            .logs(&out_path)
            .book("native/pricing")
            .args(["--by", "model,extra.model"])
            .json();
        assert_eq!(v["total"]["input_tokens"], 1000, "{to}");
        assert_eq!(
            v["rows"][0]["model"], "meta.llama3-3-70b-instruct-v1:0",
            "{to}"
        );
        assert_eq!(v["rows"][0]["extra.model"], "my-app", "{to}");
    }
}
