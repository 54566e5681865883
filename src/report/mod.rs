//! Typed report rows built from priced aggregates.
//!
//! This is the one documented results structure every output format renders: the breakdown rows
//! for the `--by` dimensions, the total, the unpriced usage, the accounting of every input row
//! and the price files used, and beside it the comparison, failures, FOCUS rows and forecast.
//! Layer 3: sums are exact; nothing here formats, rounds or does I/O.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

pub mod accounting;
pub mod agents;
pub mod anomaly;
pub mod budget;
pub mod columns;
pub mod compare;
pub mod dims;
pub mod failures;
#[cfg(test)]
pub mod fixture;
pub mod focus;
pub mod forecast;
mod json;
pub mod measures;
pub mod period;
pub mod reconcile;
mod rows;
pub mod set;

use accounting::account;
pub use accounting::{Accounting, Coverage, Share};
pub use agents::{ApiEquivalent, AGENT};
pub use dims::{dim_value, BATCH, CANONICAL_MODEL, DAY, KNOWN_DIMS, MONTH};

/// A report row's dimension values: two inline (most reports group by one or two).
pub type Dims = smallvec::SmallVec<[Option<crate::text::shared::Text>; 2]>;
pub use forecast::{forecast, Forecast, ForecastAcc};
pub use period::Period;

use crate::engine::{Aggregates, PricedCell, Pricing, Sums, UnpricedReason};
use crate::pricing::PriceFile;
use crate::usage::Rejection;

/// The `priced_by` entry of usage priced after its model's retirement (`rule:after-retirement`).
pub const AFTER_RETIREMENT: &str = "after-retirement";
/// The `priced_by` entry of generated usage priced after its price map stopped listing it.
pub const AFTER_DELISTING: &str = "after-delisting";

/// Measures of one breakdown row (or the total). Serialises through [`measures::MEASURES`]
/// (money as exact decimal strings), then `price_versions` and `priced_by`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Measures {
    pub requests: u64,
    pub failed_requests: u64,
    pub input_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_tokens: u64,
    /// Exact cost of the priced usage in the row (unpriced usage is not in it).
    pub cost_usd: Decimal,
    pub unpriced_requests: u64,
    /// The price versions that priced this row (`provider/model@effective_from`), sorted.
    pub price_versions: set::SmallSet<set::Label>,
    /// The tiers of the book those versions come from (overlay, curated, generated).
    pub priced_by: set::TierSet,
    /// The provider rules that priced a token class the versions leave empty
    /// (`class-rules.csv`: Anthropic's 0.1x cache read, Azure's 50% Global Batch, ...).
    pub price_rules: set::SmallSet<set::Label>,
}

impl Measures {
    /// Adds another row's measures (for a row that stands for several).
    pub fn merge(&mut self, o: &Measures) {
        self.requests += o.requests;
        self.failed_requests += o.failed_requests;
        self.input_tokens += o.input_tokens;
        self.cache_read_tokens += o.cache_read_tokens;
        self.cache_write_tokens += o.cache_write_tokens;
        self.output_tokens += o.output_tokens;
        self.reasoning_tokens += o.reasoning_tokens;
        self.cost_usd += o.cost_usd;
        self.unpriced_requests += o.unpriced_requests;
        self.price_versions.extend(o.price_versions.iter().cloned());
        self.priced_by.extend(o.priced_by.iter().copied());
        self.price_rules.extend(o.price_rules.iter().cloned());
    }

    /// What priced the row: the tiers of the book, then `rule:<name>` for each provider rule.
    pub fn priced_by_labels(&self) -> Vec<String> {
        self.priced_by
            .iter()
            .map(|t| t.as_str().to_string())
            .chain(self.price_rules.iter().map(|r| format!("rule:{r}")))
            .collect()
    }

    fn add_sums(&mut self, s: &Sums, failed: bool) {
        self.requests += s.requests;
        if failed {
            self.failed_requests += s.requests;
        }
        self.input_tokens += s.input_tokens;
        self.cache_read_tokens += s.cache_read_tokens;
        self.cache_write_tokens += s.cache_write_tokens;
        self.output_tokens += s.output_tokens;
        self.reasoning_tokens += s.reasoning_tokens;
    }
}

