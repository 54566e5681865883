#!/usr/bin/env python3
"""tokenledger against the tools people would otherwise use, on the same files.

    bench/peers.py [--rows 10000000] [--runs 3] [--claude-lines 1000000] [--skip-claude]

Job 1 (canonical CSV): dedupe on (provider, request_id) keeping the first row, price each
request with the price version in force at its timestamp (an as-of join), sum tokens and cost
per month, provider and model. Run by tokenledger, DuckDB (ASOF JOIN) and Python polars (lazy,
streaming engine). Job 2 (Claude Code folder): monthly tokens per model, by tokenledger and
ccusage 20.0.24.

Before timing, the script checks that every tool gives the same requests and token totals per
group (exactly) and the same cost (to 1e-9 relative; the peers compute in floating point).
Then it runs the tools in alternating order, RUNS rounds, each under GNU time, and prints the
median wall time, peak RSS, and the paired ratio peer/tokenledger per round.

Needs: pip install duckdb polars; npm install -g ccusage@20.0.24; GNU time.
"""
import argparse, glob, json, os, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/tokenledger-target"))
os.environ["CARGO_TARGET_DIR"] = TARGET
TL = os.path.join(TARGET, "release", "tokenledger")
GEN = os.path.join(TARGET, "release", "examples", "generate")
# The curated price versions (every model the bench files use has one); tier rows are left out
# below, so each (provider, model, date) has one price.
PRICING = sorted(glob.glob(os.path.join(ROOT, "pricing", "curated", "*.csv")))

DUCKDB = r"""
import duckdb, json, sys
f, pricing, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
con = duckdb.connect()
con.execute("SET threads=2")
con.execute(f"CREATE VIEW prices AS SELECT provider, model, CAST(effective_from AS TIMESTAMP) AS eff, "
            f"CAST(input_per_mtok AS DOUBLE) AS inp, CAST(output_per_mtok AS DOUBLE) AS outp, "
            f"TRY_CAST(cache_read_per_mtok AS DOUBLE) AS crp, TRY_CAST(cache_write_per_mtok AS DOUBLE) AS cwp, "
            f"TRY_CAST(batch_input_per_mtok AS DOUBLE) AS bip, TRY_CAST(batch_output_per_mtok AS DOUBLE) AS bop "
            f"FROM read_csv({pricing!r}, union_by_name=true, all_varchar=true) "
            f"WHERE region IS NULL AND coalesce(service_tier, '') = ''")
q = f'''
WITH r AS (SELECT *, row_number() OVER () AS rn FROM read_csv('{f}', header=true, all_varchar=true)),
d AS (SELECT * FROM r QUALIFY row_number() OVER (PARTITION BY provider, request_id ORDER BY rn) = 1),
t AS (SELECT CAST(replace(replace(timestamp, 'T', ' '), 'Z', '') AS TIMESTAMP) AS ts, provider, model,
      CAST(input_tokens AS BIGINT) AS i, CAST(output_tokens AS BIGINT) AS o, CAST(cache_read_tokens AS BIGINT) AS cr,
      CAST(cache_write_tokens AS BIGINT) AS cw, batch = 'true' AS b FROM d),
j AS (SELECT t.*, p.* FROM t ASOF LEFT JOIN prices p ON t.provider = p.provider AND t.model = p.model AND t.ts >= p.eff),
c AS (SELECT *, CASE WHEN b AND bip IS NOT NULL THEN bip ELSE inp END AS inr,
             CASE WHEN b AND bop IS NOT NULL THEN bop ELSE outp END AS outr FROM j)
SELECT strftime(ts, '%Y-%m') AS month, provider, model, count(*) AS requests, sum(i) AS input, sum(o) AS output,
       sum(((i - cr - cw) * inr + cr * coalesce(crp * inr / inp, inr) + cw * coalesce(cwp * inr / inp, inr) + o * outr) / 1e6) AS cost
FROM c GROUP BY ALL
'''
rows = con.execute(q).fetchall()
json.dump([[m, p, md, int(r), int(i), int(o), float(c) if c is not None else 0.0] for m, p, md, r, i, o, c in rows], open(out, "w"))
"""

POLARS = r"""
import polars as pl, json, sys
f, pricing, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
prices = pl.concat([pl.read_csv(p, infer_schema_length=0) for p in pricing], how="diagonal_relaxed")
prices = prices.filter(pl.col("region").is_null() & pl.col("service_tier").is_null()).select(
    "provider", "model", pl.col("effective_from").str.to_datetime("%Y-%m-%d").alias("eff"),
    pl.col("input_per_mtok").cast(pl.Float64).alias("inp"), pl.col("output_per_mtok").cast(pl.Float64).alias("outp"),
    pl.col("cache_read_per_mtok").cast(pl.Float64).alias("crp"), pl.col("cache_write_per_mtok").cast(pl.Float64).alias("cwp"),
    pl.col("batch_input_per_mtok").cast(pl.Float64).alias("bip"), pl.col("batch_output_per_mtok").cast(pl.Float64).alias("bop"),
).sort("eff").lazy()
lf = (pl.scan_csv(f, schema_overrides={"request_id": pl.String, "region": pl.String})
      .unique(subset=["provider", "request_id"], keep="first", maintain_order=True)
      .with_columns(ts=pl.col("timestamp").str.to_datetime("%Y-%m-%dT%H:%M:%SZ"))
      .sort("ts"))
j = lf.join_asof(prices, left_on="ts", right_on="eff", by=["provider", "model"])
inr = pl.when(pl.col("batch") & pl.col("bip").is_not_null()).then(pl.col("bip")).otherwise(pl.col("inp"))
outr = pl.when(pl.col("batch") & pl.col("bop").is_not_null()).then(pl.col("bop")).otherwise(pl.col("outp"))
cost = ((pl.col("input_tokens") - pl.col("cache_read_tokens") - pl.col("cache_write_tokens")) * inr
        + pl.col("cache_read_tokens") * (pl.col("crp") * inr / pl.col("inp")).fill_null(inr)
        + pl.col("cache_write_tokens") * (pl.col("cwp") * inr / pl.col("inp")).fill_null(inr)
        + pl.col("output_tokens") * outr) / 1e6
res = (j.group_by(pl.col("ts").dt.strftime("%Y-%m").alias("month"), "provider", "model")
       .agg(pl.len().alias("requests"), pl.col("input_tokens").sum(), pl.col("output_tokens").sum(), cost.sum().alias("cost"))
       .collect(engine="streaming"))
json.dump([[r[0], r[1], r[2], int(r[3]), int(r[4]), int(r[5]), float(r[6] or 0.0)] for r in res.iter_rows()], open(out, "w"))
"""


