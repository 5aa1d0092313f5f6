//! `setup-products` as a workflow: observe the catalog and plan; apply the plan in waves,
//! taking Stripe's answers as the new state; record the result (audit log, catalog mirror).
//! The confirmation between planning and applying stays with the command. Prints nothing.

pub use crate::adapters::store::DriftMark;
use crate::adapters::store::{CatalogRow, PriceRow, Store};
use crate::adapters::stripe::{Stripe, Writer};
use crate::domain::catalog::{self, tier_product, Observed, Plan};
use crate::domain::config::Config;
use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;

/// Requests of one wave in flight at once: well inside Stripe's rate limits (25 a second in
/// test mode, 100 in live mode); the transport backs off on a 429 anyway.
const CONCURRENCY: usize = 8;

/// Reads the catalog from Stripe (one round trip when converged) and plans the changes.
/// The API base the client talks to (shown before reading the catalog).
pub fn base(stripe: &Stripe) -> &str {
    stripe.base()
}

pub async fn observe(stripe: &Stripe, config: &Config, prune: bool) -> Result<(Observed, Plan)> {
    let observed = stripe
        .observe(config, prune)
        .await
        .context("failed to read the catalog from Stripe")?;
    crate::util::faults::point("setup.read");
    if let Some(m) = &observed.meter {
        let problems = m.fixed_differences();
        if !problems.is_empty() {
            bail!(
                "the Stripe meter {} for event {} cannot be used: {}\nhint: deactivate it in Stripe (or choose another meter.event_name) and re-run",
                m.id,
                m.event_name,
                problems.join("; ")
            );
        }
    }
    let plan = catalog::plan(&config.tiers, config.meter.as_ref(), &observed);
    Ok((observed, plan))
}

/// What an apply left.
pub struct Applied {
    /// The catalog as Stripe now has it.
    pub after: Observed,
    /// Changes still needed (0 when Stripe matches the config).
    pub left: usize,
    /// Whether Stripe answered any write with a stored reply of an earlier request.
    pub replayed: bool,
}

/// After an apply: when Stripe answered with stored replies and still differs from the config,
/// the apply did not do what it reports. The catalog's key is spent (a re-run is a new
/// request), and the answer is [`super::writes::NotApplied`].
pub fn settle_apply(store: &mut Store, applied: &Applied, now: i64) -> Result<()> {
    if !(applied.replayed && applied.left > 0) {
        return Ok(());
    }
    store.spend_key(CATALOG, "replayed", now)?;
    Err(super::writes::NotApplied {
        what: "setup-products".into(),
        object: "the catalog".into(),
        wanted: "the config".into(),
        got: format!(
            "{}, after stored replies",
            crate::util::plural::count(applied.left, "difference", "differences")
        ),
    }
    .into())
}

/// Applies `plan` wave by wave, the actions of a wave together; `progress` counts writes.
/// Stripe's answers are the new state; the catalog is read again only when they do not add
/// up to the config.
pub async fn apply(
    stripe: &Writer,
    config: &Config,
    prune: bool,
    (plan, seq): (&Plan, i64),
    mut state: Observed,
    progress: &dyn crate::ops::Progress,
) -> Result<Applied> {
    let replays = stripe.replays();
    for wave in plan.waves() {
        progress.message(&crate::util::plural::count(wave.len(), "change", "changes"));
        let meter = state.meter.as_ref().map(|m| m.id.clone());
        let results = stripe
            .apply_wave(&wave, meter.as_deref(), CONCURRENCY, seq)
            .await;
        let mut failed = None;
        for (action, result) in wave.iter().zip(results) {
            match result {
                Ok(written) => {
                    written.into_iter().for_each(|w| state.absorb(w));
                    progress.inc(action.writes());
                }
                Err(e) => {
                    failed.get_or_insert((action, e));
                }
            }
        }
        if let Some((action, e)) = failed {
            let (object, _, _) = catalog::describe(action);
            return Err(anyhow!(e)).with_context(|| {
                format!(
                    "failed to {} {object} (tier {})\nhint: fix the cause and re-run 'billctl setup-products': finished steps are not repeated",
                    action.verb(),
                    action.tier()
                )
            });
        }
    }
    // A stored reply tells what an earlier request did, not what Stripe holds now: then the
    // catalog is read again, and what is left is counted from Stripe's own state.
    let replayed = stripe.replays() != replays;
    if replayed || !catalog::plan(&config.tiers, config.meter.as_ref(), &state).is_empty() {
        state = stripe
            .observe(config, prune)
            .await
            .context("failed to re-read the catalog from Stripe")?;
    }
    let left = catalog::plan(&config.tiers, config.meter.as_ref(), &state)
        .actions
        .len();
    Ok(Applied {
        after: state,
        left,
        replayed,
    })
}

