//! Parsing price tables and alias files (CSV text) into rows, collecting every finding.

use rust_decimal::Decimal;

use super::findings::{finding, Finding, Severity};
use super::row::{col, BookTier, PriceRow};
use super::values::{parse_effective_from, parse_price};
use crate::text::lines::{recoverable, CsvRows, CsvStep};
use crate::usage::service_tier;

pub(crate) type AliasRow = (String, u64, String, String, String);

pub(crate) fn parse_aliases(
    name: &str,
    bytes: &[u8],
    out: &mut Vec<AliasRow>,
    findings: &mut Vec<Finding>,
) {
    let mut rows = CsvRows::new(bytes);
    let headers = match rows.headers() {
        Ok(h) => h,
        Err(e) => {
            findings.push(finding(
                Severity::Error,
                name,
                1,
                None,
                format!("cannot read header: {e}"),
            ));
            return;
        }
    };
    let pos = |c: &str| headers.iter().position(|h| h == c);
    let (Some(p), Some(a), Some(m)) = (pos("provider"), pos("alias"), pos("model")) else {
        findings.push(finding(
            Severity::Error,
            name,
            1,
            None,
            "an alias file needs the columns provider, alias, model".into(),
        ));
        return;
    };
    while let Some(step) = rows.next_step() {
        match step {
            CsvStep::Record(r) => {
                let line = r.line();
                let get = |i: usize| r.record.get(i).map(str::trim).unwrap_or("").to_string();
                let (pv, al, md) = (get(p), get(a), get(m));
                if pv.is_empty() || al.is_empty() || md.is_empty() {
                    findings.push(finding(
                        Severity::Error,
                        name,
                        line,
                        None,
                        "provider, alias and model are all required".into(),
                    ));
                } else {
                    out.push((name.to_string(), line, pv, al, md));
                }
            }
            CsvStep::Error { line, error } => {
                findings.push(finding(
                    Severity::Error,
                    name,
                    line,
                    None,
                    error.to_string(),
                ));
                if !recoverable(&error) {
                    break;
                }
            }
        }
    }
}

