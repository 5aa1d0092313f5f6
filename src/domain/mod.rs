//! The domain: what billctl's world is made of and the rules it follows (tiers, prices,
//! subscriptions, keys, usage, webhook events, money, time, the clock) and the settings that
//! describe it. It decides and prints nothing, and reaches the outside only through `config`'s one
//! bounded file read; `ops/` runs it against `adapters/`.

pub mod billing;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod idempotency;
pub mod keys;
pub mod mode;
pub mod money;
pub mod revenue;
pub mod time;
pub mod usage;
pub mod webhooks;