def timed(cmd, env=None):
    """Runs cmd under GNU time; returns (seconds, peak MiB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", t.name] + cmd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        secs, kb = open(t.name).read().split()[-2:]
        return float(secs), int(kb) / 1024


def tokenledger_csv(f, out):
    return [TL, "report", "--logs", f, "--pricing", os.path.join(ROOT, "pricing"), "--format", "json",
            "--by", "month,provider,model", "--output", out]


def load_tl(out):
    v = json.load(open(out))
    return {(r["month"], r["provider"], r["model"]): (r["requests"], r["input_tokens"], r["output_tokens"], float(r["cost_usd"]))
            for r in v["rows"]}


def load_peer(out):
    return {(m, p, md): (r, i, o, c) for m, p, md, r, i, o, c in json.load(open(out))}


def agree(name, tl, peer):
    bad = []
    for k in sorted(set(tl) | set(peer)):
        a, b = tl.get(k), peer.get(k)
        if a is None or b is None or a[:3] != b[:3] or abs(a[3] - b[3]) > 1e-9 * max(1.0, abs(a[3])):
            bad.append((k, a, b))
    if bad:
        print(f"{name} DISAGREES with tokenledger on {len(bad)} groups, e.g. {bad[:3]}")
        sys.exit(1)
    print(f"{name}: same requests, tokens and cost as tokenledger on all {len(tl)} groups")


def report(title, results, runs):
    print(f"\n{title}")
    print(f"{'tool':14} {'median s':>9} {'peak MiB':>9} {'runs':>30} {'median ratio vs tokenledger':>28}")
    base = results["tokenledger"]
    for name, rs in results.items():
        secs = [s for s, _ in rs]
        ratios = [p / t for (p, _), (t, _) in zip(rs, base)]
        print(f"{name:14} {statistics.median(secs):9.2f} {max(m for _, m in rs):9.0f} {' '.join(f'{s:.2f}' for s in secs):>30} "
              f"{statistics.median(ratios):28.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--claude-lines", type=int, default=1_000_000)
    ap.add_argument("--skip-claude", action="store_true")
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "tokenledger", "--example", "generate"], cwd=ROOT, check=True)
    out_dir = os.path.join(ROOT, "bench", "out")
    os.makedirs(out_dir, exist_ok=True)
    f = os.path.join(out_dir, f"requests-{a.rows}-ids-yes.csv")
    if not os.path.exists(f):
        subprocess.run([GEN, "bench", "--rows", str(a.rows), "--output", f], check=True)
    tmp = tempfile.mkdtemp()
    outs = {n: os.path.join(tmp, f"{n}.json") for n in ["tokenledger", "duckdb", "polars"]}
    cmds = {
        "tokenledger": tokenledger_csv(f, outs["tokenledger"]),
        "duckdb": [sys.executable, "-c", DUCKDB, f, json.dumps(PRICING), outs["duckdb"]],
        "polars": [sys.executable, "-c", POLARS, f, json.dumps(PRICING), outs["polars"]],
    }
    print(f"job 1: {f} ({os.path.getsize(f) / 1e9:.2f} GB)")
    for name, cmd in cmds.items():
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tl = load_tl(outs["tokenledger"])
    for name in ["duckdb", "polars"]:
        agree(name, tl, load_peer(outs[name]))
    results = {n: [] for n in cmds}
    order = list(cmds)
    for i in range(a.runs):
        for name in (order if i % 2 == 0 else order[::-1]):
            results[name].append(timed(cmds[name]))
    report("job 1: dedupe + as-of pricing + monthly group-by", results, a.runs)
    if a.skip_claude:
        return
    d = os.path.join(out_dir, f"claude-{a.claude_lines}")
    if not os.path.exists(d):
        subprocess.run([GEN, "claude", "--lines", str(a.claude_lines), "--files", "2000", "--output", d], check=True)
    check = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "compare-ccusage.py"), d, "--tokenledger", TL],
                           capture_output=True, text=True)
    print("\njob 2: " + check.stdout.strip().splitlines()[-1])
    if check.returncode != 0:
        sys.exit(1)
    env = dict(os.environ, CLAUDE_CONFIG_DIR=d)
    cmds2 = {
        "tokenledger": [TL, "report", "--logs", d, "--log-format", "claude-code", "--format", "json", "--by", "month,model", "--output", os.path.join(tmp, "c.json")],
        "ccusage": ["ccusage", "claude", "monthly", "--offline", "--json", "-z", "UTC"],
    }
    results2 = {n: [] for n in cmds2}
    for i in range(a.runs):
        for name in (list(cmds2) if i % 2 == 0 else list(cmds2)[::-1]):
            results2[name].append(timed(cmds2[name], env=env))
    report(f"job 2: Claude Code folder, {a.claude_lines:,} lines", results2, a.runs)


if __name__ == "__main__":
    main()
