//! The lookup "which version was in force at this instant": aliases resolved, the tiers
//! searched in order (overlay, curated, generated, provider rules), time windows and
//! retirements applied.

use super::*;

impl PriceBook {
    /// Whether `id` is an alias of another model id of `provider`.
    pub fn is_alias(&self, provider: &str, id: &str) -> bool {
        self.aliases
            .get(provider)
            .is_some_and(|m| m.contains_key(id))
    }

    /// The model id the book prices a logged id under: a Bedrock ARN
    /// (`arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic...`) becomes its profile or
    /// model id (the geo prefix stays: it can change the price), then aliases apply.
    pub fn resolve_model<'a>(&'a self, provider: &str, model: &'a str) -> &'a str {
        let model = normalise_model_id(model);
        self.aliases
            .get(provider)
            .and_then(|m| m.get(model))
            .map_or(model, String::as_str)
    }

    pub(super) fn find<'a>(&'a self, idx: Option<&Vec<usize>>, at_us: i64) -> Option<Lookup<'a>> {
        let idx = idx?;
        let pos = idx.partition_point(|&i| self.rows[i].effective_from_us <= at_us);
        Some(if pos == 0 {
            Lookup::BeforeFirst(&self.rows[idx[0]])
        } else {
            Lookup::Priced(&self.rows[idx[pos - 1]])
        })
    }

    /// The version of one tier's series: the request's region, then an uplift rule covering
    /// the region, then the region-less row.
    pub(super) fn lookup_in<'a>(
        &'a self,
        map: &Series,
        q: &Query<'_>,
        tier: Option<&str>,
    ) -> Lookup<'a> {
        let key = |region: Option<&str>| {
            (
                q.provider.to_string(),
                q.model.to_string(),
                region.map(str::to_string),
                tier.map(str::to_string),
            )
        };
        let base = self.find(map.get(&key(None)), q.at_us);
        let mut before = None;
        if let Some(r) = q.region {
            let lower = r.to_ascii_lowercase();
            match self.find(map.get(&key(Some(&lower))), q.at_us) {
                Some(Lookup::Priced(p)) => return Lookup::Priced(p),
                Some(b @ Lookup::BeforeFirst(_)) => before = Some(b),
                _ => {}
            }
        }
        // Rule rows exist only for models with a base series in this map (overlay series are
        // merged with the book's rows already). A deployment rule is decided by the request's
        // deployment type alone, a region rule by its region alone.
        if (q.region.is_some() || q.deployment.is_some())
            && base.is_some()
            && !std::ptr::eq(map, &self.overlay)
        {
            let rk = (
                q.provider.to_string(),
                q.model.to_string(),
                tier.map(str::to_string),
            );
            for (ri, idx) in self.ruled.get(&rk).into_iter().flatten() {
                if self.rules[*ri].covers(q.region, q.deployment) {
                    if let Some(Lookup::Priced(p)) = self.find(Some(idx), q.at_us) {
                        return Lookup::Priced(p);
                    }
                }
            }
        }
        match (base, before) {
            (Some(Lookup::Priced(p)), _) => Lookup::Priced(p),
            (_, Some(b)) => b,
            (Some(b), None) => b,
            (None, None) => Lookup::Unknown,
        }
    }

    /// The tier's series map that prices a model: curated rows, where a model has any, hide
    /// its generated rows.
    pub(super) fn map_for(&self, provider: &str, model: &str) -> &Series {
        if self
            .curated_models
            .contains(&(provider.to_string(), model.to_string()))
        {
            &self.curated
        } else {
            &self.generated
        }
    }

    /// Whether a service tier comes from a time window (a discount a model may not have: then
    /// the standard price applies) rather than from the log (then a missing price is unpriced).
    pub(super) fn is_window_tier(&self, tier: &str) -> bool {
        self.windows.iter().any(|w| w.tier == tier)
    }

    /// The version in force for a request. The model id is resolved first (see
    /// [`Self::resolve_model`]); a retired model is [`Lookup::Retired`]. An overlay row in force
    /// wins; then the curated rows of the model (or, when it has none, the generated ones): a
    /// row for the request's region, an uplift rule covering it, or the row without a region,
    /// in the request's service tier.
    pub fn lookup(&self, q: Query<'_>) -> Lookup<'_> {
        let model = self.resolve_model(q.provider, q.model);
        let q = Query { model, ..q };
        if let Some(r) = self.retirement(q.provider, model) {
            if q.at_us >= r.at_us {
                return Lookup::Retired(r);
            }
        }
        if !self.overlay.is_empty() {
            if let Lookup::Priced(p) = self.lookup_in(&self.overlay, &q, q.tier) {
                return Lookup::Priced(p);
            }
        }
        let map = self.map_for(q.provider, model);
        let found = self.lookup_in(map, &q, q.tier);
        match (found, q.tier) {
            (Lookup::Priced(_), _) | (_, None) => found,
            (_, Some(t)) => match self.lookup_in(map, &q, None) {
                standard @ Lookup::Priced(_) if self.is_window_tier(t) => standard,
                Lookup::Priced(_) | Lookup::BeforeFirst(_) => Lookup::NoServiceTier,
                other => other,
            },
        }
    }

    /// The price of a request the provider served after the model's retirement `r` (it should
    /// have failed): the redirect target's version in force then, where the provider bills the
    /// retired id as another model, else the model's last version before the retirement.
    pub fn after_retirement(&self, q: Query<'_>, r: &Retirement) -> Lookup<'_> {
        match &r.redirect_to {
            Some(to) => self.lookup(Query { model: to, ..q }),
            None => self.lookup(Query {
                at_us: r.at_us - 1,
                ..q
            }),
        }
    }

    /// The service tier a time window gives a request of this (resolved) model at `ts`, if any.
    pub fn window_tier(&self, provider: &str, model: &str, ts: i64) -> Option<&str> {
        if self.windows.is_empty() {
            return None;
        }
        let canonical = self.canonical_of(provider, model);
        self.windows
            .iter()
            .find(|w| {
                w.provider == provider
                    && rules::models_match(&w.models, model, canonical)
                    && w.covers(ts)
            })
            .map(|w| w.tier.as_str())
    }

    /// The tier of the first time window, in book order, whose bit is set in `mask` (it covers
    /// the request's instant and provider, as a warehouse query decided) and which names this
    /// (resolved) model: [`Self::window_tier`] for a request known only by its mask.
    pub fn window_tier_masked(&self, provider: &str, model: &str, mask: u64) -> Option<&str> {
        if mask == 0 {
            return None;
        }
        let canonical = self.canonical_of(provider, model);
        self.windows
            .iter()
            .enumerate()
            .find(|(i, w)| {
                *i < 64
                    && mask & (1 << i) != 0
                    && w.provider == provider
                    && rules::models_match(&w.models, model, canonical)
            })
            .map(|(_, w)| w.tier.as_str())
    }
}
