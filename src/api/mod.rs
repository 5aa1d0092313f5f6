//! The HTTP door: `serve`'s routes and `webhooks listen`'s receiver on the server core
//! (`server/`). One route table, one error type written per dialect; handlers parse the
//! request, call one workflow in `ops/`, and answer. Workflows there know no HTTP: the status,
//! code and dialect of each outcome are decided here.

pub mod cloudevents;
pub mod error;
mod events;
pub mod listen;
pub mod listen_metrics;
pub mod metrics;
pub mod openapi;
pub mod routes;
mod selfserve;
pub mod serve;
pub mod unkey;
mod verify;

pub use serve::{address_and_tls, run, stripe_deadline, Settings, StripeAccess};
