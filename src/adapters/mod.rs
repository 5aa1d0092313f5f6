//! The adapters: billctl's only doors to the outside world. The database (`store`), Stripe
//! (`stripe`), the HTTP server core both services run on (`server`), and where secrets come from
//! (`secrets`, systemd `credentials`, the OS `keystore`).

pub mod credentials;
pub mod keystore;
pub mod secrets;
pub mod server;
pub mod store;
pub mod stripe;
