//! PostgreSQL, the store for several hosts: its URL (checked, and shown without a password),
//! connecting (TLS through rustls when the URL's `sslmode` asks for it), append-only
//! migrations under an advisory lock, and `db copy` between a SQLite data dir and an empty
//! Postgres database in both directions, each copy verified by row counts and sums.
//!
//! The blocking `postgres` client runs its own runtime: it is only called outside billctl's
//! tokio runtime (commands call the store between Stripe calls, never inside one).

use anyhow::{bail, Context, Result};
use postgres::Client;
use std::time::Duration;

/// The migrations, in order (append-only).
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/postgres/0001_schema.sql"),
    include_str!("migrations/postgres/0002_one_usage_index.sql"),
    include_str!("migrations/postgres/0003_subscription_history.sql"),
    include_str!("migrations/postgres/0004_quantity_payment_order.sql"),
    include_str!("migrations/postgres/0005_service_tokens.sql"),
    include_str!("migrations/postgres/0006_invoice_finals.sql"),
    include_str!("migrations/postgres/0007_usage_identity.sql"),
    include_str!("migrations/postgres/0008_stripe_writes.sql"),
    include_str!("migrations/postgres/0009_event_conflicts.sql"),
    include_str!("migrations/postgres/0010_recorded_groups.sql"),
];
/// The advisory lock key held while migrating: "billctl" in ASCII.
const MIGRATE_LOCK: i64 = 0x0062_696c_6c63_746c;
/// How long connecting may take when the URL does not say.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The variable that may hold the password of a URL that has none.
pub const PASSWORD_ENV: &str = "BILLCTL_DATABASE_PASSWORD";

/// A `postgres://` URL, checked.
#[derive(Clone)]
pub struct PgUrl {
    config: postgres::Config,
    /// `sslrootcert`: the CA certificates (PEM) to check the server's certificate against
    /// instead of the web's roots (a managed database's own CA, a private one).
    root_cert: Option<std::path::PathBuf>,
    shown: String,
    /// The URL as parsed (libpq's host rule applied, billctl's TLS parameters taken out), from
    /// which a list's hosts are taken one at a time ([`PgUrl::each_host`]).
    url: String,
}

