//! Deterministic generator of canonical request logs: the bundled sample in `data/` and large
//! benchmark files. Same arguments, same bytes, on every machine.
//!
//! ```text
//! cargo run --release --example generate -- sample data
//! cargo run --release --example generate -- bench --rows 10000000 --output bench/out/requests-10m.csv
//! ```

// A developer tool: it prints what it wrote and stops on any error.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// splitmix64: tiny, fast and fully determined by its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
    /// Roughly log-normal token counts between lo and hi.
    fn tokens(&mut self, lo: u64, hi: u64) -> u64 {
        let a = self.below(hi - lo + 1);
        let b = self.below(hi - lo + 1);
        lo + a.min(b)
    }
}

struct Model {
    provider: &'static str,
    model: &'static str,
    /// Relative traffic weight.
    weight: u64,
    /// First day (YYYY-MM-DD) the model is used in the sample.
    from: &'static str,
    cache: Cache,
    reasoning: bool,
    batch: bool,
    regions: &'static [&'static str],
}

#[derive(Clone, Copy, PartialEq)]
enum Cache {
    None,
    /// OpenAI style: automatic cache reads.
    Read,
    /// Anthropic style: cache reads and writes.
    ReadWrite,
}

const MODELS: &[Model] = &[
    m(
        "aws-bedrock",
        "meta.llama3-1-70b-instruct-v1:0",
        6,
        "2025-05-01",
        Cache::None,
        false,
        true,
        &["us-east-1", "us-west-2"],
    ),
    m(
        "aws-bedrock",
        "meta.llama3-1-8b-instruct-v1:0",
        5,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &["us-east-1"],
    ),
    m(
        "aws-bedrock",
        "us.meta.llama3-3-70b-instruct-v1:0",
        7,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &["us-east-1", "us-east-2", "us-west-2"],
    ),
    m(
        "aws-bedrock",
        "us.meta.llama4-maverick-17b-instruct-v1:0",
        4,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &["us-east-1"],
    ),
    m(
        "azure",
        "Llama-3.3-70B-Instruct",
        4,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &["eastus2"],
    ),
    m(
        "azure",
        "Meta-Llama-3.1-8B-Instruct",
        2,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &["eastus2"],
    ),
    m(
        "azure",
        "Llama-4-Maverick-17B-128E-Instruct-FP8",
        2,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &["swedencentral"],
    ),
    m(
        "vertex-ai",
        "meta/llama-3.3-70b-instruct-maas",
        3,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &["us-central1"],
    ),
    m(
        "vertex-ai",
        "meta/llama-4-maverick-17b-128e-instruct-maas",
        3,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &["us-east5"],
    ),
    m(
        "together",
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        5,
        "2025-05-01",
        Cache::Read,
        false,
        false,
        &[],
    ),
    m(
        "together",
        "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
        3,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &[],
    ),
    m(
        "together",
        "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
        3,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &[],
    ),
    m(
        "groq",
        "llama-3.3-70b-versatile",
        5,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &[],
    ),
    m(
        "groq",
        "llama-3.1-8b-instant",
        4,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &[],
    ),
    m(
        "groq",
        "meta-llama/llama-4-maverick-17b-128e-instruct",
        3,
        "2025-05-01",
        Cache::None,
        false,
        false,
        &[],
    ),
    m(
        "openai",
        "gpt-4o",
        6,
        "2025-05-01",
        Cache::Read,
        false,
        true,
        &[],
    ),
    m(
        "openai",
        "gpt-4o-mini",
        8,
        "2025-05-01",
        Cache::Read,
        false,
        true,
        &[],
    ),
    m(
        "openai",
        "gpt-4.1",
        5,
        "2025-05-01",
        Cache::Read,
        false,
        false,
        &[],
    ),
    m(
        "openai",
        "o3",
        4,
        "2025-05-01",
        Cache::Read,
        true,
        false,
        &[],
    ),
    m(
        "anthropic",
        "claude-3-5-haiku-20241022",
        5,
        "2025-05-01",
        Cache::ReadWrite,
        false,
        false,
        &[],
    ),
    m(
        "anthropic",
        "claude-sonnet-4-20250514",
        7,
        "2025-05-22",
        Cache::ReadWrite,
        false,
        true,
        &[],
    ),
];

#[allow(clippy::too_many_arguments)]
const fn m(
    provider: &'static str,
    model: &'static str,
    weight: u64,
    from: &'static str,
    cache: Cache,
    reasoning: bool,
    batch: bool,
    regions: &'static [&'static str],
) -> Model {
    Model {
        provider,
        model,
        weight,
        from,
        cache,
        reasoning,
        batch,
        regions,
    }
}

const USERS: &[&str] = &["alice", "bob", "carol", "dave", "erin", "frank", "grace"];
const PROJECTS: &[&str] = &["search", "support-bot", "analytics", "code-review"];

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + (m <= 2) as i64, m, d)
}