/// The whole apply as one workflow: [`apply`] under the catalog's journal sequence, a reply-only
/// apply refused ([`settle_apply`]), then the apply recorded ([`record_apply`], one line per
/// action of `view`, the plan as shown, and `actor` for its audit entry).
pub fn apply_recorded(
    (store, rt): (&mut Store, &tokio::runtime::Runtime),
    stripe: &Writer,
    (config, prune): (&Config, bool),
    (plan, observed): (&Plan, Observed),
    (view, actor): (&PlanView, &str),
    progress: &dyn crate::ops::Progress,
) -> Result<Applied> {
    let seq = store.write_seq(CATALOG)?;
    let applied = rt.block_on(apply(
        stripe,
        config,
        prune,
        (plan, seq),
        observed,
        progress,
    ));
    // Whatever came of it, the writes sent are billctl's own: their events are not drift.
    let own = store
        .record_own_catalog_writes(&stripe.written_keys())
        .context("failed to record the catalog's own writes in the store");
    let applied = applied?;
    own?;
    let now = crate::domain::clock::now();
    settle_apply(store, &applied, now)?;
    let actions = view
        .actions
        .iter()
        .map(|a| format!("{} {} {}", a.action, a.tier, a.object))
        .collect();
    record_apply(store, plan, actions, actor, now)?;
    Ok(applied)
}

/// The write journal's object for the catalog (see `crate::domain::idempotency`).
pub const CATALOG: &str = "catalog";

/// Appends the apply to the audit log: its counts and one line per action.
pub fn record_apply(
    store: &mut Store,
    plan: &Plan,
    actions: Vec<String>,
    actor: &str,
    now: i64,
) -> Result<()> {
    let detail = serde_json::json!({
        "changes": plan.actions.len(),
        "writes": plan.writes(),
        "actions": actions,
    });
    let entry = super::writes::Entry {
        actor,
        action: "catalog.apply",
        customer: None,
        key_id: None,
        detail,
    };
    // The catalog's journal sequence advances: the next apply's keys are new requests.
    let change = super::writes::Change {
        object: CATALOG.into(),
        key: format!("catalog.apply {}", plan.writes()),
    };
    super::writes::record(store, &change, &entry, now)
        .context("failed to record the apply in the audit log")
}

/// Seconds taken off Stripe's time at the start of a run's read of the catalog, for the
/// error of measuring it: `Date` and billctl's clock count whole seconds, so the measured time
/// is within 2 s of Stripe's. A change Stripe made in those seconds before the read may be
/// reported once more; one made after the read began never goes unreported.
pub const READ_SKEW_TOLERANCE_SECS: i64 = 2;

/// Taken just before a run reads Stripe's catalog: the drift notes made so far and billctl's
/// time. With Stripe's clock measured by the read ([`Reading::mark`]), it says which catalog
/// changes the run saw.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    seq: i64,
    at: i64,
}

/// The start of a run's read of the catalog: call it before [`observe`].
pub fn reading(store: &Store, now: i64) -> Result<Reading> {
    Ok(Reading {
        seq: store.catalog_drift_seq()?,
        at: now,
    })
}

