//! JSON: `{"by", "period", "rows", "total", "unpriced", "accounting", "rejections", "pricing",
//! "coverage"}`.
//! Money is a decimal string (exact); counts are integers.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use crate::report::{Measures, Report};

fn measures(m: &Measures, obj: &mut Map<String, Value>) {
    obj.insert("requests".into(), json!(m.requests));
    obj.insert("failed_requests".into(), json!(m.failed_requests));
    obj.insert("input_tokens".into(), json!(m.input_tokens));
    obj.insert("cache_read_tokens".into(), json!(m.cache_read_tokens));
    obj.insert("cache_write_tokens".into(), json!(m.cache_write_tokens));
    obj.insert("output_tokens".into(), json!(m.output_tokens));
    obj.insert("reasoning_tokens".into(), json!(m.reasoning_tokens));
    obj.insert("cost_usd".into(), json!(crate::money::exact(m.cost_usd)));
    obj.insert("unpriced_requests".into(), json!(m.unpriced_requests));
    obj.insert("price_versions".into(), json!(m.price_versions));
    obj.insert("priced_by".into(), json!(m.priced_by));
}

/// The report as a JSON value.
pub fn to_value(report: &Report) -> Value {
    let rows: Vec<Value> = report
        .rows
        .iter()
        .map(|r| {
            let mut obj = Map::new();
            for (name, v) in report.by.iter().zip(&r.dims) {
                obj.insert(name.clone(), json!(v));
            }
            measures(&r.measures, &mut obj);
            Value::Object(obj)
        })
        .collect();
    let mut total = Map::new();
    measures(&report.total, &mut total);
    json!({
        "by": report.by,
        "period": report.period,
        "rows": rows,
        "total": total,
        "unpriced": report.unpriced,
        "accounting": report.accounting,
        "rejections": report.rejections,
        "warnings": report.warnings,
        "forecast": report.forecast.as_ref().map(|f| json!({
            "month": f.month,
            "cost_so_far_usd": crate::money::exact(f.cost_so_far),
            "days_elapsed": f.days_elapsed,
            "days_in_month": f.days_in_month,
            "projected_month_end_usd": crate::money::exact(f.projected),
            "based_on_from": f.based_on_from,
            "based_on_to": f.based_on_to,
            "note": "projection from the run-rate so far, not a bill",
        })),
        "pricing": report.pricing,
        "coverage": report.coverage,
    })
}

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &to_value(report))?;
    writeln!(w)
}