fn day_of(s: &str) -> i64 {
    let p: Vec<i64> = s.split('-').map(|x| x.parse().unwrap()).collect();
    days_from_civil(p[0], p[1], p[2])
}

fn timestamp(secs: i64) -> String {
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

struct Row {
    ts: i64,
    provider: &'static str,
    model: &'static str,
    input: u64,
    output: u64,
    cache_read: u64,
    cache_write: u64,
    reasoning: u64,
    request_id: String,
    status: u16,
    user: &'static str,
    project: &'static str,
    api_key: String,
    region: &'static str,
    batch: bool,
}

fn gen_row(rng: &mut Rng, ts: i64, n: u64, models: &[&Model], total_weight: u64) -> Row {
    let mut pick = rng.below(total_weight);
    let mut model = models[0];
    for md in models {
        if pick < md.weight {
            model = md;
            break;
        }
        pick -= md.weight;
    }
    let user_i = rng.below(USERS.len() as u64) as usize;
    let project = PROJECTS[(user_i + rng.below(2) as usize) % PROJECTS.len()];
    let mut input = rng.tokens(200, 12_000);
    let mut output = rng.tokens(20, 2_000);
    let mut cache_read = 0;
    let mut cache_write = 0;
    match model.cache {
        Cache::None => {}
        Cache::Read => {
            if rng.chance(400) {
                cache_read = input / 1024 * 1024 * (1 + rng.below(3)) / 4;
            }
        }
        Cache::ReadWrite => {
            if rng.chance(500) {
                cache_read = input * (2 + rng.below(6)) / 10;
            }
            if rng.chance(150) {
                cache_write = (input - cache_read) / 2;
            }
        }
    }
    let reasoning = if model.reasoning {
        output * (3 + rng.below(5)) / 10
    } else {
        0
    };
    let mut status = 200;
    if rng.chance(25) {
        status = [429, 429, 429, 401, 408, 500, 503][rng.below(7) as usize];
        if status != 500 {
            input = 0;
            output = 0;
            cache_read = 0;
            cache_write = 0;
        } else {
            // A stream cut off by a server error: billed for what was processed.
            output /= 4;
        }
    }
    let reasoning = reasoning.min(output);
    let region = if model.regions.is_empty() {
        ""
    } else {
        model.regions[rng.below(model.regions.len() as u64) as usize]
    };
    Row {
        ts,
        provider: model.provider,
        model: model.model,
        input,
        output,
        cache_read,
        cache_write,
        reasoning,
        request_id: format!(
            "req_{:016x}",
            n.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5bd1_e995
        ),
        status,
        user: USERS[user_i],
        project,
        api_key: format!(
            "sk-{}-{:012x}",
            project,
            (user_i as u64 + 1) * 0x1f2e_3d4c_5b6a
        ),
        region,
        batch: model.batch && rng.chance(120),
    }
}

const HEADER: &str = "timestamp,provider,model,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,reasoning_tokens,request_id,status,user,project,api_key,region,batch";

fn csv_line(r: &Row) -> String {
    format!(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        timestamp(r.ts),
        r.provider,
        r.model,
        r.input,
        r.output,
        r.cache_read,
        r.cache_write,
        r.reasoning,
        r.request_id,
        r.status,
        r.user,
        r.project,
        r.api_key,
        r.region,
        r.batch
    )
}

fn json_line(r: &Row) -> String {
    let region = if r.region.is_empty() {
        String::new()
    } else {
        format!(",\"region\":\"{}\"", r.region)
    };
    format!(
        "{{\"timestamp\":\"{}\",\"provider\":\"{}\",\"model\":\"{}\",\"input_tokens\":{},\"output_tokens\":{},\"cache_read_tokens\":{},\"cache_write_tokens\":{},\"reasoning_tokens\":{},\"request_id\":\"{}\",\"status\":{},\"user\":\"{}\",\"project\":\"{}\",\"api_key\":\"{}\"{},\"batch\":{}}}",
        timestamp(r.ts),
        r.provider,
        r.model,
        r.input,
        r.output,
        r.cache_read,
        r.cache_write,
        r.reasoning,
        r.request_id,
        r.status,
        r.user,
        r.project,
        r.api_key,
        region,
        r.batch
    )
}

/// Rows of one month, sorted by time, with a few re-logged duplicates.
fn month_rows(rng: &mut Rng, year: i64, month: i64, rows: u64, counter: &mut u64) -> Vec<Row> {
    let start = days_from_civil(year, month, 1);
    let end = if month == 12 {
        days_from_civil(year + 1, 1, 1)
    } else {
        days_from_civil(year, month + 1, 1)
    };
    let mut times: Vec<i64> = (0..rows)
        .map(|_| start * 86_400 + rng.below(((end - start) * 86_400) as u64) as i64)
        .collect();
    times.sort();
    let mut out = Vec::with_capacity(rows as usize);
    for ts in times {
        let day = ts.div_euclid(86_400);
        let models: Vec<&Model> = MODELS.iter().filter(|m| day_of(m.from) <= day).collect();
        let total: u64 = models.iter().map(|m| m.weight).sum();
        *counter += 1;
        let row = gen_row(rng, ts, *counter, &models, total);
        // About 1 in 200 requests is logged twice (a retried log shipper): same request_id.
        let dup = rng.chance(5);
        if dup {
            let copy = Row {
                request_id: row.request_id.clone(),
                api_key: row.api_key.clone(),
                ..row
            };
            out.push(copy);
            let last = out.last().unwrap();
            out.push(Row {
                request_id: last.request_id.clone(),
                api_key: last.api_key.clone(),
                ..*last
            });
        } else {
            out.push(row);
        }
    }
    out
}

/// A batch job hammering Groq on 2025-06-18 14:00-14:05 UTC: 40 requests a minute against a
/// 30-per-minute limit, so the last 10 of every minute come back 429 (rate limited).
fn burst(counter: &mut u64) -> Vec<Row> {
    let start = days_from_civil(2025, 6, 18) * 86_400 + 14 * 3600;
    let mut out = Vec::new();
    for minute in 0..5 {
        for k in 0..40 {
            *counter += 1;
            let limited = k >= 30;
            out.push(Row {
                ts: start + minute * 60 + k * 60 / 40,
                provider: "groq",
                model: "llama-3.3-70b-versatile",
                input: if limited {
                    0
                } else {
                    1_500 + (k as u64 * 37) % 500
                },
                output: if limited {
                    0
                } else {
                    200 + (k as u64 * 13) % 100
                },
                cache_read: 0,
                cache_write: 0,
                reasoning: 0,
                request_id: format!("req_burst_{minute}_{k}"),
                status: if limited { 429 } else { 200 },
                user: "erin",
                project: "analytics",
                api_key: "sk-analytics-batch-0000000042".into(),
                region: "",
                batch: false,
            });
        }
    }
    out
}

fn write_lines(path: &Path, header: Option<&str>, lines: impl Iterator<Item = String>) {
    let mut w =
        BufWriter::new(File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
    if let Some(h) = header {
        writeln!(w, "{h}").unwrap();
    }
    for l in lines {
        writeln!(w, "{l}").unwrap();
    }
    w.flush().unwrap();
}

fn sample(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = Rng(20250501);
    let mut counter = 0;
    for (month, name, json) in [
        (5, "requests-2025-05.csv", false),
        (6, "requests-2025-06.csv", false),
        (7, "requests-2025-07.jsonl", true),
    ] {
        let mut rows = month_rows(&mut rng, 2025, month, 1500, &mut counter);
        if month == 6 {
            rows.extend(burst(&mut counter));
            rows.sort_by_key(|r| r.ts);
        }
        let path = dir.join(name);
        if json {
            write_lines(&path, None, rows.iter().map(json_line));
        } else {
            write_lines(&path, Some(HEADER), rows.iter().map(csv_line));
        }
        eprintln!("wrote {} ({} rows)", path.display(), rows.len());
    }
}

/// `users`: when set, row n's user is `u{n mod users}` (`u0000000`...), and every other column
/// is the same as without it: with as many rows as users, every row is its own group (a file
/// for `--by user` over that many groups).
fn bench(rows: u64, output: &Path, with_ids: bool, users: Option<u64>) {
    if let Some(p) = output.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    let mut rng = Rng(7);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(output).unwrap());
    let header = if with_ids {
        HEADER.to_string()
    } else {
        HEADER.replace("request_id,", "")
    };
    writeln!(w, "{header}").unwrap();
    // One year of traffic, 2025-01-01 .. 2025-12-31, in time order.
    let start = days_from_civil(2025, 1, 1) * 86_400;
    let span = 365 * 86_400;
    let models: Vec<&Model> = MODELS.iter().collect();
    let total: u64 = models.iter().map(|m| m.weight).sum();
    for n in 0..rows {
        let ts = start + (n as i128 * span as i128 / rows.max(1) as i128) as i64;
        let mut r = gen_row(&mut rng, ts, n, &models, total);
        if with_ids && rng.chance(5) {
            // A duplicate of an earlier request id.
            r.request_id = format!(
                "req_{:016x}",
                (n / 2).wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5bd1_e995
            );
        }
        let mut line = csv_line(&r);
        if !with_ids {
            line = line.replacen(&format!(",{},", r.request_id), ",", 1);
        }
        if let Some(u) = users {
            let user = format!(",u{:07},", n % u.max(1));
            line = line.replacen(&format!(",{},", r.user), &user, 1);
        }
        writeln!(w, "{line}").unwrap();
    }
    w.flush().unwrap();
    eprintln!("wrote {} ({rows} rows)", output.display());
}

/// A Claude Code config folder: `files` session transcripts under `projects/`, `lines` JSON
/// lines in all, written compactly as Claude Code does. About one line in four repeats the
/// previous response with a smaller provisional `output_tokens` (same message.id + requestId),
/// and one in twenty is a user line without usage.
fn claude(lines: u64, files: u64, dir: &Path) {
    let mut rng = Rng(42);
    let models = [
        "claude-sonnet-4-5-20250929",
        "claude-opus-4-1-20250805",
        "claude-haiku-4-5-20251001",
    ];
    let start = days_from_civil(2025, 10, 1) * 86_400;
    let per_file = (lines / files.max(1)).max(1);
    let mut n = 0u64;
    for f in 0..files {
        let project = format!("-home-dev-project-{}", f % 40);
        let pdir = dir.join("projects").join(&project);
        std::fs::create_dir_all(&pdir).unwrap();
        let session = format!("{:08x}-0000-4000-8000-{:012x}", f, f * 7919);
        let mut w = BufWriter::new(File::create(pdir.join(format!("{session}.jsonl"))).unwrap());
        let mut ts = start + (f as i64 * 86_400 * 60 / files.max(1) as i64);
        let mut k = 0;
        while k < per_file && n < lines {
            ts += 1 + rng.below(120) as i64;
            let t = timestamp(ts);
            if rng.chance(50) {
                writeln!(w, r#"{{"parentUuid":null,"isSidechain":false,"type":"user","sessionId":"{session}","timestamp":"{t}","message":{{"role":"user","content":"go on"}},"uuid":"u{n}"}}"#).unwrap();
                k += 1;
                n += 1;
                continue;
            }
            let model = models[rng.below(3) as usize];
            let input = rng.tokens(1, 400);
            let cw = rng.tokens(0, 20_000);
            let cr = rng.tokens(0, 200_000);
            let out = rng.tokens(1, 3_000);
            let copies = if rng.chance(250) { 2 } else { 1 };
            for c in 0..copies {
                if k >= per_file || n >= lines {
                    break;
                }
                let o = if c + 1 < copies { out / 4 + 1 } else { out };
                writeln!(w, r#"{{"parentUuid":"p{n}","isSidechain":false,"userType":"external","cwd":"/home/dev/{project}","sessionId":"{session}","version":"2.1.39","message":{{"model":"{model}","id":"msg_{f:06}_{k:06}","type":"message","role":"assistant","content":[{{"type":"text","text":"..."}}],"usage":{{"input_tokens":{input},"cache_creation_input_tokens":{cw},"cache_read_input_tokens":{cr},"cache_creation":{{"ephemeral_5m_input_tokens":{cw},"ephemeral_1h_input_tokens":0}},"output_tokens":{o},"service_tier":"standard"}}}},"requestId":"req_{f:06}_{k:06}","type":"assistant","uuid":"a{n}","timestamp":"{t}"}}"#).unwrap();
                k += 1;
                n += 1;
            }
        }
        w.flush().unwrap();
    }
    eprintln!("wrote {} ({n} lines in {files} files)", dir.display());
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: generate sample DIR | generate bench --rows N --output FILE [--no-request-id] [--users N] | generate claude [--lines N] [--files F] [--output DIR]";
    match args.first().map(String::as_str) {
        Some("sample") => sample(Path::new(args.get(1).map(String::as_str).unwrap_or("data"))),
        Some("claude") => {
            let get = |flag: &str| {
                args.iter()
                    .position(|a| a == flag)
                    .and_then(|i| args.get(i + 1))
            };
            let lines: u64 = get("--lines")
                .and_then(|s| s.parse().ok())
                .unwrap_or(1_000_000);
            let files: u64 = get("--files").and_then(|s| s.parse().ok()).unwrap_or(2_000);
            let out = get("--output")
                .cloned()
                .unwrap_or_else(|| "bench/out/claude".into());
            claude(lines, files, Path::new(&out));
        }
        Some("bench") => {
            let get = |flag: &str| {
                args.iter()
                    .position(|a| a == flag)
                    .and_then(|i| args.get(i + 1))
            };
            let rows: u64 = get("--rows")
                .and_then(|s| s.parse().ok())
                .unwrap_or(1_000_000);
            let out = get("--output")
                .cloned()
                .unwrap_or_else(|| "bench/out/requests.csv".into());
            bench(
                rows,
                Path::new(&out),
                !args.iter().any(|a| a == "--no-request-id"),
                get("--users").and_then(|s| s.parse().ok()),
            );
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
}