impl std::fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl PgUrl {
    /// Parses a URL. `password_allowed`: false where the URL came from argv or the config
    /// file, which must never hold a secret; then the password comes from the
    /// `database-password` systemd credential, else `BILLCTL_DATABASE_PASSWORD` (or
    /// `PGPASSWORD`).
    pub fn parse(url: &str, password_allowed: bool) -> Result<PgUrl, String> {
        let url = url.trim();
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err("must start with postgres:// or postgresql://".into());
        }
        if url.len() > 2048 {
            return Err("is longer than 2048 characters".into());
        }
        let written = url;
        let url = libpq_hosts(url)?;
        let (url, extras) = super::pg_params::take(&url)?;
        let root_cert = extras.root_cert;
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            format!(
                "is not a PostgreSQL URL ({})",
                redact_error(&error_chain(&e))
            )
        })?;
        if let Some(t) = extras.tcp_user_timeout {
            config.tcp_user_timeout(t);
        }
        if config.get_password().is_some() && !password_allowed {
            return Err(format!(
                "holds a password; a secret never goes in argv or the config file: leave it out and set {PASSWORD_ENV}"
            ));
        }
        if config.get_password().is_none() {
            use crate::adapters::credentials::{read, Credential};
            // The systemd credential first, as systemd advises, then the variables.
            if let Some(c) = read(Credential::DatabasePassword)? {
                config.password(c.value.as_bytes());
            } else if let Some(p) =
                std::env::var_os(PASSWORD_ENV).or_else(|| std::env::var_os("PGPASSWORD"))
            {
                config.password(p.as_encoded_bytes());
            }
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let shown = as_written(written);
        Ok(PgUrl {
            config,
            root_cert,
            shown,
            url,
        })
    }

    /// The URL without its password, for messages.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// What the URL asks of TLS: `sslmode` (`disable`, `prefer`, `require`; `ignored` when
    /// every host is a unix socket, where libpq ignores it and no TLS is spoken), and whether
    /// every host is a unix socket or on loopback (where clear text never crosses a network).
    pub fn tls_asked(&self) -> (&'static str, bool) {
        use postgres::config::{Host, SslMode};
        let mode = match self.config.get_ssl_mode() {
            _ if self.unix_only() => "ignored",
            SslMode::Disable => "disable",
            SslMode::Require => "require",
            _ => "prefer",
        };
        let local = self.config.get_hosts().iter().all(|h| match h {
            Host::Unix(_) => true,
            Host::Tcp(name) => name == "localhost" || name == "127.0.0.1" || name == "::1",
        });
        (mode, local)
    }

    /// Whether every host is a unix socket.
    fn unix_only(&self) -> bool {
        self.config
            .get_hosts()
            .iter()
            .all(|h| matches!(h, postgres::config::Host::Unix(_)))
    }

    /// Connects: over TCP, TLS by rustls when `sslmode` is `prefer` (the default, used only
    /// if the server offers it), `require` or `verify-full`, none when `disable`; over a unix
    /// socket, no TLS. The server's certificate and host name are always checked: against
    /// the CAs of `sslrootcert` when the URL names one, else the web's root certificates.
    pub fn connect(&self) -> Result<Client> {
        use postgres::config::{Host, SslMode};
        let hosts = self.config.get_hosts();
        let mixed = !self.unix_only() && hosts.iter().any(|h| matches!(h, Host::Unix(_)));
        if mixed && self.config.get_ssl_mode() != SslMode::Disable {
            // libpq applies sslmode host by host (never to a socket), which one config of the
            // client cannot say: each host is tried alone, in the list's order.
            let mut failed = Vec::new();
            for one in self.each_host()? {
                match one.connect() {
                    Ok(client) => return Ok(client),
                    Err(e) => failed.push(format!("{e:#}")),
                }
            }
            bail!("{}", failed.join("; "));
        }
        let connected = if self.unix_only() {
            // A unix socket is local: no TLS (nor a name to check a certificate against).
            // libpq ignores sslmode there, so `require` connects as psql does
            // (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-SSLMODE).
            let mut local = self.config.clone();
            local.ssl_mode(SslMode::Disable);
            local.connect(postgres::NoTls)
        } else if self.config.get_ssl_mode() == SslMode::Disable {
            self.config.connect(postgres::NoTls)
        } else {
            self.config
                .connect(rustls_connector(self.root_cert.as_deref())?)
        };
        connected.map_err(|e| {
            // The client's own text is often just "db error": the server's reason, or the
            // TLS failure, is in its sources.
            let text = error_chain(&e);
            anyhow::anyhow!(
                "failed to connect to {}: {}",
                self.shown,
                redact_secret(&text, self.config.get_password())
            )
        })
    }
}

impl PgUrl {
    /// The URL once per host of its list, each with that host alone and its port.
    fn each_host(&self) -> Result<Vec<PgUrl>> {
        use postgres::config::Host;
        let ports = self.config.get_ports();
        let mut out = Vec::new();
        for (i, host) in self.config.get_hosts().iter().enumerate() {
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            let name = match host {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            };
            let url = one_host(&self.url, &name, port);
            let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
                anyhow::anyhow!("{}: {}", self.shown, redact_error(&e.to_string()))
            })?;
            if let Some(p) = self.config.get_password() {
                config.password(p);
            }
            if let Some(t) = self.config.get_connect_timeout() {
                config.connect_timeout(*t);
            }
            if let Some(t) = self.config.get_tcp_user_timeout() {
                config.tcp_user_timeout(*t);
            }
            out.push(PgUrl {
                shown: shown(&config),
                config,
                root_cert: self.root_cert.clone(),
                url,
            });
        }
        Ok(out)
    }
}

/// `url` with `host` (a name, an address or a socket directory) and `port` as its only host:
/// the authority's hosts and the query's `host` and `port` replaced.
fn one_host(url: &str, host: &str, port: u16) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let (scheme, rest) = base.split_at(scheme_end);
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let userinfo = authority.rfind('@').map_or("", |i| &authority[..=i]);
    let mut kept: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("host=") && !p.starts_with("port="))
        .map(String::from)
        .collect();
    let encoded: String = host
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'.' | b'_' | b'-' | b':' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    kept.push(format!("host={encoded}"));
    kept.push(format!("port={port}"));
    format!("{scheme}{userinfo}{path}?{}", kept.join("&"))
}

