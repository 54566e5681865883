#!/usr/bin/env python3
"""The speed and memory targets of issue 26, each measured on this machine and printed.

    bench/targets.py --new BIN [--old BIN] [--runs 3] [--only csv,parquet,claude,groups]
                     [--rows 10000000] [--claude-lines 1000000] [--users 1000000]

Cases (files are generated once into bench/out/ by examples/generate.rs, deterministic):
  csv      `report --by month,provider,model` on 10 M canonical CSV rows with request ids
           (0.5% repeat an earlier id) against DuckDB 2.0's same job (bench/peers.py's query:
           first id wins, ASOF join on the price versions, monthly group-by), 2 threads.
           Target: tokenledger <= 0.2x DuckDB's time, peak <= 300 MiB.
  parquet  the same rows as Parquet (`tokenledger convert --to parquet`, made once) against
           DuckDB on read_parquet. Target: <= 0.5x DuckDB's time, <= 400 MiB.
  claude   a Claude Code folder of 1 M lines in 2,000 files against ccusage 20.0.24
           (`ccusage claude monthly --offline --json`). Target: <= 0.125x ccusage's time.
  groups   `report --by user` on 1 M rows of 1 M distinct users (`generate bench --rows
           1000000 --users 1000000`: every row its own group), with their request ids.
           Target: peak <= 400 MiB.

Each case runs the tools in alternating order RUNS times under GNU time; it prints every run,
the median wall time and peak RSS, and the median of the per-round ratios
tokenledger / peer. With --old, each case first runs the old binary once and requires its
output to be byte-identical to the new one's (the "no output changes" rule).

Needs GNU time; DuckDB from the venv of scripts/check-sql.sh (~/.cache/tokenledger/sql-engines,
or SQL_ENGINES_VENV); `npm install -g ccusage@20.0.24` for the claude case.
"""
import argparse, filecmp, json, os, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import peers  # noqa: E402  (the DuckDB query and helpers)

ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "bench", "out")
VENV = os.environ.get("SQL_ENGINES_VENV", os.path.expanduser("~/.cache/tokenledger/sql-engines"))
PY = os.path.join(VENV, "bin", "python")

DUCKDB_PARQUET = peers.DUCKDB.replace(
    "SELECT *, row_number() OVER () AS rn FROM read_csv('{f}', header=true, all_varchar=true)",
    "SELECT *, file_row_number AS rn FROM read_parquet('{f}', file_row_number=true)",
).replace(
    "CAST(replace(replace(timestamp, 'T', ' '), 'Z', '') AS TIMESTAMP)",
    "CAST(replace(replace(CAST(timestamp AS VARCHAR), 'T', ' '), 'Z', '') AS TIMESTAMP)",
).replace("batch = 'true' AS b", "CAST(batch AS VARCHAR) = 'true' AS b")


def run_case(name, cmds, runs, env=None):
    """cmds: {tool: argv}; the first tool is tokenledger. Prints runs, medians and ratios."""
    results = {n: [] for n in cmds}
    order = list(cmds)
    for i in range(runs):
        for tool in (order if i % 2 == 0 else order[::-1]):
            results[tool].append(peers.timed(cmds[tool], env=env))
    print(f"\n{name}")
    print(f"{'tool':12} {'median s':>9} {'peak MiB':>9}  runs (s / MiB)")
    for tool, rs in results.items():
        runs_s = ", ".join(f"{s:.2f}/{m:.0f}" for s, m in rs)
        print(f"{tool:12} {statistics.median(s for s, _ in rs):9.2f} {max(m for _, m in rs):9.0f}  {runs_s}")
    base = results[order[0]]
    for tool in order[1:]:
        ratios = [t / p for (t, _), (p, _) in zip(base, results[tool])]
        print(f"ratio tokenledger / {tool}: median {statistics.median(ratios):.3f} "
              f"(rounds: {', '.join(f'{r:.3f}' for r in ratios)})")
    return results


