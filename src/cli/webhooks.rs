//! `billctl webhooks listen|ingest|list|show|reprocess|verify|replay|backfill|endpoint`.

use super::moment;
use super::parsers::at_least_one;
use super::parsers::ServerLimitsArgs;
use clap::Args;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Receive Stripe webhook deliveries over HTTP: verify, store durably, answer, then apply
    ///
    /// Every request it answers from its head or its body is recorded (headers, result,
    /// receive time); one refused 503 BUSY (over the connection cap or the body memory
    /// budget) is only counted and logged. A bad or stale signature,
    /// malformed JSON or an oversized body gets a 4xx and is never applied. Events are stored
    /// once per id; another body under a stored id is a conflict, kept apart and logged. Secrets
    /// come from --secret-env variables, or else from what 'webhooks endpoint create' kept (the
    /// keyring, or the data dir's secret file with [webhooks] secret_file). Stops on Ctrl-C,
    /// SIGTERM or a closed stdout; SIGHUP re-reads the TLS files and the metrics' service tokens
    /// and never stops it.
    Listen(WebhooksListenArgs),
    /// Store events from a file (one JSON event or NDJSON, '-' for stdin) and apply them, as
    /// listen would (no signature: the file is trusted). Exits 1 if an event failed or an id
    /// is stored with another body (a conflict: the stored event stays)
    Ingest(WebhooksIngestArgs),
    /// Re-apply stored events, oldest first (all matching, or only --failed)
    Reprocess(WebhooksReprocessArgs),
    /// List stored events (or rejected requests with --status rejected, conflicts with
    /// --status conflict), oldest first
    List(WebhooksListArgs),
    /// Show one stored event: its outcome, the requests that brought it, replays, and the
    /// payload
    Show(WebhooksShowArgs),
    /// Check a Stripe-Signature header against a body read from stdin (for debugging)
    Verify(WebhooksVerifyArgs),
    /// POST stored events to a URL again, each re-signed with a fresh timestamp
    ///
    /// Every delivery is recorded (status, latency, start of the answer) under a run id;
    /// --resume RUN_ID sends only what that run has not delivered yet. Exits 1 if any
    /// delivery failed. Each run is appended to the audit log.
    Replay(WebhooksReplayArgs),
    /// Page through Stripe's /v1/events (kept 30 days) and store and apply the events this
    /// store lacks, oldest first: after listen was down, then 'replay' pushes them on. Where the
    /// store holds another body under an id, Stripe's copy replaces and is applied (the other
    /// kept as a conflict; exits 1)
    Backfill(WebhooksBackfillArgs),
    /// Register, list and delete the Stripe webhook endpoints billctl receives on
    #[command(subcommand)]
    Endpoint(EndpointCommand),
}

#[derive(Debug, Args)]
pub struct WebhooksReplayArgs {
    /// Only these events
    #[arg(value_name = "EVT_ID")]
    pub ids: Vec<String>,
    /// Also send events that came in through 'webhooks ingest' (their origin was never
    /// verified; they are signed with the endpoint secret all the same)
    #[arg(long)]
    pub include_unverified: bool,
    /// Only events whose last apply failed
    #[arg(long)]
    pub failed: bool,
    #[command(flatten)]
    pub window: EventWindow,
    /// Where to POST (http:// or https://); with --resume, the run's URL is used
    #[arg(long, value_name = "URL", required_unless_present = "resume")]
    pub to: Option<String>,
    /// Environment variable holding the secret to sign with (whsec_...). Default: the first
    /// webhook secret in the keyring
    #[arg(long = "secret-env", value_name = "VAR")]
    pub secret_env: Option<String>,
    /// Deliveries in flight at once
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = at_least_one::<usize>)]
    pub concurrency: usize,
    /// At most this many deliveries per second (N or N/s)
    #[arg(long, value_name = "N/s", value_parser = super::parsers::parse_rate)]
    pub rate: Option<f64>,
    /// Seconds to wait for each answer
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = at_least_one::<u64>)]
    pub timeout: u64,
    /// List what would be sent, send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Continue run RUN_ID: same URL and selection, skipping events it delivered
    #[arg(long, value_name = "RUN_ID", conflicts_with_all = ["ids", "failed", "kind", "since", "until"])]
    pub resume: Option<String>,
}

#[derive(Debug, Args)]
pub struct WebhooksBackfillArgs {
    /// How far back: an age like 72h or 7d, a date, unix seconds or RFC 3339 (Stripe keeps
    /// events for 30 days)
    #[arg(long, default_value = "72h", value_name = "TIME", value_parser = moment)]
    pub since: i64,
    /// Only event types matching this glob (customer.subscription.*)
    #[arg(long = "type", value_name = "GLOB")]
    pub kind: Option<String>,
    /// Store the missing events without applying them
    #[arg(long)]
    pub no_apply: bool,
}

#[derive(Debug, Subcommand)]
pub enum EndpointCommand {
    /// Create a Stripe webhook endpoint for the event types billctl applies, and keep its
    /// signing secret in the keyring (listen and replay use it from there)
    Create(EndpointCreateArgs),
    /// List the account's webhook endpoints
    List,
    /// Delete a webhook endpoint (asks first) and forget its secret
    Delete(EndpointDeleteArgs),
}

#[derive(Debug, Args)]
pub struct EndpointCreateArgs {
    /// The public URL Stripe will POST to (https://.../stripe/webhooks)
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// A description shown in the Stripe Dashboard
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
}