/// An error and its sources, `: `-joined (the client's own text is often just "db error" or
/// "invalid connection string"; the reason, and the parameter it is about, are in its sources).
fn error_chain(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The URL as it was written, for messages, with its secrets out: the authority's password left
/// out, and the query's `password`, `sslpassword`, `oauth_client_secret` and SCRAM keys. (Shown from
/// the parsed config, a host list lost its ports' places: `a:1,b` read as `a,b:1`.)
fn as_written(url: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let (scheme, rest) = url.split_at(scheme_end);
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((user, _)) => format!("{user}{}", &authority[at..]),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if secret_key(k) => format!("{k}=[redacted]"),
                    _ => p.to_string(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}{authority}{tail}")
}

/// The query parameters whose values are secrets.
const SECRET_PARAMS: &[&str] = &[
    "password",
    "sslpassword",
    "oauth_client_secret",
    "scram_client_key",
    "scram_server_key",
];

/// Whether a query key, as written, names a secret: percent-decoded, as libpq reads it
/// (`pass%77ord` is `password`: a hostile review found its value shown), and in any case.
fn secret_key(written: &str) -> bool {
    let key = percent_decode(written).unwrap_or_else(|| written.to_string());
    SECRET_PARAMS.contains(&key.to_ascii_lowercase().as_str())
}

/// `postgres://user@host:port/dbname` from a parsed config, never its password.
fn shown(c: &postgres::Config) -> String {
    let hosts: Vec<String> = c
        .get_hosts()
        .iter()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let port = c
        .get_ports()
        .first()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    format!(
        "postgres://{}{}{port}/{}",
        c.get_user().map(|u| format!("{u}@")).unwrap_or_default(),
        hosts.join(","),
        c.get_dbname().unwrap_or("")
    )
}

/// An error text from the client with only secrets blanked: the value of any `password=`
/// pair and the URL's password itself. The server's reason ("password authentication failed
/// for user \"billctl\"") stays: it is what the operator needs.
fn redact_error(e: &str) -> String {
    redact_secret(e, None)
}

fn redact_secret(e: &str, secret: Option<&[u8]>) -> String {
    let mut out = e.to_string();
    if let Some(secret) = secret
        .and_then(|s| std::str::from_utf8(s).ok())
        .filter(|s| s.len() >= 3)
    {
        out = out.replace(secret, "[redacted]");
    }
    // Every `key=value` whose key names a secret as libpq reads it (written plainly, in any
    // case, or percent-encoded): the value up to a space, `&` or quote is blanked.
    let mut from = 0;
    while let Some(eq) = out[from..].find('=').map(|i| from + i) {
        let start = out[..eq]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '%'))
            .map_or(0, |i| i + 1);
        let key = &out[start..eq];
        let secret = secret_key(key);
        let i = eq + 1;
        if !secret {
            from = i;
            continue;
        }
        let end = out[i..]
            .find(|c: char| c.is_whitespace() || c == '&' || c == '\'')
            .map_or(out.len(), |j| i + j);
        out.replace_range(i..end, "[redacted]");
        from = i + "[redacted]".len();
    }
    out
}

