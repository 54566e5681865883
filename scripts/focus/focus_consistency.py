#!/usr/bin/env python3
"""Exact-decimal checks of FOCUS MUST rules that focus-validator 2.2.1 does not
actually enforce (stdlib only, no venv needed).

focus-validator 2.2.1 turns "when ChargeClass is not 'Correction'" into
`ChargeClass IS NOT NULL AND ChargeClass <> 'Correction'`, so for normal rows
(ChargeClass null) the price x quantity = cost rules select no rows and always
pass; its KeyValueFormat check is only json_valid() (arrays pass).

Usage: focus_consistency.py FILE.csv [--version 1.2|1.3]    exit 1 on any violation
"""
import csv
import json
import sys
from decimal import Decimal, InvalidOperation


TOL = Decimal("1e-9")


def dec(v):
    if v is None or v == "":
        return None
    try:
        return Decimal(v)
    except InvalidOperation:
        raise ValueError(f"not a decimal: {v!r}")


def main() -> int:
    path = sys.argv[1]
    version = sys.argv[sys.argv.index("--version") + 1] if "--version" in sys.argv else "1.2"
    errors: dict[str, int] = {}
    first: dict[str, str] = {}

    def bad(rule, rownum, detail):
        errors[rule] = errors.get(rule, 0) + 1
        first.setdefault(rule, f"row {rownum}: {detail}")

    with open(path, newline="", encoding="utf-8") as f:
        for n, r in enumerate(csv.DictReader(f), start=2):
            correction = r.get("ChargeClass") == "Correction"
            q = dec(r.get("PricingQuantity"))
            for price, cost in (("ListUnitPrice", "ListCost"), ("ContractedUnitPrice", "ContractedCost")):
                p, c = dec(r.get(price)), dec(r.get(cost))
                # same tolerance focus-validator uses for this check: 1e-9 x max(|cost|, 1)
                if (not correction and p is not None and q is not None and c is not None
                        and abs(p * q - c) > TOL * max(abs(c), Decimal(1))):
                    bad(f"{price} x PricingQuantity = {cost}", n, f"{p} x {q} = {p * q} != {c}")
            for col in ("Tags", "SkuPriceDetails"):
                v = r.get(col)
                if v:
                    try:
                        obj = json.loads(v)
                    except ValueError:
                        bad(f"{col} KeyValueFormat", n, "not JSON")
                        continue
                    if not isinstance(obj, dict) or any(isinstance(x, (dict, list)) for x in obj.values()):
                        bad(f"{col} KeyValueFormat", n, "must be a JSON object with scalar values")
                    elif col == "SkuPriceDetails" and any(not k.startswith("x_") for k in obj):
                        # no FOCUS-defined SKU price property applies to LLM tokens
                        bad("SkuPriceDetails keys x_-prefixed", n, f"{list(obj)}")
            if version == "1.3":
                if not r.get("SkuPriceId") and r.get("ConsumedQuantity"):
                    bad("ConsumedQuantity null when SkuPriceId null (1.3)", n, r.get("ConsumedQuantity"))
                for col in ("ServiceProviderName", "HostProviderName"):
                    if col not in r:
                        bad(f"{col} present (1.3)", n, "missing column")

    for rule, count in sorted(errors.items()):
        print(f"FAIL {rule}: {count} rows; first {first[rule]}")
    print(f"focus_consistency: {sum(errors.values())} violations in {path}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
