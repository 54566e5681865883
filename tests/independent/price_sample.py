#!/usr/bin/env python3
"""Independent re-implementation of tokenledger's pricing rules, used to derive the expected
totals of the bundled sample (data/ priced with pricing/) that tests/cli.rs asserts.

Written separately from the Rust code, with Python's decimal module and the standard library
only. Run from the repository root: python3 tests/independent/price_sample.py
"""
import csv, glob, json, os
from collections import defaultdict
from datetime import datetime, timezone
from decimal import Decimal

def ts(s):
    s = s.replace("Z", "+00:00")
    d = datetime.fromisoformat(s)
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return d.astimezone(timezone.utc)

# The book: curated rows; a model without curated rows takes its generated ones. Only the
# standard service tier (the sample has no priority/flex requests and no DeepSeek usage).
def load(folder):
    out = defaultdict(list)
    for f in sorted(glob.glob(f"pricing/{folder}/*.csv")):
        for r in csv.DictReader(open(f)):
            if r.get("service_tier"):
                continue
            eff = ts(r["effective_from"] + "T00:00:00Z") if len(r["effective_from"]) == 10 else ts(r["effective_from"])
            out[(r["provider"], r["model"], r.get("region") or "")].append((eff, r))
    return out
prices = load("generated")
curated = load("curated")
curated_models = {(k[0], k[1]) for k in curated}
prices = {k: v for k, v in prices.items() if (k[0], k[1]) not in curated_models}
prices.update(curated)
for v in prices.values():
    v.sort(key=lambda x: x[0])
aliases = {(r["provider"], r["alias"]): r["model"] for r in csv.DictReader(open("pricing/aliases.csv"))}
retired = {(r["provider"], r["model"]): ts(r["retired_at"] + "T00:00:00Z" if len(r["retired_at"]) == 10 else r["retired_at"])
           for r in csv.DictReader(open("pricing/retirements.csv"))}

rows = []
for f in sorted(glob.glob("data/*")):
    if f.endswith(".csv"):
        rows += list(csv.DictReader(open(f)))
    elif f.endswith(".jsonl"):
        rows += [json.loads(l) for l in open(f) if l.strip()]

seen = set()
by_month = defaultdict(Decimal)
requests = defaultdict(int)
dups = 0
for r in rows:
    key = (r["provider"], r.get("request_id"))
    if r.get("request_id"):
        if key in seen:
            dups += 1
            continue
        seen.add(key)
    t = ts(r["timestamp"])
    region = r.get("region") or ""
    model = aliases.get((r["provider"], r["model"]), r["model"])
    assert (r["provider"], model) not in retired or t < retired[(r["provider"], model)], r
    series = prices.get((r["provider"], model, region)) or prices.get((r["provider"], model, ""))
    version = None
    for eff, p in series or []:
        if eff <= t:
            version = p
    assert version is not None, r
    batch = str(r.get("batch")).lower() == "true"
    inp, out = int(r["input_tokens"]), int(r["output_tokens"])
    cr, cw = int(r.get("cache_read_tokens") or 0), int(r.get("cache_write_tokens") or 0)
    rate = lambda name, default: Decimal(version[name]) if version.get(name) else default
    in_rate = rate("batch_input_per_mtok", Decimal(version["input_per_mtok"])) if batch else Decimal(version["input_per_mtok"])
    out_rate = rate("batch_output_per_mtok", Decimal(version["output_per_mtok"])) if batch else Decimal(version["output_per_mtok"])
    # Cache prices move with the input rate under batch (the batch discount covers cached
    # tokens too) when the factor is exact; a missing cache price is the effective input rate.
    base_in = Decimal(version["input_per_mtok"])
    factor = in_rate / base_in if base_in else Decimal(1)
    if factor * base_in != in_rate:
        factor = None
    def cache_rate(name):
        if not version.get(name):
            return in_rate
        return Decimal(version[name]) * factor if factor is not None else in_rate
    cost = ((inp - cr - cw) * in_rate + cr * cache_rate("cache_read_per_mtok")
            + cw * cache_rate("cache_write_per_mtok") + out * out_rate) / Decimal(1_000_000)
    m = t.strftime("%Y-%m")
    by_month[m] += cost
    requests[m] += 1
for m in sorted(by_month):
    print(m, requests[m], by_month[m].normalize())
print("total", sum(requests.values()), sum(by_month.values()).normalize(), "duplicates", dups)