/// libpq's rule for a URL's query: `host` and `port` there replace the authority's (rust-postgres
/// would add them as more hosts), and a comma-separated `host` is a list. So
/// `postgres://u@localhost:5433/db?host=/run/pg` connects to the socket in /run/pg on port 5433,
/// as `psql` does. The URL is rewritten to say that, every host in its authority.
fn libpq_hosts(url: &str) -> Result<String, String> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok(url.to_string());
    };
    let params: Vec<(&str, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    let has = |k: &str| params.iter().any(|(key, _)| *key == k);
    if !has("host") && !has("port") {
        return Ok(url.to_string());
    }
    if params.iter().filter(|(k, _)| *k == "host").count() > 1
        || params.iter().filter(|(k, _)| *k == "port").count() > 1
    {
        return Err(
            "names host or port twice in its query: give each once (a list is comma-separated)"
                .into(),
        );
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let (scheme, rest) = base.split_at(scheme_end);
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (userinfo, hostlist) = match authority.rfind('@') {
        Some(i) => (&authority[..=i], &authority[i + 1..]),
        None => ("", authority),
    };
    let (hosts, ports) = split_hosts(hostlist)?;
    // rust-postgres gives each host of the authority its port (5432 when it names none) and
    // adds the query's hosts and ports after them, and takes a query `host` that lists several
    // as one; libpq lets the query's replace the authority's and splits lists. So the hosts
    // and ports libpq would use are written into the authority, each host with its port.
    let query_list = |k: &str| -> Option<Vec<String>> {
        params
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.split(',').map(String::from).collect())
    };
    let hosts = match query_list("host") {
        Some(given) => given
            .iter()
            .map(|h| authority_host(h))
            .collect::<Result<_, _>>()?,
        None => hosts,
    };
    let ports = query_list("port").unwrap_or(ports);
    if hosts.is_empty() {
        // No host anywhere (the default socket): the port stays in the query.
        return Ok(url.to_string());
    }
    let authority_hosts = with_ports(&hosts, &ports)?;
    let kept: Vec<String> = params
        .iter()
        .filter(|(k, _)| *k != "port" && *k != "host")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let query = match kept.is_empty() {
        true => String::new(),
        false => format!("?{}", kept.join("&")),
    };
    Ok(format!("{scheme}{userinfo}{authority_hosts}{path}{query}"))
}

/// The authority's hosts and their ports (empty where a host names none), split as
/// rust-postgres splits them.
fn split_hosts(hostlist: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let (mut hosts, mut ports) = (Vec::new(), Vec::new());
    for chunk in hostlist.split(',').filter(|c| !c.is_empty()) {
        let (host, port) = match chunk.strip_prefix('[') {
            Some(v6) => match v6.split_once(']') {
                Some((h, rest)) => (format!("[{h}]"), rest.strip_prefix(':')),
                None => return Err("has a malformed [IPv6] host".into()),
            },
            None => match chunk.split_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (chunk.to_string(), None),
            },
        };
        hosts.push(host);
        ports.push(port.unwrap_or_default().to_string());
    }
    Ok((hosts, ports))
}

/// A host of a query's `host` list as the authority writes it: a socket directory
/// percent-encoded (`%2Frun%2Fpostgresql`), an IPv6 address in brackets, a name as it is.
fn authority_host(given: &str) -> Result<String, String> {
    let host = percent_decode(given).ok_or("has a host that is not text")?;
    if host.starts_with('/') {
        return Ok(host
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect());
    }
    if host.contains(':') && !host.starts_with('[') {
        return Ok(format!("[{host}]"));
    }
    if host.contains(['/', '?', '@', '#']) {
        return Err(format!(
            "has a host {host:?} that is neither a name nor a socket directory"
        ));
    }
    Ok(host)
}

/// `host:port,...`: one port for every host, or one each (libpq's rule), or none.
fn with_ports(hosts: &[String], ports: &[String]) -> Result<String, String> {
    if !(ports.is_empty() || ports.len() == 1 || ports.len() == hosts.len()) {
        return Err(format!(
            "names {} for {}: give one port, or one per host",
            crate::util::plural::count(ports.len(), "port", "ports"),
            crate::util::plural::count(hosts.len(), "host", "hosts")
        ));
    }
    Ok(hosts
        .iter()
        .enumerate()
        .map(|(i, h)| match ports.get(i).or(ports.first()) {
            Some(p) if !p.is_empty() => format!("{h}:{p}"),
            _ => h.clone(),
        })
        .collect::<Vec<_>>()
        .join(","))
}

