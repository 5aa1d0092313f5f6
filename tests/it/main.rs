//! The integration tests, one binary (as cargo and ripgrep have: one link instead of one per
//! file), one module per area. Each drives the real `billctl` binary against the Stripe
//! simulator and a real store; `tests/common/` is the harness they share.
//! Each module's header says whether it runs against real Stripe (`tests/run.sh` reads it).

#[path = "../common/mod.rs"]
mod common;
/// The benchmarks' store builders (customers on a bench tier, key records), for the tests
/// that build a store without the command line.
#[path = "../benches/seed.rs"]
mod seed;

mod auth;
mod cli;
mod config_errors;
mod controls;
mod credentials;
mod dashboard;
mod db;
mod demo;
mod doctor;
mod exports;
mod hardening;
mod health;
mod help_truth;
mod json_vocabulary;
mod keys;
mod limits;
mod live;
mod messages;
mod metrics;
mod notify;
mod openapi;
mod output_paths;
mod package;
mod parsers;
mod payments;
mod peers;
mod postgres;
mod prices_check;
mod proxy;
mod quickstart;
mod reload;
mod restore;
mod revenue;
mod seats;
mod selfserve;
mod serve;
mod serve_core;
mod serve_paths;
mod serve_restart;
mod setup_products;
mod stalls;
mod subscriptions;
mod units;
mod usage;
mod usage_routes;
mod usage_sync;
mod webhooks;
mod webhooks_conflicts;
mod webhooks_listen;
mod webhooks_order;
mod webhooks_replay;
mod write_handle;
mod writes;