impl Reading {
    /// What the run saw, once the read measured Stripe's clock (`stripe`'s skew from its
    /// first answer's `Date`, so that a clock stepped during the read moves nothing): the
    /// notes made before the read, and the changes Stripe made before it began, on Stripe's
    /// clock (events' `created` are Stripe's time), less [`READ_SKEW_TOLERANCE_SECS`].
    /// Without a `Date` from Stripe, only the notes.
    pub fn mark(self, stripe: &Stripe) -> DriftMark {
        DriftMark {
            seq: self.seq,
            read_from: stripe
                .first_clock_skew()
                .map(|skew| self.at - skew - READ_SKEW_TOLERANCE_SECS),
        }
    }
}

/// Records the catalog as Stripe has it in the store's mirror and forgets the drift notes
/// the run saw (`mark`: they are reconciled now; a note made while it ran stays); returns the
/// rows.
pub fn record_catalog(
    store: &mut Store,
    config: &Config,
    (observed, mark): (&Observed, DriftMark),
    now: i64,
) -> Result<Vec<CatalogRow>> {
    let rows = resolved(config, observed).ok_or_else(|| {
        anyhow!(
            "some configured lookup keys still do not resolve in Stripe; run setup-products --plan"
        )
    })?;
    store
        .record_catalog(&rows, now)
        .context("failed to record the catalog in the store")?;
    store
        .settle_catalog_drift(mark)
        .context("failed to settle the catalog's drift notes in the store")?;
    Ok(rows)
}

