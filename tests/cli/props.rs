//! Money invariants of the real binary on generated logs (proptest): rows add up to the total
//! for any --by; splitting the logs into files or reordering rows changes nothing; duplicates
//! never change a total; cost never falls when a token count grows; FOCUS rows add up to the
//! report. (In-process properties of the engine and compare are in src/engine/tests.rs and
//! src/report/compare/tests.rs.)

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

const HEADER: &str =
    "timestamp,provider,model,input_tokens,output_tokens,cache_read_tokens,request_id,user,team\n";

/// (day, model index, input, output, cache read, user, team, with an id)
type Row = (u32, usize, u64, u64, u64, u8, u8, bool);

// Models the test book prices (and one it does not: unpriced, never $0 in the total).
const MODELS: [(&str, &str); 4] = [
    ("openai", "o3"),
    ("anthropic", "claude-sonnet-4"),
    ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
    ("mistral", "mistral-large"),
];

fn line(i: usize, r: &Row) -> String {
    let (day, m, input, output, cache, user, team, id) = *r;
    let (p, model) = MODELS[m];
    let cache = cache.min(input);
    format!(
        "2025-06-{:02}T{:02}:00:00Z,{p},{model},{input},{output},{cache},{},u{user},t{team}\n",
        10 + day % 20,
        i % 24,
        if id { format!("id-{i}") } else { String::new() }
    )
}

fn csv(rows: &[(usize, &Row)]) -> String {
    let mut s = String::from(HEADER);
    for (i, r) in rows {
        s.push_str(&line(*i, r));
    }
    s
}

fn rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(
        (
            0u32..40,
            0usize..MODELS.len(),
            0u64..3_000_000,
            0u64..500_000,
            0u64..1_000_000,
            0u8..4,
            0u8..3,
            any::<bool>(),
        ),
        1..25,
    )
}

fn d(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

/// `report --format json` over these files (written into one run's folder).
fn report(files: &[(&str, String)], args: &[&str]) -> Value {
    let mut t = Tl::report().book("pricing/test.csv");
    for (name, text) in files {
        t = t.log_text(name, text);
    }
    t.args(args).args(["--format", "json"]).json()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn rows_add_up_to_the_total_for_any_by(rows in rows(), by in 0usize..5) {
        let by = ["model", "user", "day,team", "provider,user,team", "month"][by];
        let indexed: Vec<(usize, &Row)> = rows.iter().enumerate().collect();
        let j = report(&[("a.csv", csv(&indexed))], &["--by", by]);
        let sum: Decimal = j["rows"].as_array().unwrap().iter().map(|r| d(&r["cost_usd"])).sum();
        prop_assert_eq!(sum, d(&j["total"]["cost_usd"]));
        let reqs: u64 = j["rows"].as_array().unwrap().iter().map(|r| r["requests"].as_u64().unwrap()).sum();
        prop_assert_eq!(reqs, j["total"]["requests"].as_u64().unwrap());
    }

    #[test]
    fn splitting_and_reordering_change_nothing(rows in rows(), cut in 0usize..25, seed in any::<u64>()) {
        let indexed: Vec<(usize, &Row)> = rows.iter().enumerate().collect();
        let whole = report(&[("a.csv", csv(&indexed))], &["--by", "model,user"]);
        let cut = cut.min(indexed.len());
        let split = report(
            &[("a.csv", csv(&indexed[..cut])), ("b.csv", csv(&indexed[cut..]))],
            &["--by", "model,user"],
        );
        // Rows keep their ids (i); only the order changes.
        let mut shuffled = indexed.clone();
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let reordered = report(&[("a.csv", csv(&shuffled))], &["--by", "model,user"]);
        for other in [&split, &reordered] {
            prop_assert_eq!(&whole["total"], &other["total"]);
            prop_assert_eq!(&whole["rows"], &other["rows"]);
        }
    }

    #[test]
    fn duplicates_never_change_a_total(rows in rows(), copies in prop::collection::vec(0usize..25, 1..6)) {
        let indexed: Vec<(usize, &Row)> = rows.iter().enumerate().collect();
        let base = report(&[("a.csv", csv(&indexed))], &[]);
        // Copies of rows that have a request id, in another file.
        let dup: Vec<(usize, &Row)> = copies
            .iter()
            .filter_map(|&c| indexed.get(c % indexed.len()).copied())
            .filter(|(_, r)| r.7)
            .collect();
        let with = report(&[("a.csv", csv(&indexed)), ("b.csv", csv(&dup))], &[]);
        prop_assert_eq!(&base["total"], &with["total"]);
        prop_assert_eq!(
            with["accounting"]["duplicates"].as_u64().unwrap(),
            dup.len() as u64
        );
    }

    #[test]
    fn cost_never_falls_when_tokens_grow(rows in rows(), which in 0usize..25, more in 1u64..2_000_000, field in 0usize..2) {
        let indexed: Vec<(usize, &Row)> = rows.iter().enumerate().collect();
        let before = report(&[("a.csv", csv(&indexed))], &[]);
        let mut grown = rows.clone();
        let k = which % grown.len();
        match field {
            0 => grown[k].2 += more,
            _ => grown[k].3 += more,
        }
        let g: Vec<(usize, &Row)> = grown.iter().enumerate().collect();
        let after = report(&[("a.csv", csv(&g))], &[]);
        prop_assert!(d(&after["total"]["cost_usd"]) >= d(&before["total"]["cost_usd"]));
    }

    #[test]
    fn focus_rows_add_up_to_the_report(rows in rows()) {
        let indexed: Vec<(usize, &Row)> = rows.iter().enumerate().collect();
        let text = csv(&indexed);
        let j = report(&[("a.csv", text.clone())], &[]);
        let out = Tl::report()
            .book("pricing/test.csv")
            .log_text("a.csv", text)
            .args(["--format", "focus"])
            .ok();
        let mut rdr = csv::Reader::from_reader(out.stdout.as_bytes());
        let h = rdr.headers().unwrap().clone();
        let billed = h.iter().position(|x| x == "BilledCost").unwrap();
        let mut total = Decimal::ZERO;
        for rec in rdr.records() {
            total += rec.unwrap()[billed].parse::<Decimal>().unwrap();
        }
        prop_assert_eq!(total.normalize(), d(&j["total"]["cost_usd"]).normalize());
    }
}
