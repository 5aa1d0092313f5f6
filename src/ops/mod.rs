//! Workflows: each takes what it needs explicitly (the store, a Stripe client, the config, the
//! clock's reading, a progress handle) and returns a serializable report. They print nothing;
//! `commands/` turns flags into a call and renders the report.

pub mod import;
pub mod replay;
pub mod setup;
pub mod sync;
pub mod webhooks;
