//! `billctl serve` and `billctl serve tokens issue|list|revoke`.

use super::parsers::at_least_one;
use super::parsers::ServerLimitsArgs;
use clap::Args;
use clap::Subcommand;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ServeArgs {
    #[command(subcommand)]
    pub command: Option<ServeCommand>,
    #[command(flatten)]
    pub run: ServeRunArgs,
}

#[derive(Debug, Subcommand)]
pub enum ServeCommand {
    /// Issue, list and revoke the service tokens callers of 'serve' authenticate with
    #[command(subcommand)]
    Tokens(TokensCommand),
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Issue a token; it is printed once and never again (billctl keeps only its hash)
    Issue(TokensIssueArgs),
    /// List tokens (never their secrets)
    List,
    /// Revoke a token by id or name (asks first); serve refuses it within its refresh interval
    Revoke(TokensRevokeArgs),
}

#[derive(Debug, Args)]
pub struct TokensIssueArgs {
    /// A name to tell tokens apart ("api-gateway", "web-app"); one token in use per name
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// What the token may do: verify (POST /v1/keys/verify, /v2/keys.verifyKey), usage
    /// (POST /v1/usage/events, /api/v1/events), read (GET /v1/customers/{id}/usage, GET /metrics
    /// of serve and of webhooks listen), self-service (a customer's account, usage, keys,
    /// portal, checkout and plan); repeat it or separate with commas
    #[arg(long = "scope", value_name = "SCOPE", required = true, value_delimiter = ',', value_parser = parse_scope)]
    pub scopes: Vec<crate::domain::keys::Scope>,
}

#[derive(Debug, Args)]
pub struct TokensRevokeArgs {
    /// The token's id (the 8 characters after bks_) or its name
    #[arg(value_name = "ID_OR_NAME")]
    pub token: String,
}

fn parse_scope(s: &str) -> Result<crate::domain::keys::Scope, String> {
    crate::domain::keys::Scope::parse(s)
        .ok_or_else(|| format!("unknown scope {s:?}: use verify, usage, read or self-service"))
}

#[derive(Debug, Args)]
pub struct ServeRunArgs {
    /// Where to listen: ADDR:PORT (port 0 picks a free one; the address is printed first) or
    /// unix:PATH. An address outside loopback needs --tls-cert and --tls-key, or --plain-http
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "ADDR|unix:PATH")]
    pub listen: String,
    #[command(flatten)]
    pub tls: super::parsers::TlsArgs,
    /// Serve plain HTTP on an address outside loopback (API keys and tokens then cross the
    /// network in clear: only behind a TLS-terminating proxy on a private network)
    #[arg(long, conflicts_with = "tls_cert")]
    pub plain_http: bool,
    /// How stale cached keys, customers and tokens may be: a revocation or tier change made
    /// elsewhere is seen within this
    #[arg(long, default_value = "1s", value_name = "DURATION", value_parser = super::parsers::parse_refresh)]
    pub refresh: std::time::Duration,
    /// Most usage events in one request (POST /v1/usage/events, POST /api/v1/events); more get
    /// 413
    #[arg(long, default_value_t = 10_000, value_name = "N", value_parser = at_least_one::<usize>)]
    pub max_events: usize,
    /// Largest body accepted, in bytes (larger ones get 413)
    #[arg(long, default_value_t = 4 * 1_048_576, value_name = "BYTES", value_parser = at_least_one::<usize>)]
    pub max_body: usize,
    #[command(flatten)]
    pub server: ServerLimitsArgs,
}