pub(crate) fn parse_file(
    name: &str,
    bytes: &[u8],
    tier: BookTier,
    rows: &mut Vec<PriceRow>,
    overlays: &mut Vec<super::overlay::OverlayRow>,
    findings: &mut Vec<Finding>,
) {
    // Overlay rows may leave input and output empty (the book's rates apply) and may give a
    // discount instead of rates.
    let overlay = tier == BookTier::Overlay;
    let mut records = CsvRows::new(bytes);
    let err = |line: u64, column: Option<&str>, message: String| {
        finding(Severity::Error, name, line, column, message)
    };
    let headers = match records.headers() {
        Ok(h) => h,
        Err(e) => {
            findings.push(err(1, None, format!("cannot read header: {e}")));
            return;
        }
    };
    let pos = |c: &str| headers.iter().position(|h| h == c);
    let mut missing = false;
    let required_columns: &[&str] = if overlay {
        &col::REQUIRED[..3]
    } else {
        &col::REQUIRED
    };
    for req in required_columns {
        if pos(req).is_none() {
            findings.push(err(1, Some(req), "required column is missing".into()));
            missing = true;
        }
    }
    if missing {
        return;
    }
    for h in &headers {
        let known = col::ALL.contains(&h.as_str()) || (overlay && h == col::DISCOUNT_PCT);
        if !known {
            findings.push(finding(
                Severity::Warning,
                name,
                1,
                Some(h),
                "unknown column, ignored".into(),
            ));
        }
    }
    while let Some(step) = records.next_step() {
        let (line, rec) = match step {
            CsvStep::Record(r) => (r.line(), r.record),
            CsvStep::Error { line, error } => {
                findings.push(err(line, None, error.to_string()));
                if recoverable(&error) {
                    continue;
                }
                break;
            }
        };
        if rec.len() != headers.len() {
            findings.push(err(
                line,
                None,
                format!(
                    "expected {} fields as in the header, found {}",
                    headers.len(),
                    rec.len()
                ),
            ));
            continue;
        }
        let get = |c: &str| {
            pos(c)
                .and_then(|i| rec.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let mut ok = true;
        let mut required = |c: &str| match get(c) {
            Some(v) => v.to_string(),
            None => {
                findings.push(err(line, Some(c), "missing value (required)".into()));
                ok = false;
                String::new()
            }
        };
        let provider = required(col::PROVIDER);
        let model = required(col::MODEL);
        let eff = required(col::EFFECTIVE_FROM);
        let (input_s, output_s) = if overlay {
            (
                get(col::INPUT).unwrap_or_default().to_string(),
                get(col::OUTPUT).unwrap_or_default().to_string(),
            )
        } else {
            (required(col::INPUT), required(col::OUTPUT))
        };
        let mut price = |c: &str, s: Option<&str>| -> Option<Decimal> {
            let s = s?;
            match parse_price(s) {
                Ok(d) => Some(d),
                Err(m) => {
                    findings.push(err(line, Some(c), m.to_string()));
                    ok = false;
                    None
                }
            }
        };
        let input = price(col::INPUT, Some(input_s.as_str()).filter(|s| !s.is_empty()));
        let output = price(
            col::OUTPUT,
            Some(output_s.as_str()).filter(|s| !s.is_empty()),
        );
        let cache_read = price(col::CACHE_READ, get(col::CACHE_READ));
        let cache_write = price(col::CACHE_WRITE, get(col::CACHE_WRITE));
        let cache_write_1h = price(col::CACHE_WRITE_1H, get(col::CACHE_WRITE_1H));
        let reasoning = price(col::REASONING, get(col::REASONING));
        let batch_input = price(col::BATCH_INPUT, get(col::BATCH_INPUT));
        let batch_output = price(col::BATCH_OUTPUT, get(col::BATCH_OUTPUT));
        let long_input = price(col::LONG_INPUT, get(col::LONG_INPUT));
        let long_output = price(col::LONG_OUTPUT, get(col::LONG_OUTPUT));
        let long_cache_read = price(col::LONG_CACHE_READ, get(col::LONG_CACHE_READ));
        let long_cache_write = price(col::LONG_CACHE_WRITE, get(col::LONG_CACHE_WRITE));
        let long_context_threshold = match get(col::LONG_THRESHOLD) {
            None => None,
            Some(s) => match s.parse::<u64>() {
                Ok(v) if v > 0 => Some(v),
                _ => {
                    findings.push(err(
                        line,
                        Some(col::LONG_THRESHOLD),
                        format!("{s:?} is not a positive token count"),
                    ));
                    ok = false;
                    None
                }
            },
        };
        if long_context_threshold.is_some() && long_input.is_none() {
            findings.push(err(
                line,
                Some(col::LONG_INPUT),
                "long_context_threshold is set but long_input_per_mtok is empty".into(),
            ));
            ok = false;
        }
        let effective_from_us = if eff.is_empty() {
            None
        } else {
            match parse_effective_from(&eff) {
                Ok(v) => Some(v),
                Err(m) => {
                    findings.push(err(line, Some(col::EFFECTIVE_FROM), m.to_string()));
                    None
                }
            }
        };
        let confidence = get(col::CONFIDENCE).map(str::to_ascii_lowercase);
        if let Some(c) = &confidence {
            if !matches!(c.as_str(), "high" | "medium" | "low") {
                findings.push(err(
                    line,
                    Some(col::CONFIDENCE),
                    format!("{c:?} is not high, medium or low"),
                ));
                ok = false;
            }
        }
        let discount_pct = if overlay {
            match get(col::DISCOUNT_PCT) {
                None => None,
                Some(s) => match s.parse::<Decimal>() {
                    Ok(d) if d >= Decimal::ZERO && d < Decimal::from(100) => Some(d),
                    _ => {
                        findings.push(err(
                            line,
                            Some(col::DISCOUNT_PCT),
                            format!("{s:?} is not a percentage from 0 to below 100"),
                        ));
                        ok = false;
                        None
                    }
                },
            }
        } else {
            None
        };
        let currency = get(col::CURRENCY).unwrap_or("USD").to_ascii_uppercase();
        if currency != "USD" {
            findings.push(err(
                line,
                Some(col::CURRENCY),
                format!("currency {currency} is not supported yet (only USD)"),
            ));
            ok = false;
        }
        if overlay {
            if let (true, Some(effective_from_us)) = (ok, effective_from_us) {
                let o = super::overlay::OverlayRow {
                    provider,
                    model,
                    region: get(col::REGION).map(str::to_string),
                    service_tier: get(col::SERVICE_TIER).and_then(service_tier),
                    effective_from_us,
                    effective_from: eff,
                    input,
                    output,
                    cache_read,
                    cache_write,
                    cache_write_1h,
                    reasoning,
                    batch_input,
                    batch_output,
                    long_context_threshold,
                    long_input,
                    long_output,
                    long_cache_read,
                    long_cache_write,
                    canonical_model: get(col::CANONICAL_MODEL).map(str::to_string),
                    source: get(col::SOURCE).map(str::to_string),
                    discount_pct,
                    file: name.to_string(),
                    line,
                };
                if o.is_empty() {
                    findings.push(err(
                        line,
                        None,
                        "an overlay row needs rates or a discount_pct".into(),
                    ));
                } else {
                    overlays.push(o);
                }
            }
            continue;
        }
        if let (true, Some(effective_from_us), Some(input), Some(output)) =
            (ok, effective_from_us, input, output)
        {
            rows.push(PriceRow {
                provider,
                model,
                region: get(col::REGION).map(str::to_string),
                effective_from_us,
                effective_from: eff,
                input,
                output,
                cache_read,
                cache_write,
                cache_write_1h,
                reasoning,
                batch_input,
                batch_output,
                long_context_threshold,
                long_input,
                long_output,
                long_cache_read,
                long_cache_write,
                canonical_model: get(col::CANONICAL_MODEL).map(str::to_string),
                currency,
                source: get(col::SOURCE).map(str::to_string),
                service_tier: get(col::SERVICE_TIER).and_then(service_tier),
                evidence: get(col::EVIDENCE).map(str::to_string),
                confidence,
                litellm_key: get(col::LITELLM_KEY).map(str::to_string),
                litellm_commit: get(col::LITELLM_COMMIT).map(str::to_string),
                rule: None,
                filled: Vec::new(),
                list: None,
                tier,
                file: name.to_string(),
                line,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::values::ValueError;

    #[test]
    fn prices_are_plain_exact_decimals() {
        assert_eq!(parse_price("2.50").unwrap().to_string(), "2.5");
        assert_eq!(parse_price(".5").unwrap().to_string(), "0.5");
        assert_eq!(parse_price("0").unwrap(), Decimal::ZERO);
        // 28 decimals are held exactly; trailing zeros beyond do not count.
        let p = "0.0000000000000000000000000001";
        assert_eq!(parse_price(p).unwrap().to_string(), p);
        assert!(parse_price("0.00000000000000000000000000010000").is_ok());
        // One more would round to 0: refused, not a silent $0.
        assert!(matches!(
            parse_price("0.00000000000000000000000000001"),
            Err(ValueError::TooPrecise(_))
        ));
        for bad in ["1_000", "1e-3", "", ".", "1.2.3", "0x10", " 1"] {
            assert!(
                matches!(parse_price(bad), Err(ValueError::NotADecimal(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(parse_price("-1"), Err(ValueError::Negative(_))));
    }
}