def same_output(old, new, argv_of, label):
    """Runs old and new with the argv argv_of(binary, output) and compares the outputs."""
    if not old:
        return
    tmp = tempfile.mkdtemp()
    a, b = os.path.join(tmp, "old"), os.path.join(tmp, "new")
    for binary, out in ((old, a), (new, b)):
        subprocess.run(argv_of(binary, out), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    if not filecmp.cmp(a, b, shallow=False):
        print(f"{label}: OUTPUT DIFFERS between {old} and {new} ({a}, {b})")
        sys.exit(1)
    print(f"{label}: output byte-identical to the old binary's ({os.path.getsize(b)} bytes)")


def generate(new_gen, path, *args):
    if not os.path.exists(path):
        subprocess.run([new_gen, *args], check=True)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--new", required=True, help="the tokenledger binary measured")
    ap.add_argument("--old", help="the previous release, for the byte-for-byte output check")
    ap.add_argument("--gen", help="examples/generate binary (default: next to --new)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--claude-lines", type=int, default=1_000_000)
    ap.add_argument("--users", type=int, default=1_000_000)
    ap.add_argument("--only", default="csv,parquet,claude,groups")
    a = ap.parse_args()
    only = set(a.only.split(","))
    gen = a.gen or os.path.join(os.path.dirname(a.new), "examples", "generate")
    os.makedirs(OUT, exist_ok=True)
    pricing = os.path.join(ROOT, "pricing")
    csv = generate(gen, os.path.join(OUT, f"requests-{a.rows}-ids-yes.csv"),
                   "bench", "--rows", str(a.rows), "--output", os.path.join(OUT, f"requests-{a.rows}-ids-yes.csv"))
    tmp = tempfile.mkdtemp()

    def report(binary, logs, out, by="month,provider,model", extra=()):
        return [binary, "report", "--logs", logs, "--pricing", pricing, "--format", "csv", "--by", by,
                "--output", out, *extra]

    if "csv" in only:
        same_output(a.old, a.new, lambda b, o: report(b, csv, o), "csv")
        run_case(f"csv: {a.rows:,} rows, {os.path.getsize(csv) / 1e9:.2f} GB", {
            "tokenledger": report(a.new, csv, os.path.join(tmp, "r.csv")),
            "duckdb": [PY, "-c", peers.DUCKDB, csv, json.dumps(peers.PRICING), os.path.join(tmp, "d.json")],
        }, a.runs)
    if "parquet" in only:
        pq = os.path.join(OUT, f"requests-{a.rows}-ids-yes.parquet")
        if not os.path.exists(pq):
            subprocess.run([a.new, "convert", "--logs", csv, "--to", "parquet", "--output", pq], check=True)
        same_output(a.old, a.new, lambda b, o: report(b, pq, o), "parquet")
        run_case(f"parquet: {a.rows:,} rows, {os.path.getsize(pq) / 1e6:.0f} MB", {
            "tokenledger": report(a.new, pq, os.path.join(tmp, "r.csv")),
            "duckdb": [PY, "-c", DUCKDB_PARQUET, pq, json.dumps(peers.PRICING), os.path.join(tmp, "d.json")],
        }, a.runs)
    if "claude" in only:
        d = generate(gen, os.path.join(OUT, f"claude-{a.claude_lines}"), "claude", "--lines",
                     str(a.claude_lines), "--files", "2000", "--output",
                     os.path.join(OUT, f"claude-{a.claude_lines}"))
        claude = lambda b, o: [b, "report", "--logs", d, "--log-format", "claude-code", "--format", "csv",
                               "--by", "month,model", "--output", o]
        same_output(a.old, a.new, claude, "claude")
        run_case(f"claude: {a.claude_lines:,} lines in 2,000 files", {
            "tokenledger": claude(a.new, os.path.join(tmp, "c.csv")),
            "ccusage": ["ccusage", "claude", "monthly", "--offline", "--json", "-z", "UTC"],
        }, a.runs, env=dict(os.environ, CLAUDE_CONFIG_DIR=d))
    if "groups" in only:
        f = os.path.join(OUT, f"requests-{a.users}-users-{a.users}.csv")
        generate(gen, f, "bench", "--rows", str(a.users), "--users", str(a.users), "--output", f)
        same_output(a.old, a.new, lambda b, o: report(b, f, o, by="user"), "groups")
        run_case(f"groups: --by user, {a.users:,} users over {a.users:,} rows", {
            "tokenledger": report(a.new, f, os.path.join(tmp, "g.csv"), by="user"),
        }, a.runs)


if __name__ == "__main__":
    main()