/// One breakdown row: the values of the `--by` dimensions and the measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// One value per `--by` dimension (`None` when the logs had no value), shared with the
    /// engine's strings where it is one of them.
    pub dims: Dims,
    pub measures: Measures,
}

/// Usage that could not be priced, per provider, model and reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unpriced {
    pub provider: String,
    pub model: String,
    pub reason: String,
    pub requests: u64,
    pub input_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    pub output_tokens: u64,
}

/// The price book a report used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricingInfo {
    pub files: Vec<PriceFile>,
    /// Price versions that priced some usage in this report (`provider/model@effective_from`).
    pub versions_used: Vec<String>,
    /// The day the book was last checked against its sources, and its newest price date.
    pub checked_at: Option<String>,
    pub newest_price: Option<String>,
}

impl Serialize for PricingInfo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("files", &self.files)?;
        m.serialize_entry("versions_used", &self.versions_used)?;
        m.serialize_entry("book_fingerprint", &self.fingerprint(false))?;
        m.serialize_entry("book_checked_at", &self.checked_at)?;
        m.serialize_entry("book_newest_price", &self.newest_price)?;
        if self.files.iter().any(|f| f.overlay) {
            m.serialize_entry("overlay_fingerprint", &self.fingerprint(true))?;
        }
        m.end()
    }
}