#[derive(Debug, Args)]
pub struct EndpointDeleteArgs {
    /// Endpoint id (we_...)
    #[arg(value_name = "WE_ID")]
    pub id: String,
}

#[derive(Debug, Args)]
pub struct WebhooksListenArgs {
    /// Address to listen on (port 0 picks a free one; the address is printed first)
    #[arg(long, default_value = "127.0.0.1:4242", value_name = "ADDR:PORT")]
    pub bind: String,
    /// URL path that receives deliveries
    #[arg(long, default_value = "/stripe/webhooks", value_name = "PATH")]
    pub path: String,
    /// Environment variable holding an endpoint secret (whsec_...); repeat it during a
    /// rotation. Default: the secrets 'webhooks endpoint create' kept (the keyring, else the data
    /// dir's secret file with [webhooks] secret_file).
    #[arg(long = "secret-env", value_name = "VAR")]
    pub secret_env: Vec<String>,
    /// Seconds the signature's timestamp may be from now
    #[arg(long, default_value_t = crate::domain::webhooks::DEFAULT_TOLERANCE_SECS, value_name = "SECS", value_parser = clap::value_parser!(i64).range(0..))]
    pub tolerance: i64,
    /// Largest body accepted, in bytes (larger ones get 413)
    #[arg(long, default_value_t = 1_048_576, value_name = "BYTES", value_parser = at_least_one::<usize>)]
    pub max_body: usize,
    /// Refused requests kept at most, for 'webhooks list --status rejected' (oldest dropped
    /// first): time, peer, path, status, reason and allow-listed headers; an unsigned or badly
    /// signed body only as its length and SHA-256, never the body
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub max_rejected: u64,
    /// How long refused requests are kept (older ones are dropped as new requests are stored)
    #[arg(long, default_value = "7d", value_name = "DURATION", value_parser = crate::domain::time::positive_span)]
    pub rejected_retention: i64,
    #[command(flatten)]
    pub server: ServerLimitsArgs,
    #[command(flatten)]
    pub tls: super::parsers::TlsArgs,
    /// URL path of the Prometheus metrics (deliveries, refusals, apply outcomes and lag,
    /// group commits, connections), for a service token with the read scope ('billctl serve
    /// tokens issue'); empty: none
    #[arg(long, default_value = "/metrics", value_name = "PATH")]
    pub metrics_path: String,
    /// Apply the object as Stripe has it now (fetched with the Stripe key) instead of the
    /// event's copy
    #[arg(long)]
    pub refetch: bool,
}

#[derive(Debug, Args)]
pub struct WebhooksIngestArgs {
    /// File of events: one JSON event, or one event per line; '-' reads stdin
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Apply the objects as Stripe has them now instead of the events' copies
    #[arg(long)]
    pub refetch: bool,
}

#[derive(Debug, Args)]
pub struct WebhooksReprocessArgs {
    /// Only these events
    #[arg(value_name = "EVT_ID")]
    pub ids: Vec<String>,
    /// Only events whose last apply failed
    #[arg(long)]
    pub failed: bool,
    #[command(flatten)]
    pub window: EventWindow,
    /// Apply the objects as Stripe has them now instead of the events' copies
    #[arg(long)]
    pub refetch: bool,
}

/// Which stored events, by type and creation time.
#[derive(Debug, Args)]
pub struct EventWindow {
    /// Only event types matching this glob (customer.subscription.*, invoice.*)
    #[arg(long = "type", value_name = "GLOB")]
    pub kind: Option<String>,
    /// Only events created since: RFC 3339, a date, unix seconds, or an age like 72h
    #[arg(long, value_name = "TIME", value_parser = moment)]
    pub since: Option<i64>,
    /// Only events created before this time (same forms as --since)
    #[arg(long, value_name = "TIME", value_parser = moment)]
    pub until: Option<i64>,
}

/// `--status` of `webhooks list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EventStatus {
    Applied,
    Ignored,
    Failed,
    Pending,
    /// Requests listen refused (bad signature, malformed, too large)
    Rejected,
    /// Bodies that came with the id of a stored event and differ from it, kept apart
    Conflict,
}

#[derive(Debug, Args)]
pub struct WebhooksListArgs {
    #[command(flatten)]
    pub window: EventWindow,
    /// Only events with this outcome, or the rejected requests, or the conflicts (bodies kept
    /// apart from the stored event of their id)
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<EventStatus>,
    /// At most this many rows (the oldest matching)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct WebhooksShowArgs {
    /// Event id (evt_...)
    #[arg(value_name = "EVT_ID")]
    pub id: String,
}

#[derive(Debug, Args)]
pub struct WebhooksVerifyArgs {
    /// Environment variable holding an endpoint secret (whsec_...); repeat it for the secrets
    /// of a rotation. Secrets never go on the command line.
    #[arg(long = "secret-env", value_name = "VAR", required = true)]
    pub secret_env: Vec<String>,
    /// The Stripe-Signature header value (t=...,v1=...)
    #[arg(long, value_name = "HEADER")]
    pub header: String,
    /// Seconds the signature's timestamp may be from now
    #[arg(long, default_value_t = crate::domain::webhooks::DEFAULT_TOLERANCE_SECS, value_name = "SECS", value_parser = clap::value_parser!(i64).range(0..))]
    pub tolerance: i64,
}