/// `%XX` escapes decoded; `None` when they do not make UTF-8.
pub(super) fn percent_decode(s: &str) -> Option<String> {
    let (b, mut out, mut i) = (s.as_bytes(), Vec::with_capacity(s.len()), 0);
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The largest `sslrootcert` file read.
const MAX_ROOT_CERT: u64 = 1 << 20;

/// The CA certificates of an `sslrootcert` file.
fn root_certs(path: &std::path::Path) -> Result<rustls::RootCertStore> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    use std::io::Read;
    let shown = path.display();
    let mut pem = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_ROOT_CERT + 1).read_to_end(&mut pem))
        .with_context(|| format!("cannot read sslrootcert {shown}"))?;
    if pem.len() as u64 > MAX_ROOT_CERT {
        bail!("sslrootcert {shown} is larger than 1 MiB");
    }
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| anyhow::anyhow!("sslrootcert {shown} is not PEM: {e}"))?;
        roots
            .add(cert)
            .map_err(|e| anyhow::anyhow!("sslrootcert {shown} holds a bad certificate: {e}"))?;
    }
    if roots.is_empty() {
        bail!("sslrootcert {shown} holds no certificate");
    }
    Ok(roots)
}

fn rustls_connector(
    root_cert: Option<&std::path::Path>,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let roots = match root_cert {
        Some(path) => root_certs(path)?,
        None => rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        },
    };
    let config = rustls::ClientConfig::builder_with_provider(
        rustls::crypto::ring::default_provider().into(),
    )
    .with_safe_default_protocol_versions()
    .context("TLS set-up failed")?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// The schema version this billctl brings a Postgres store to.
pub fn schema_len() -> i64 {
    MIGRATIONS.len() as i64
}

/// Applies the migrations the database lacks, holding an advisory lock so that two hosts
/// never migrate at once (the second waits, then finds nothing to do). Returns the version.
pub fn migrate(client: &mut Client) -> Result<i64> {
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATE_LOCK])?;
    let result = (|| -> Result<i64> {
        client.batch_execute(
            "CREATE TABLE IF NOT EXISTS billctl_schema (version BIGINT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )?;
        let current: i64 = client
            .query_one("SELECT coalesce(max(version), 0) FROM billctl_schema", &[])?
            .get(0);
        let known = schema_len();
        if current > known {
            bail!("the database has billctl schema version {current}, newer than this billctl knows ({known}); upgrade billctl");
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let version = i as i64 + 1;
            let mut tx = client.transaction()?;
            tx.batch_execute(sql)
                .with_context(|| format!("Postgres migration {version} failed"))?;
            tx.execute(
                "INSERT INTO billctl_schema (version) VALUES ($1)",
                &[&version],
            )?;
            tx.commit()?;
        }
        Ok(known)
    })();
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATE_LOCK]);
    let version = result?;
    unlocked?;
    Ok(version)
}

