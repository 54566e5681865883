#!/usr/bin/env python3
"""Run focus-validator 2.2.1 on a CSV and summarise failures by keyword.

Usage: fvcheck.py DATA.csv VERSION [CRITERIA] [--rule-set-path DIR] [--json OUT.json] [--quiet]
  VERSION   1.2 or 1.3
  CRITERIA  comma-separated applicability criteria, 'ALL', or '' (defaults)
Exit code: 0 = no failing MUST rule, 1 = at least one failing MUST rule,
           2 = usage / validator error.

Works around two packaging bugs of focus-validator 2.2.1:
  * currency_codes.csv is opened by a CWD-relative path
    ('focus_validator/rules/currency_codes.csv'), so we chdir to site-packages;
  * (pyarrow>=26 needs numpy>=2 while focus-validator pins numpy<2: pin
    pyarrow<26 at install time, not handled here).
"""
import argparse
import contextlib
import io
import json
import logging
import os
import sys
import time

MUST_KEYWORDS = {"MUST", "MUST NOT", "SHALL", "SHALL NOT", "REQUIRED"}


def patch_cau_prefix() -> None:
    """focus-validator 2.2.1 skips the column rules of a non-applicable column
    by matching rule_id.split("-")[0] against the column name.  FOCUS 1.3 rule
    ids carry a dataset prefix ("CAU-AvailabilityZone-C-001-M"), so the match
    never succeeds and the Type/Format rules of every absent conditional column
    (AvailabilityZone, CapacityReservation*, CommitmentDiscount*, Resource*,
    BillingAccountType, SubAccountType, ...) fail.  Strip the prefix first."""
    import inspect
    import textwrap
    from focus_validator.config_objects import focus_to_duckdb_converter as mod

    cls = mod.FocusToDuckDBSchemaConverter
    for name in ("_apply_non_applicable_skips", "_apply_nested_child_non_applicable_marking"):
        src = textwrap.dedent(inspect.getsource(getattr(cls, name)))
        new = src.replace('.split("-")[0]', '.removeprefix("CAU-").split("-")[0]')
        if new == src:
            raise RuntimeError(f"cannot patch {name}: source changed")
        ns: dict = {}
        exec(compile(new, mod.__file__, "exec"), mod.__dict__, ns)
        setattr(cls, name, ns[name])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("version")
    ap.add_argument("criteria", nargs="?", default="")
    ap.add_argument("--rule-set-path", default=None)
    ap.add_argument("--json", dest="json_out", default=None)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument(
        "--no-cau-fix",
        action="store_true",
        help="do not patch focus-validator's column-family skip for CAU- prefixed (1.3) rule ids",
    )
    args = ap.parse_args()

    data = os.path.abspath(args.data)
    if args.json_out:
        args.json_out = os.path.abspath(args.json_out)
    rule_set_path = os.path.abspath(args.rule_set_path) if args.rule_set_path else None

    logging.disable(logging.CRITICAL)  # the validator logs a lot at INFO
    import focus_validator
    from focus_validator.validator import DEFAULT_VERSION_SETS_PATH, Validator

    os.chdir(os.path.dirname(os.path.dirname(focus_validator.__file__)))

    if not args.no_cau_fix:
        patch_cau_prefix()

    t0 = time.time()
    v = Validator(
        data_filename=data,
        output_destination=None,
        output_type="console",
        rule_set_path=rule_set_path or DEFAULT_VERSION_SETS_PATH,
        rules_version=args.version,
        focus_dataset="CostAndUsage",
        rules_block_remote_download=True,
        applicability_criteria=args.criteria or None,
    )
    console = io.StringIO()
    with contextlib.redirect_stdout(console):
        res = v.validate()
    dt = time.time() - t0

    rows = []
    counts = {"pass": 0, "fail": 0, "skip": 0}
    for rid, entry in res.by_rule_id.items():
        d = entry.get("details") or {}
        if d.get("skipped"):
            counts["skip"] += 1
            continue
        if entry.get("ok"):
            counts["pass"] += 1
            continue
        counts["fail"] += 1
        rule = res.rules.get(rid)
        kw = rule.validation_criteria.keyword if rule else "?"
        rows.append(
            {
                "rule_id": rid,
                "keyword": kw,
                "function": rule.function if rule else "?",
                "violations": d.get("violations"),
                "must_satisfy": rule.validation_criteria.must_satisfy if rule else "",
                "message": d.get("message") or d.get("reason") or "",
            }
        )
    rows.sort(key=lambda r: r["rule_id"])

    # An OR composite (e.g. InvoiceId-C-003-C: "null when not invoiced" OR
    # "not null when invoiced") has alternatives as children.  focus-validator
    # also reports each alternative as a stand-alone rule, and because the
    # model cannot express "associated with an invoice" one alternative always
    # fails.  A failing alternative of a *passing* OR parent is not a violation.
    or_alternatives = set()
    for rid, rule in res.rules.items():
        req = rule.validation_criteria.requirement or {}
        if req.get("CheckFunction") == "OR" and res.by_rule_id.get(rid, {}).get("ok"):
            for item in req.get("Items", []):
                if item.get("CheckFunction") == "CheckModelRule":
                    or_alternatives.add(item.get("ModelRuleId"))
    for r in rows:
        r["or_alternative"] = r["rule_id"] in or_alternatives
    must_fail = [
        r for r in rows
        if r["keyword"].upper() in MUST_KEYWORDS and not r["or_alternative"]
    ]

    print(
        f"focus-validator {args.version} (model {res.model_version}) on {os.path.basename(data)}"
        f" rows={res.data_row_count} criteria={args.criteria or '(none)'}"
    )
    print(
        f"pass={counts['pass']} fail={counts['fail']} skipped={counts['skip']}"
        f" must_fail={len(must_fail)} time={dt:.1f}s"
    )
    for r in rows:
        print(
            f"  FAIL {r['rule_id']} [{r['keyword']}{'/composite' if r['function']=='Composite' else ''}"
            f"{' /OR-alternative, parent passed: not counted' if r['or_alternative'] else ''}]"
            f" violations={r['violations']} :: {r['must_satisfy']}"
        )
        if not args.quiet:
            print(f"       -> {r['message'][:300]}")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"counts": counts, "failures": rows, "seconds": dt}, f, indent=1)
    return 1 if must_fail else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001
        print(f"fvcheck: validator error: {e!r}", file=sys.stderr)
        sys.exit(2)
