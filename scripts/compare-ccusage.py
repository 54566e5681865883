#!/usr/bin/env python3
"""Compare tokenledger with ccusage on a Claude Code config folder.

    scripts/compare-ccusage.py CONFIG_DIR [--tokenledger PATH] [--ccusage PATH]

CONFIG_DIR holds projects/<project>/<session>.jsonl (like ~/.claude). Needs ccusage 20.0.24
(`npm install -g ccusage@20.0.24`) and a built tokenledger (default: the release binary under
$CARGO_TARGET_DIR or target/).

For every month and model it compares the four token classes (uncached input, cache read,
cache write, output). ccusage 20.0.24 does not count usage that appears only in `progress`
lines (a subagent's calls whose own transcript is not in the folder); tokenledger does, because
those calls were billed. So the check is:

    tokenledger == ccusage + progress-only usage

where the progress-only usage is computed here, independently of both tools, by scanning the
folder: every (message.id, requestId) seen only in progress lines, at its largest total.
Exit 0 when every class of every month and model reconciles, 1 otherwise.
"""
import argparse, glob, json, os, subprocess, sys
from collections import defaultdict

def ccusage(cmd, config):
    env = dict(os.environ, CLAUDE_CONFIG_DIR=config)
    out = subprocess.run([cmd, "claude", "monthly", "--offline", "--json", "-z", "UTC"],
                         env=env, capture_output=True, text=True, check=True).stdout
    res = {}
    for m in json.loads(out)["monthly"]:
        for b in m["modelBreakdowns"]:
            res[(m["month"], b["modelName"])] = (b["inputTokens"], b["cacheReadTokens"],
                                                 b["cacheCreationTokens"], b["outputTokens"])
    return res

def tokenledger(cmd, config):
    out = subprocess.run([cmd, "report", "--logs", config, "--log-format", "claude-code",
                          "--format", "json", "--by", "month,model", "--tz", "UTC"],
                         capture_output=True, text=True, check=True).stdout
    res = {}
    for r in json.loads(out)["rows"]:
        uncached = r["input_tokens"] - r["cache_read_tokens"] - r["cache_write_tokens"]
        res[(r["month"], r["model"])] = (uncached, r["cache_read_tokens"], r["cache_write_tokens"],
                                         r["output_tokens"])
    return res

def progress_only(config):
    """Usage of (message.id, requestId) pairs that appear only in progress lines."""
    direct, progress = set(), {}
    for path in glob.glob(os.path.join(config, "projects", "**", "*.jsonl"), recursive=True):
        for line in open(path, encoding="utf-8", errors="replace"):
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if not isinstance(d, dict):
                continue
            msg = d.get("message") if isinstance(d.get("message"), dict) else None
            if msg and "usage" in msg:
                direct.add((msg.get("id"), d.get("requestId")))
            elif d.get("type") == "progress":
                inner = (d.get("data") or {}).get("message") or {}
                m = inner.get("message") or {}
                if "usage" in m and m.get("model") != "<synthetic>":
                    u = m["usage"]
                    v = (u.get("input_tokens", 0), u.get("cache_read_input_tokens", 0),
                         u.get("cache_creation_input_tokens", 0), u.get("output_tokens", 0))
                    key = (m.get("id"), inner.get("requestId"))
                    ts = inner.get("timestamp") or d.get("timestamp")
                    if key not in progress or sum(v) > sum(progress[key][2]):
                        progress[key] = (ts[:7], m.get("model"), v)
    res = defaultdict(lambda: (0, 0, 0, 0))
    for key, (month, model, v) in progress.items():
        if key not in direct:
            res[(month, model)] = tuple(a + b for a, b in zip(res[(month, model)], v))
    return res

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(os.path.dirname(__file__), "..", "target"))
    ap.add_argument("--tokenledger", default=os.path.join(target, "release", "tokenledger"))
    ap.add_argument("--ccusage", default="ccusage")
    a = ap.parse_args()
    cc, tl, po = ccusage(a.ccusage, a.config), tokenledger(a.tokenledger, a.config), progress_only(a.config)
    ok = True
    names = ("uncached input", "cache read", "cache write", "output")
    print(f"{'month':8} {'model':34} {'class':15} {'tokenledger':>12} {'ccusage':>12} {'progress-only':>14}  ok")
    for key in sorted(set(cc) | set(tl) | set(po)):
        t, c, p = tl.get(key, (0,) * 4), cc.get(key, (0,) * 4), po.get(key, (0,) * 4)
        for i, n in enumerate(names):
            good = t[i] == c[i] + p[i]
            ok &= good
            print(f"{key[0]:8} {key[1][:34]:34} {n:15} {t[i]:>12,} {c[i]:>12,} {p[i]:>14,}  {'yes' if good else 'NO'}")
    print("reconciled: tokenledger == ccusage + progress-only usage" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)

if __name__ == "__main__":
    main()