/// The schema version of a database (0 before the first migration).
pub fn schema_version(client: &mut Client) -> Result<i64> {
    let exists: bool = client
        .query_one("SELECT to_regclass('billctl_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_one("SELECT coalesce(max(version), 0) FROM billctl_schema", &[])?
        .get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libpq's rule: `host` and `port` in the query replace the authority's (issue 30).
    #[test]
    fn query_hosts_and_ports_replace_the_authoritys() {
        let cases = [
            (
                "postgres://u@localhost:5433/db?host=/tmp/sock",
                "postgres://u@%2Ftmp%2Fsock:5433/db",
            ),
            (
                "postgres://u@localhost:1/db?host=%2Ftmp%2Fsock&port=5433&sslmode=disable",
                "postgres://u@%2Ftmp%2Fsock:5433/db?sslmode=disable",
            ),
            (
                "postgres://u@/db?host=/run/pg,db.example.com,::1&port=5433",
                "postgres://u@%2Frun%2Fpg:5433,db.example.com:5433,[::1]:5433/db",
            ),
            (
                "postgres://u@/db?host=a,b&port=1,2&sslmode=require",
                "postgres://u@a:1,b:2/db?sslmode=require",
            ),
            (
                "postgres://u@db.example.com:1/db?port=6432",
                "postgres://u@db.example.com:6432/db",
            ),
            (
                "postgres://u@a,b:1/db?port=6432&sslmode=require",
                "postgres://u@a:6432,b:6432/db?sslmode=require",
            ),
            ("postgres://u@a,b/db?port=1,2", "postgres://u@a:1,b:2/db"),
            (
                "postgres://u@h:5432/db?sslmode=require",
                "postgres://u@h:5432/db?sslmode=require",
            ),
            ("postgres://u@h:5432/db", "postgres://u@h:5432/db"),
        ];
        for (given, want) in cases {
            assert_eq!(libpq_hosts(given).unwrap(), want, "{given}");
        }
        assert!(libpq_hosts("postgres://u@h/db?host=/a&host=/b").is_err());
        assert!(libpq_hosts("postgres://u@/db?host=a,b,c&port=1,2").is_err());
        let url = PgUrl::parse("postgres://u@/db?host=/run/pg,db.example.com", false).unwrap();
        assert_eq!(
            url.config.get_hosts().len(),
            2,
            "a query's host list is a list"
        );
        let url = PgUrl::parse("postgres://u@localhost:5433/db?host=/tmp/sock", false).unwrap();
        // Shown as written (issue 42: `a:1,2` was shown as `a,2:1`), the password blanked.
        assert_eq!(url.shown(), "postgres://u@localhost:5433/db?host=/tmp/sock");
        let url = PgUrl::parse(
            "postgres://u:pw@a:1,b/db?password=pw2&sslmode=require",
            true,
        )
        .unwrap();
        assert_eq!(
            url.shown(),
            "postgres://u@a:1,b/db?password=[redacted]&sslmode=require"
        );
        // The query's port is the one connected to (it was the authority's default, 5432).
        let url = PgUrl::parse("postgres://u@db.example.com/db?port=6432", false).unwrap();
        assert_eq!(url.config.get_ports(), [6432]);
    }

    /// A list of hosts taken one at a time: each URL names one host and its port (its own, or
    /// the list's one port), whatever form the list had, and keeps the rest of the query.
    #[test]
    fn a_hosts_list_splits_into_one_url_per_host() {
        let hosts = |url: &str| -> Vec<String> {
            let url = PgUrl::parse(url, true).unwrap();
            url.each_host()
                .unwrap()
                .iter()
                .map(|u| format!("{} {:?}", u.shown(), u.config.get_ssl_mode()))
                .collect()
        };
        assert_eq!(
            hosts("postgres://u:pw@%2Frun%2Fpg,db.example.com/db?port=5433&sslmode=require"),
            [
                "postgres://u@/run/pg:5433/db Require",
                "postgres://u@db.example.com:5433/db Require"
            ]
        );
        assert_eq!(
            hosts("postgres://u@a:1,%2Frun%2Fpg%20x:2/db"),
            [
                "postgres://u@a:1/db Prefer",
                "postgres://u@/run/pg x:2/db Prefer"
            ]
        );
        let one = PgUrl::parse("postgres://u:pw@a,b/db", true)
            .unwrap()
            .each_host()
            .unwrap();
        assert_eq!(one[1].config.get_password(), Some(&b"pw"[..]));
    }

    /// The server's reason stays; only the secret goes.
    #[test]
    fn only_the_secret_is_redacted() {
        let text = "db error: FATAL: password authentication failed for user \"billctl\"";
        assert_eq!(redact_secret(text, Some(b"hunter22")), text);
        assert_eq!(
            redact_secret(
                "bad: hunter22 in host=x password=hunter22 user=u",
                Some(b"hunter22")
            ),
            "bad: [redacted] in host=x password=[redacted] user=u"
        );
        assert_eq!(redact_error("password=abc&x=1"), "password=[redacted]&x=1");
        // The key as libpq reads it: percent-encoded, wholly or in part (a hostile review).
        for key in [
            "pass%77ord",
            "%70%61%73%73%77%6f%72%64",
            "sslpass%77ord",
            "PASSWORD",
        ] {
            assert_eq!(
                redact_error(&format!("x?{key}=Sekr3t&a=1")),
                format!("x?{key}=[redacted]&a=1")
            );
            let url = format!("postgres://u@h/db?sslmode=disable&{key}=Sekr3t");
            assert!(!as_written(&url).contains("Sekr3t"), "{key}");
        }
    }
}
