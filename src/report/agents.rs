//! Coding-agent usage in a report: rows with an `agent` are priced at API list prices, though
//! an agent used through a subscription or plan is billed at the plan's price; the report says
//! how much of its cost that is ("API-equivalent").

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::engine::{PricedCell, Pricing};

/// The engine dimension that names the coding agent of a row (`readers::agents::AGENT`).
pub const AGENT: &str = "agent";

/// Coding-agent usage in a report, priced at API list prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiEquivalent {
    /// The agents, by name.
    pub agents: Vec<String>,
    pub requests: u64,
    /// The priced part (unpriced agent usage is in the unpriced table, as any).
    #[serde(with = "rust_decimal::serde::str")]
    pub cost_usd: Decimal,
}

/// Adds up the agent cells of a report.
pub struct AgentCost {
    dim: Option<usize>,
    agents: BTreeSet<String>,
    requests: u64,
    cost: Decimal,
}

impl AgentCost {
    /// `engine_dims`: the dimensions the engine grouped by (no `agent` among them: no figure).
    pub fn new(engine_dims: &[String]) -> Self {
        AgentCost {
            dim: engine_dims.iter().position(|d| d == AGENT),
            agents: BTreeSet::new(),
            requests: 0,
            cost: Decimal::ZERO,
        }
    }

    pub fn add(&mut self, pc: &PricedCell<'_>) {
        let Some(a) = self
            .dim
            .and_then(|i| pc.key.dims.get(i))
            .and_then(|a| a.as_deref())
        else {
            return;
        };
        if !self.agents.contains(a) {
            self.agents.insert(a.to_string());
        }
        self.requests += pc.cell.sums.requests;
        if let Pricing::Priced { cost, .. } = &pc.pricing {
            self.cost += *cost;
        }
    }

    /// The figure and the sentence the report's warnings carry, when there was agent usage.
    pub fn finish(self) -> (Option<ApiEquivalent>, Option<String>) {
        if self.agents.is_empty() {
            return (None, None);
        }
        let a = ApiEquivalent {
            agents: self.agents.into_iter().collect(),
            requests: self.requests,
            cost_usd: self.cost.normalize(),
        };
        let note = format!(
            "{} from coding agents ({}) are priced at API list prices: ${} of the cost is API-equivalent; usage under a subscription or plan is billed at the plan's price, not per token",
            crate::money::count_of(a.requests, "request"),
            a.agents.join(", "),
            a.cost_usd
        );
        (Some(a), Some(note))
    }
}
