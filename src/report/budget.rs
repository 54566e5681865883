//! Budgets (`tokenledger check --budget [DIM=VALUE:]AMOUNT`): month-to-date spend of the usage
//! a budget covers and its month-end projection at the run-rate so far (the same projection
//! as the report's, [`super::forecast`]). Exact decimals; no I/O.

use rust_decimal::Decimal;

use super::dims::dim_value;
use crate::engine::{PricedCell, Pricing};

/// One `--budget`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// The usage it covers: all, or one value of a dimension (`team=search`).
    pub scope: Option<(String, String)>,
    pub amount: Decimal,
    /// As written.
    pub text: String,
}

/// A `--budget` that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?}: expected AMOUNT or DIM=VALUE:AMOUNT in USD, e.g. 5000 or team=search:1200")]
pub struct BudgetError(pub String);

impl Budget {
    pub fn parse(s: &str) -> Result<Budget, BudgetError> {
        let bad = || BudgetError(s.to_string());
        let t = s.trim();
        let (scope, amount) = match t.rsplit_once(':') {
            Some((scope, amount)) => {
                let (dim, value) = scope.split_once('=').ok_or_else(bad)?;
                if dim.trim().is_empty() || value.trim().is_empty() {
                    return Err(bad());
                }
                (
                    Some((dim.trim().to_string(), value.trim().to_string())),
                    amount,
                )
            }
            None => (None, t),
        };
        let amount = parse_usd(amount).ok_or_else(bad)?;
        if amount <= Decimal::ZERO {
            return Err(bad());
        }
        Ok(Budget {
            scope,
            amount,
            text: t.to_string(),
        })
    }
}

/// An amount in USD as written on a command line: `1200.50`, `$1200.50`, `1_000`.
pub fn parse_usd(s: &str) -> Option<Decimal> {
    s.trim()
        .trim_start_matches('$')
        .replace('_', "")
        .parse()
        .ok()
}

/// Where a budget stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub budget: Budget,
    /// Priced spend of the month so far.
    pub spent: Decimal,
    /// The month-end projection (the spend when the month is over or too young to project).
    pub projected: Decimal,
    /// Requests of the covered usage without a price (not in the spend).
    pub unpriced_requests: u64,
    /// `over` (spent past the budget), `over_projected` (on course to), or `ok`.
    pub state: &'static str,
}

/// The status of each budget over `priced` (the month's cells); `engine_dims` are the
/// aggregates' dimensions, `now_us` the instant of the check.
pub fn check(
    budgets: &[Budget],
    priced: &[PricedCell<'_>],
    engine_dims: &[String],
    tz: &chrono_tz::Tz,
    now_us: i64,
    period: (Option<i64>, Option<i64>),
) -> Vec<Status> {
    budgets
        .iter()
        .map(|b| {
            let covered: Vec<PricedCell<'_>> = priced
                .iter()
                .filter(|pc| match &b.scope {
                    None => true,
                    Some((dim, value)) => {
                        let canonical = match &pc.pricing {
                            Pricing::Priced { row, .. } => row.canonical_model.as_deref(),
                            Pricing::Unpriced(_) => None,
                        };
                        dim_value(dim, pc.cell, pc.key, canonical, engine_dims)
                            .is_some_and(|v| v.eq_ignore_ascii_case(value))
                    }
                })
                .cloned()
                .collect();
            let mut spent = Decimal::ZERO;
            let mut unpriced_requests = 0;
            for pc in &covered {
                match &pc.pricing {
                    Pricing::Priced { cost, .. } => spent += cost,
                    Pricing::Unpriced(_) => unpriced_requests += pc.cell.sums.requests,
                }
            }
            let projected = super::forecast(&covered, tz, now_us, period.0, period.1)
                .map_or(spent, |f| f.projected.max(spent));
            let state = if spent > b.amount {
                "over"
            } else if projected > b.amount {
                "over_projected"
            } else {
                "ok"
            };
            Status {
                budget: b.clone(),
                spent,
                projected,
                unpriced_requests,
                state,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_read_with_and_without_a_scope() {
        let b = Budget::parse("5000").unwrap();
        assert_eq!((b.scope, b.amount), (None, Decimal::from(5000)));
        let b = Budget::parse("team=search:1200.50").unwrap();
        assert_eq!(b.scope, Some(("team".to_string(), "search".to_string())));
        assert_eq!(b.amount, "1200.50".parse().unwrap());
        assert_eq!(Budget::parse("$1_000").unwrap().amount, Decimal::from(1000));
        for bad in ["", "team:100", "=x:5", "team=search:", "-5", "0", "ten"] {
            assert!(Budget::parse(bad).is_err(), "{bad}");
        }
    }
}
