//! The simulator's own tests, one binary (one link instead of one per file), one module per
//! area; `tests/common/` is their harness.

#[path = "../common/mod.rs"]
mod common;

mod binary;
mod contract;
mod hostile;
mod payments;
mod python_sdk;
mod semantics;
mod test_clocks;
mod webhooks_faults;