impl PricingInfo {
    /// One hash for a set of price files (the book, or the overlays): sha256 over each file's
    /// `sha256  file-name` line, in load order. Two runs with the same fingerprint used the same
    /// prices, wherever the files were (the built-in book and a copy of `pricing/` agree).
    pub fn fingerprint(&self, overlay: bool) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for f in self.files.iter().filter(|f| f.overlay == overlay) {
            let name = f.path.rsplit(['/', '\\']).next().unwrap_or(&f.path);
            h.update(format!("{}  {name}\n", f.sha256).as_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A complete cost report. Serialises as the `json` format (rows keyed by the `--by` names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub by: Vec<String>,
    pub period: Period,
    pub rows: Vec<Row>,
    pub total: Measures,
    pub unpriced: Vec<Unpriced>,
    pub accounting: Accounting,
    /// The first rejected rows, verbatim.
    pub rejections: Vec<Rejection>,
    /// Things a reader of the numbers should know (e.g. long-context tiers that could not be
    /// checked on pre-aggregated rows).
    pub warnings: Vec<String>,
    /// Month-end projection for a month in progress (set by the caller, which knows "now").
    pub forecast: Option<Forecast>,
    pub pricing: PricingInfo,
    /// Which tier of the book priced how much of the usage.
    pub coverage: Coverage,
    /// The cost of coding-agent usage (rows with an `agent`), when there is any: priced at API
    /// list prices, though an agent used through a subscription or plan is not billed per token.
    pub api_equivalent: Option<ApiEquivalent>,
}

/// The same usage as `r` by provider, when `r` is not (the page's summary leads with it).
pub fn by_provider(
    r: &Report,
    engine_dims: &[String],
    agg: &Aggregates,
    priced: &[PricedCell<'_>],
) -> Option<Report> {
    (!r.by.iter().any(|d| d == "provider")).then(|| {
        build(
            &["provider".to_string()],
            engine_dims,
            agg,
            priced,
            r.period.clone(),
            Vec::new(),
        )
    })
}

/// Builds the report from priced cells. `engine_dims` must be the dims the engine grouped by.
pub fn build<'a>(
    by: &[String],
    engine_dims: &[String],
    agg: &Aggregates,
    priced: &[PricedCell<'a>],
    period: Period,
    price_files: Vec<PriceFile>,
) -> Report {
    let find = |f: &mut dyn FnMut(rows::RowCell<'a>)| {
        priced.iter().for_each(|pc| f(rows::RowCell::of(pc)));
        Ok::<(), std::convert::Infallible>(())
    };
    let mut each = |f: &mut dyn FnMut(&PricedCell<'a>)| {
        priced.iter().for_each(f);
        Ok::<(), std::convert::Infallible>(())
    };
    match build_from(by, engine_dims, agg, &find, &mut each, period, price_files) {
        Ok(r) => r,
        Err(never) => match never {},
    }
}

/// [`build`] pricing each cell as it sums it into its row, instead of from a priced vector: a
/// million-cell report then holds no priced vector beside its rows (88 MB). The rows are found
/// first, pricing again only when `--by` names what priced a cell (`model`, `canonical_model`).
/// `observe` sees every priced cell (a forecast made on the way). Fails only where
/// [`crate::engine::price`] would.
#[allow(clippy::too_many_arguments)]
pub fn build_pricing<'a>(
    by: &[String],
    engine_dims: &[String],
    agg: &'a Aggregates,
    book: &'a crate::pricing::PriceBook,
    period: Period,
    price_files: Vec<PriceFile>,
    observe: &mut dyn FnMut(&PricedCell<'a>),
) -> Result<Report, crate::engine::PriceError> {
    let priced_dims = rows::needs_pricing(by);
    let find = |f: &mut dyn FnMut(rows::RowCell<'a>)| {
        if priced_dims {
            return crate::engine::price_each(agg, book, &mut |pc| f(rows::RowCell::of(pc)));
        }
        for cell in &agg.cells {
            f(rows::RowCell::unpriced(
                cell,
                &agg.groups[cell.group as usize],
            ));
        }
        Ok(())
    };
    let mut each = |f: &mut dyn FnMut(&PricedCell<'a>)| {
        crate::engine::price_each(agg, book, &mut |pc| {
            observe(pc);
            f(pc)
        })
    };
    build_from(by, engine_dims, agg, &find, &mut each, period, price_files)
}

/// Calls its argument with every priced cell of a report, in the order of [`rows::EachRowCell`].
type EachCell<'e, 'a, E> = dyn FnMut(&mut dyn FnMut(&PricedCell<'a>)) -> Result<(), E> + 'e;

fn build_from<'a, E>(
    by: &[String],
    engine_dims: &[String],
    agg: &Aggregates,
    find: &rows::EachRowCell<'_, 'a, E>,
    cells: &mut EachCell<'_, 'a, E>,
    period: Period,
    price_files: Vec<PriceFile>,
) -> Result<Report, E> {
    // First the rows: each cell's row, in order of appearance, found by its dimensions through a
    // table of indices; then the cells are summed into them.
    let (row_of, mut rows) = rows::rows_of(by, engine_dims, agg.cells.len(), find)?;
    // One shared label per price version and per rule, however many rows they price.
    let mut version_labels: crate::engine::FastMap<*const crate::pricing::PriceRow, set::Label> =
        Default::default();
    let mut rule_labels: crate::engine::FastMap<&str, set::Label> = Default::default();
    let mut total = Measures::default();
    let mut unpriced: BTreeMap<(String, String, UnpricedReason), Unpriced> = BTreeMap::new();
    let mut accounting = account(&agg.counters);
    let mut versions = std::collections::BTreeSet::new();
    let mut long_unchecked = 0;
    let mut coverage = Coverage::default();
    type Retired<'a> = (
        &'a crate::pricing::Retirement,
        u64,
        std::collections::BTreeSet<String>,
    );
    let mut after_retirement: BTreeMap<(String, String), Retired> = BTreeMap::new();
    let mut assumed_global = 0u64;
    let mut agent_cost = agents::AgentCost::new(engine_dims);
    let mut next = row_of.iter();
    cells(&mut |pc: &PricedCell<'a>| {
        // (Both passes read the cells in one order: one row per cell.)
        let i = next.next().copied().unwrap_or_default();
        agent_cost.add(pc);
        let (cell, key) = (pc.cell, pc.key);
        if pc.assumed_global() && matches!(pc.pricing, Pricing::Priced { .. }) {
            assumed_global += cell.sums.requests;
        }
        if pc.long_unchecked {
            long_unchecked += cell.sums.rows;
        }
        coverage.add(pc);
        let i = i as usize;
        let m = &mut rows[i].measures;
        m.add_sums(&cell.sums, key.failed);
        total.add_sums(&cell.sums, key.failed);
        match &pc.pricing {
            Pricing::Priced {
                row,
                cost,
                rules,
                retired,
            } => {
                if let Some(r) = retired {
                    let label = if r.delisted {
                        AFTER_DELISTING
                    } else {
                        AFTER_RETIREMENT
                    };
                    let label = set::Label::from(label);
                    m.price_rules.insert(label.clone());
                    total.price_rules.insert(label);
                    let e = after_retirement
                        .entry((key.provider.to_string(), key.model.to_string()))
                        .or_insert_with(|| (*r, 0, std::collections::BTreeSet::new()));
                    e.1 += cell.sums.requests;
                    e.2.insert(row.version_id());
                }
                for r in rules {
                    let label = rule_labels.entry(r).or_insert_with(|| (*r).into()).clone();
                    m.price_rules.insert(label.clone());
                    total.price_rules.insert(label);
                }
                m.cost_usd += *cost;
                total.cost_usd += *cost;
                let version = version_labels
                    .entry(std::ptr::from_ref(*row))
                    .or_insert_with(|| row.version_id().into())
                    .clone();
                m.price_versions.insert(version.clone());
                total.price_versions.insert(version);
                m.priced_by.insert(row.tier);
                total.priced_by.insert(row.tier);
                versions.insert(row.version_id());
                if key.failed {
                    accounting.failed += cell.sums.rows;
                } else {
                    accounting.priced += cell.sums.rows;
                }
            }
            Pricing::Unpriced(reason) => {
                m.unpriced_requests += cell.sums.requests;
                total.unpriced_requests += cell.sums.requests;
                if key.failed {
                    accounting.failed += cell.sums.rows;
                    accounting.failed_unpriced += cell.sums.rows;
                } else {
                    accounting.unpriced += cell.sums.rows;
                }
                let u = unpriced
                    .entry((
                        key.provider.to_string(),
                        key.model.to_string(),
                        reason.clone(),
                    ))
                    .or_insert_with(|| Unpriced {
                        provider: key.provider.to_string(),
                        model: key.model.to_string(),
                        reason: reason.to_string(),
                        requests: 0,
                        input_tokens: 0,
                        cache_read_tokens: 0,
                        cache_write_tokens: 0,
                        output_tokens: 0,
                    });
                u.requests += cell.sums.requests;
                u.input_tokens += cell.sums.input_tokens;
                u.cache_read_tokens += cell.sums.cache_read_tokens;
                u.cache_write_tokens += cell.sums.cache_write_tokens;
                u.output_tokens += cell.sums.output_tokens;
            }
        }
    })?;
    // Time dimensions ascending, then the most expensive first, then by name: stable and useful.
    let time_idx: Vec<usize> = by
        .iter()
        .enumerate()
        .filter(|(_, d)| *d == MONTH || *d == DAY)
        .map(|(i, _)| i)
        .collect();
    // (Rows have distinct dimensions, so the order is total: an unstable sort gives the same
    // result without a buffer of half the rows, and the comparison allocates nothing.)
    rows.sort_unstable_by(|a, b| {
        time_idx
            .iter()
            .map(|&i| a.dims[i].cmp(&b.dims[i]))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| b.measures.cost_usd.cmp(&a.measures.cost_usd))
            .then_with(|| a.dims.cmp(&b.dims))
    });
    total.cost_usd = total.cost_usd.normalize();
    for r in &mut rows {
        r.measures.cost_usd = r.measures.cost_usd.normalize();
    }
    let (api_equivalent, agent_note) = agent_cost.finish();
    Ok(Report {
        api_equivalent,
        by: by.to_vec(),
        period,
        rows,
        total,
        unpriced: unpriced.into_values().collect(),
        accounting,
        rejections: agg.counters.rejections.clone(),
        forecast: None,
        warnings: {
            let mut w: Vec<String> = agent_note.into_iter().collect();
            if long_unchecked > 0 {
                w.push(format!(
                    "{} pre-aggregated rows of models with a long-context tier exceed the threshold in sum; \
                     whether single requests did is unknown, so they are priced at the normal rates \
                     (give the rows a long_context column to decide)",
                    long_unchecked
                ));
            }
            if assumed_global > 0 {
                w.push(format!(
                    "{} on azure without a deployment_type: priced at Global Standard, the list price (a resource's region does not decide it); Data Zone and Regional deployments cost more: give the logs a deployment_type column (global, data-zone, regional)",
                    crate::money::count_of(assumed_global, "request")
                ));
            }
            for ((provider, model), (r, requests, versions)) in &after_retirement {
                let priced = versions.iter().cloned().collect::<Vec<_>>().join(", ");
                w.push(match &r.redirect_to {
                    _ if r.delisted => format!(
                        "{provider}/{model}: {} after LiteLLM's price map stopped listing it on {} ({}): priced at its last price ({priced}), which may be out of date; check the provider's page, or give the price in an overlay",
                        crate::money::count_of(*requests, "request"),
                        r.at,
                        r.source.as_deref().unwrap_or("no source")
                    ),
                    Some(to) => format!(
                        "{provider}/{model}: {} after its retirement on {}, billed by the provider as {to} and priced so ({priced}; {})",
                        crate::money::count_of(*requests, "request"),
                        r.at,
                        r.source.as_deref().unwrap_or("no source")
                    ),
                    None => format!(
                        "{provider}/{model}: {} succeeded after its retirement on {} ({}): priced at its last price ({priced}); check that the logs name the right provider and model",
                        crate::money::count_of(*requests, "request"),
                        r.at,
                        r.source.as_deref().unwrap_or("no source")
                    ),
                });
            }
            w
        },
        pricing: PricingInfo {
            files: price_files,
            versions_used: versions.into_iter().collect(),
            checked_at: None,
            newest_price: None,
        },
        coverage,
    })
}

#[cfg(test)]
mod lazy_tests {
    use super::*;
    use crate::engine::{Aggregator, EngineSettings};
    use crate::pricing::PriceBook;
    use crate::usage::{parse_timestamp_us, OwnedRecord, UsageSink};

    /// A report and its forecast priced as they are read equal those of a priced vector, for
    /// time and log-column dimensions, with unpriced usage and a price change in the month.
    #[test]
    fn pricing_as_read_gives_the_same_report_and_forecast() {
        let prices = "provider,model,effective_from,input_per_mtok,output_per_mtok\n\
            p,m,2025-01-01,3,15\n\
            p,m,2025-06-15,2,10\n";
        let mut f = Vec::new();
        let book = PriceBook::from_sources(&[("t.csv".into(), prices.as_bytes().to_vec())], &mut f);
        assert!(f.is_empty(), "{f:?}");
        let tz = chrono_tz::Europe::Berlin;
        let mut a = Aggregator::new(EngineSettings {
            tz,
            from_us: None,
            to_us: None,
            dims: vec!["user".into()],
            boundaries: book.boundaries(),
            book: Some(std::sync::Arc::new(book.clone())),
            per_minute: false,
            filter: vec![],
            side: None,
        });
        let users = ["ann", "bo", "cy"];
        for i in 0..60u64 {
            let day = 1 + i % 28;
            let ts = format!("2025-06-{day:02}T{:02}:00:00Z", i % 24);
            let model = if i % 7 == 0 { "unknown" } else { "m" };
            let mut r = OwnedRecord::new(parse_timestamp_us(&ts).unwrap(), "p", model);
            r.input_tokens = 1000 + i;
            r.output_tokens = 10 * i;
            r.user = Some(users[(i % 3) as usize].to_string());
            a.record(&r.as_record());
        }
        let agg = a.finish().unwrap();
        let priced = crate::engine::price(&agg, &book).unwrap();
        let dims = vec!["user".to_string()];
        let now = parse_timestamp_us("2025-06-20T12:00:00Z").unwrap();
        let period = || Period {
            from: None,
            to: None,
            tz: "Europe/Berlin".into(),
        };
        for by in [
            vec!["user"],
            vec!["day", "model"],
            vec!["month", "provider", "model", "user"],
        ] {
            let by: Vec<String> = by.into_iter().map(String::from).collect();
            let want = build(&by, &dims, &agg, &priced, period(), vec![]);
            let mut acc = ForecastAcc::new(&tz, now, None, None).unwrap();
            let got = build_pricing(&by, &dims, &agg, &book, period(), vec![], &mut |pc| {
                acc.add(pc)
            })
            .unwrap();
            assert_eq!(
                acc.finish(),
                forecast(&priced, &tz, now, None, None),
                "{by:?}"
            );
            assert_eq!(got, want, "{by:?}");
            assert!(!want.unpriced.is_empty() && !want.rows.is_empty());
        }
        assert!(forecast(&priced, &tz, now, None, None).is_some());
    }
}