/// The configured tiers with the ids Stripe gave them; `None` while a lookup key is missing.
pub fn resolved(config: &Config, observed: &Observed) -> Option<Vec<CatalogRow>> {
    config
        .tiers
        .iter()
        .map(|t| {
            let prices = t
                .prices
                .iter()
                .map(|s| {
                    let have = observed
                        .prices
                        .iter()
                        .find(|p| p.lookup_key.as_deref() == Some(s.lookup_key.as_str()))?;
                    Some(PriceRow {
                        lookup_key: s.lookup_key.clone(),
                        price_id: have.id.clone(),
                        env: s.env.clone(),
                        primary: s.primary,
                        amount: s.amount,
                        currency: s.currency.clone(),
                        interval: s.interval.as_str().into(),
                        interval_count: s.interval_count.into(),
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            Some(CatalogRow {
                tier: t.id.clone(),
                product_id: tier_product(t, observed),
                name: t.name.clone(),
                quota: t.quota.map(|q| q as i64),
                rate_limit_per_minute: t.rate_limit_per_minute.into(),
                state_hash: catalog::state_hash(t),
                prices,
            })
        })
        .collect()
}

#[derive(Serialize)]
pub struct PlanView<'a> {
    pub changes: usize,
    pub writes: u64,
    pub actions: Vec<ActionView<'a>>,
    #[serde(skip)]
    pub plan: &'a Plan,
}

#[derive(Serialize)]
pub struct ActionView<'a> {
    pub action: &'static str,
    pub tier: &'a str,
    pub object: String,
    pub detail: String,
    pub changes: Vec<catalog::Change>,
}

/// The plan as a report.
pub fn plan_view(plan: &Plan) -> PlanView<'_> {
    PlanView {
        changes: plan.actions.len(),
        writes: plan.writes(),
        actions: plan
            .actions
            .iter()
            .map(|a| {
                let (object, detail, changes) = catalog::describe(a);
                ActionView {
                    action: a.verb(),
                    tier: a.tier(),
                    object,
                    detail,
                    changes,
                }
            })
            .collect(),
        plan,
    }
}

/// Tier -> product and prices as Stripe now has them.
#[derive(Serialize)]
pub struct TierView {
    pub product_id: String,
    pub price_id: String,
    pub lookup_key: String,
    pub prices: Vec<PriceRow>,
}

/// What `setup-products` leaves: the catalog by tier.
#[derive(Serialize)]
pub struct ResultView {
    pub changes: usize,
    pub tiers: indexmap::IndexMap<String, TierView>,
    /// Each price in words (the config's description where it has the price).
    #[serde(skip)]
    pub described: Vec<String>,
}

/// The catalog mirror's rows as the result of a run with `changes` changes.
pub fn result_view(changes: usize, rows: &[CatalogRow], config: &Config) -> ResultView {
    let tiers = rows
        .iter()
        .map(|r| {
            let primary = r.prices.iter().find(|p| p.primary).or(r.prices.first());
            let view = TierView {
                product_id: r.product_id.clone(),
                price_id: primary.map_or(String::new(), |p| p.price_id.clone()),
                lookup_key: primary.map_or(String::new(), |p| p.lookup_key.clone()),
                prices: r.prices.clone(),
            };
            (r.tier.clone(), view)
        })
        .collect();
    let described = rows
        .iter()
        .flat_map(|r| &r.prices)
        .map(|p| {
            let every = if p.interval_count == 1 {
                p.interval.clone()
            } else {
                format!("{} {}s", p.interval_count, p.interval)
            };
            config
                .prices()
                .find(|(_, s)| s.lookup_key == p.lookup_key)
                .map_or_else(
                    || {
                        format!(
                            "{} / {every}",
                            crate::domain::money::money(p.amount, &p.currency)
                        )
                    },
                    |(_, s)| catalog::describe_spec(s),
                )
        })
        .collect();
    ResultView {
        changes,
        tiers,
        described,
    }
}

/// The env file `--write-env` writes: one `PRICE_…=price_…` line per price.
pub fn env_file(rows: &[CatalogRow]) -> String {
    let mut text = String::from("# Written by billctl setup-products: Stripe price ids by tier.\n");
    for r in rows {
        for p in &r.prices {
            text.push_str(&format!("{}={}\n", p.env, p.price_id));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workflow in process, against the simulator and a temp store: a first apply takes
    /// two reads and six writes and leaves nothing to do; the mirror gets Stripe's ids; a
    /// second observe plans nothing.
    #[test]
    fn applies_the_default_catalog_to_the_simulator_in_two_reads() {
        let sim = stripe_sim::StripeSim::start();
        let (stripe, rt) = crate::ops::sim_client(&sim);
        let config =
            crate::domain::config::parse(crate::domain::config::DEFAULT_CONFIG, "default").unwrap();
        let (observed, plan) = rt.block_on(observe(&stripe, &config, false)).unwrap();
        assert_eq!((plan.actions.len(), plan.writes()), (6, 6));
        let bar = crate::ops::Counter::default();
        let applied = rt
            .block_on(apply(&stripe, &config, false, (&plan, 0), observed, &bar))
            .unwrap();
        assert_eq!(applied.left, 0);
        assert_eq!(bar.position(), 6);
        let log = sim.requests();
        let count = |m: &str| log.iter().filter(|r| r.method == m).count();
        assert_eq!(
            (count("GET"), count("POST")),
            (2, 6),
            "no re-read after the writes"
        );

        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let mark = DriftMark {
            seq: 0,
            read_from: None,
        };
        let rows =
            record_catalog(&mut store, &config, (&applied.after, mark), 1_795_500_000).unwrap();
        {
            let st = sim.state(); // holds the simulator's lock: let go before the next request
            for row in &rows {
                let price = &row.prices[0];
                assert_eq!(
                    st.prices[&price.price_id]["lookup_key"].as_str(),
                    Some(price.lookup_key.as_str()),
                    "the mirror holds Stripe's price ids"
                );
            }
        }
        assert_eq!(store.catalog().unwrap().len(), 3);
        let (_, again) = rt.block_on(observe(&stripe, &config, false)).unwrap();
        assert!(again.is_empty(), "{again:?}");
    }
}
