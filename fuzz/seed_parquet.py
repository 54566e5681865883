"""Seed files for the `parquet_log` fuzz target: small valid canonical Parquet logs in every
column type and layout tokenledger's reader takes (strings plain and dictionary-encoded,
16- to 64-bit integers signed and unsigned, timestamps in s/ms/us/ns and as text, booleans, nulls,
several row groups and pages, snappy/zstd/none). Usage: python seed_parquet.py OUT_DIR
(needs pyarrow)."""
import datetime as dt
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

N = 40
base = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
ts = [base + dt.timedelta(minutes=7 * i) for i in range(N)]
models = ["gpt-4.1-2025-04-14", "claude-sonnet-4-20250514", "llama-3.3-70b"]
providers = ["openai", "anthropic", "together"]


def table(int_type, ts_type, nulls, text_ts):
    inp = [1000 + i for i in range(N)]
    cache = [i * 3 for i in range(N)]
    cols = {
        "timestamp": pa.array([t.isoformat() for t in ts]) if text_ts
        else pa.array(ts, type=ts_type),
        "provider": pa.array([providers[i % 3] for i in range(N)]),
        "model": pa.array([models[i % 3] for i in range(N)]),
        "input_tokens": pa.array(inp, type=int_type),
        "output_tokens": pa.array([100 + i for i in range(N)], type=int_type),
        "cache_read_tokens": pa.array(
            [None if nulls and i % 5 == 0 else cache[i] for i in range(N)], type=int_type),
        "user": pa.array([None if nulls and i % 4 == 0 else f"u{i % 6}" for i in range(N)]),
        "project": pa.array([f"p{i % 2}" for i in range(N)]),
        "status": pa.array([200 if i % 9 else 500 for i in range(N)], type=pa.int16()),
        "batch": pa.array([i % 7 == 0 for i in range(N)]),
    }
    return pa.table(cols)


k = 0
for int_type in [pa.int64(), pa.uint32(), pa.int32(), pa.uint16()]:
    for ts_type, text_ts in [(pa.timestamp("us", tz="UTC"), False), (pa.timestamp("ms"), False),
                             (pa.timestamp("ns", tz="UTC"), False), (pa.timestamp("s"), False),
                             (None, True)]:
        for nulls in [False, True]:
            t = table(int_type, ts_type, nulls, text_ts)
            comp = ["snappy", "zstd", "none"][k % 3]
            pq.write_table(
                t, os.path.join(out, f"seed-{k:03d}.parquet"),
                row_group_size=[N, 16, 7][k % 3],
                use_dictionary=(k % 2 == 0),
                compression=comp,
                data_page_size=[1 << 20, 64][k % 2],
                write_statistics=(k % 4 != 0),
            )
            k += 1
print(f"{k} seed files in {out}")
