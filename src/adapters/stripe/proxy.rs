//! Which proxy a request goes through: curl's environment variables and its `NO_PROXY` rules.
//!
//! As curl (`lib/url.c`, `lib/noproxy.c`, 7.86+): an https target takes `https_proxy`, else
//! `HTTPS_PROXY`, else `all_proxy`, else `ALL_PROXY`; an http target takes `http_proxy`,
//! else the two `all_proxy` — never `HTTP_PROXY`, which a CGI program's environment gets from
//! a request's `Proxy:` header (httpoxy). An empty variable counts as unset. `no_proxy`, else
//! `NO_PROXY`: `*` alone bypasses every proxy; otherwise a comma- or blank-separated list of
//! host names (matching the name and its subdomains, leading and trailing dots ignored, a
//! leading `*.` read as `.` as Go does) and IP addresses with an optional `/bits` (CIDR).
//! Beyond curl, as Go's and Python's rules (the Stripe SDKs') do, an entry may end in `:port`
//! and then matches that port only (`10.0.0.0/8:443` too). An entry that none of this reads
//! is refused, naming it, where it could decide the route: never silently skipped.
//!
//! A setting's credentials never reach a message: every message that quotes a setting takes
//! it from [`redacted`], and every refusal is an [`Invalid`].

use base64::Engine;
use hyper::header::HeaderValue;
use std::net::IpAddr;

/// A proxy to send requests through: an `http://` proxy (the only kind billctl speaks).
#[derive(Clone)]
pub struct Proxy {
    pub host: String,
    pub port: u16,
    /// `Proxy-Authorization: Basic …` from the URL's userinfo (marked sensitive).
    pub auth: Option<HeaderValue>,
}

impl Proxy {
    /// The proxy as shown in messages: `http://host:port`, never its credentials.
    pub fn shown(&self) -> String {
        if self.host.contains(':') {
            format!("http://[{}]:{}", self.host, self.port)
        } else {
            format!("http://{}:{}", self.host, self.port)
        }
    }

    /// The URI billctl connects to.
    pub fn uri(&self) -> hyper::Uri {
        // `parse` checked that it parses.
        self.shown()
            .parse()
            .unwrap_or_else(|_| hyper::Uri::from_static("http://invalid."))
    }
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}

/// Why billctl cannot use a proxy setting. Every refusal of a setting is one of these, and a
/// test runs each against credentials that must not show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// A proxy scheme other than `http://`: `https`, a SOCKS one (named), or another.
    Scheme(Option<&'static str>),
    /// An `@` after a `/`, `?` or `#`: credentials holding one of them unencoded. curl, Go,
    /// Python and the WHATWG URL parser all end the host part at the first of them.
    Unencoded,
    /// Credentials and a port but no host.
    NoHost,
    /// A port that is not a number from 1 to 65535.
    Port,
    /// A host that is no host name or address.
    Host,
    /// `NO_PROXY`: a `/bits` that is not a number from 0 to the address's length.
    Prefix(u8),
    /// `NO_PROXY`: a `/bits` after something that is not an IP address.
    NotAnAddress,
    /// `NO_PROXY`: a `*` other than the whole list or a leading `*.`.
    Wildcard,
    /// `NO_PROXY`: a character no host name has.
    Name,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const SPEAKS: &str = "billctl speaks to a proxy over http:// (CONNECT for https targets)";
        match self {
            Invalid::Scheme(Some(s)) => write!(f, "{s}:// proxies are not supported; {SPEAKS}"),
            Invalid::Scheme(None) => write!(f, "an unknown proxy scheme; {SPEAKS}"),
            Invalid::Unencoded => f.write_str(
                "'/', '?' or '#' in the credentials: percent-encode them (%2F, %3F, %23); unencoded, curl and the Stripe SDKs read the host from before them",
            ),
            Invalid::NoHost => f.write_str("no host in the proxy URL"),
            Invalid::Port => f.write_str("the port is not a number from 1 to 65535"),
            Invalid::Host => f.write_str("cannot read a host name or IP address"),
            Invalid::Prefix(max) => {
                write!(f, "the prefix length is not a number from 0 to {max}")
            }
            Invalid::NotAnAddress => f.write_str("a /prefix length follows an IP address only"),
            Invalid::Wildcard => f.write_str(
                "'*' bypasses every proxy only as the whole list, and may start a name only as '*.'",
            ),
            Invalid::Name => f.write_str("not a host name, an IP address or a CIDR range"),
        }
    }
}

/// A setting billctl refuses: the variable, the value (or `NO_PROXY` entry) as
/// [`redacted`] shows it, and why.
#[derive(Debug, Clone)]
pub struct Refusal {
    var: String,
    quoted: String,
    entry: bool,
    pub why: Invalid,
}

impl Refusal {
    fn new(var: &str, value: &str, entry: bool, why: Invalid) -> Refusal {
        Refusal {
            var: var.to_string(),
            quoted: if entry {
                redacted_entry(value)
            } else {
                redacted(value)
            },
            entry,
            why,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (var, quoted, why) = (&self.var, &self.quoted, &self.why);
        if self.entry {
            write!(f, "{var} entry {quoted}: {why}")
        } else {
            write!(f, "{var}={quoted}: {why}")
        }
    }
}

/// The schemes a message names (a proxy URL's others may be a user name mistyped before
/// `://`, so they are not shown).
const KNOWN_SCHEMES: [&str; 6] = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"];

fn known_scheme(s: &str) -> Option<&'static str> {
    KNOWN_SCHEMES
        .into_iter()
        .find(|k| k.eq_ignore_ascii_case(s))
}

/// The one way a message quotes a proxy setting: everything before its last `@` (whatever
/// the credentials hold, `/` and `@` included) shown as `***`, a known scheme kept; of the
/// rest only what reads as a host (ASCII letters, digits, `.`, `-`, `_`, or a bracketed IPv6
/// address) and a numeric port is shown, anything else is `***`: a "port" that is no number
/// after a host (`http://user:pass@h:x`) is `h:***`, and without an `@` the whole place is
/// `***`, since what looks like a host there may be a user name (`http://user:pass`, a
/// full-width `＠`); then `/…` for a path; controls and bidi controls escaped; at most 200
/// characters.
pub fn redacted(value: &str) -> String {
    let value = value.trim();
    let (scheme, rest) = match value.split_once("://") {
        Some((s, rest)) => match known_scheme(s) {
            Some(k) => (format!("{k}://"), rest),
            None if value.contains('@') || !plain_word(s) => (String::new(), value),
            None => (format!("{s}://"), rest),
        },
        None => (String::new(), value),
    };
    let (creds, rest) = match rest.rfind('@') {
        Some(at) => ("***@", &rest[at + 1..]),
        None => ("", rest),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (hostport, tail) = rest.split_at(end);
    let hostport = shown_host_and_port(hostport, !creds.is_empty());
    let tail = if tail.len() > 1 { "/…" } else { tail };
    escaped(&format!("{scheme}{creds}{hostport}{tail}"))
}

/// A scheme's letters as URLs spell them (ASCII letters, digits, `+`, `-`, `.`).
fn plain_word(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `host[:port]` as [`redacted`] shows it: what reads as a host and a port, else `***` (the
/// host kept before a bad port only when an `@` ended the credentials before it).
fn shown_host_and_port(hostport: &str, after_at: bool) -> String {
    let (host, port) = match hostport.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, after)) => (&hostport[..addr.len() + 2], after),
            None => return "***".into(),
        },
        None => match hostport.find(':') {
            Some(i) => hostport.split_at(i),
            None => (hostport, ""),
        },
    };
    let host_ok = if host.starts_with('[') {
        host[1..host.len() - 1]
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        host.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit())
        });
    match (host_ok, port_ok) {
        (true, true) => hostport.to_string(),
        (true, false) if after_at => format!("{host}:***"),
        _ => "***".into(),
    }
}

/// A `NO_PROXY` entry as a message quotes it: whole (it names a host, not credentials),
/// except anything before an `@`; escaped as [`redacted`] escapes.
fn redacted_entry(entry: &str) -> String {
    match entry.rfind('@') {
        Some(at) => escaped(&format!("***{}", &entry[at..])),
        None => escaped(entry),
    }
}

/// Controls and bidi controls escaped; at most 200 characters.
fn escaped(shown: &str) -> String {
    let clean = crate::util::text::clean(shown);
    if clean.chars().count() > 200 {
        format!("{}…", clean.chars().take(200).collect::<String>())
    } else {
        clean.into_owned()
    }
}

/// What the environment says about proxies: per scheme, a proxy or a setting billctl
/// refuses, and the `NO_PROXY` list.
#[derive(Debug, Default)]
pub struct Proxies {
    http: Option<Result<Proxy, Refusal>>,
    https: Option<Result<Proxy, Refusal>>,
    no: NoProxy,
}

/// How to reach one target.
#[derive(Debug)]
pub enum Route<'a> {
    Direct,
    Via(&'a Proxy),
    /// A setting that decides the route cannot be used: nothing is sent (going around a
    /// configured proxy would leave by a way the operator closed).
    Refused(&'a Refusal),
}

impl Proxies {
    /// The rules in this process's environment.
    pub fn from_env() -> Proxies {
        Proxies::from_vars(|name| std::env::var(name).ok())
    }

    /// The rules in the variables `var` returns (unset: `None`).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Proxies {
        let first = |names: &[&'static str]| {
            names
                .iter()
                .find_map(|n| var(n).filter(|v| !v.trim().is_empty()).map(|v| (*n, v)))
        };
        let parse = |found: Option<(&str, String)>| {
            found.map(|(name, value)| {
                Proxy::parse(&value).map_err(|why| Refusal::new(name, &value, false, why))
            })
        };
        let (no_var, no_list) =
            first(&["no_proxy", "NO_PROXY"]).unwrap_or(("NO_PROXY", String::new()));
        Proxies {
            http: parse(first(&["http_proxy", "all_proxy", "ALL_PROXY"])),
            https: parse(first(&[
                "https_proxy",
                "HTTPS_PROXY",
                "all_proxy",
                "ALL_PROXY",
            ])),
            no: NoProxy::parse(no_var, &no_list),
        }
    }

    /// The route to `uri` (its scheme, host and port). A `NO_PROXY` entry billctl cannot
    /// read refuses a target that a proxy would take and no other entry sends around it.
    pub fn route(&self, uri: &hyper::Uri) -> Route<'_> {
        let https = uri.scheme_str() == Some("https");
        let Some(host) = uri.host() else {
            return Route::Direct;
        };
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let Some(rule) = (if https { &self.https } else { &self.http }) else {
            return Route::Direct;
        };
        if self.no.matches(host, port) {
            return Route::Direct;
        }
        match (rule, &self.no.bad) {
            (Err(refusal), _) | (Ok(_), Some(refusal)) => Route::Refused(refusal),
            (Ok(p), None) => Route::Via(p),
        }
    }
}

impl Proxy {
    /// `[http://][user[:password]@]host[:port][/]`, as curl reads a proxy variable (no
    /// scheme: http; no port: 1080). The host part ends at the first `/`, `?` or `#`, and
    /// the credentials at its last `@` (as the WHATWG URL parser; curl refuses two). An `@`
    /// after that end is refused: every other reader takes a different host from it.
    /// `https://` and SOCKS proxies are refused.
    pub fn parse(value: &str) -> Result<Proxy, Invalid> {
        let value = value.trim();
        let rest = match value.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) if is_scheme(scheme) => {
                return Err(Invalid::Scheme(known_scheme(scheme)));
            }
            // No scheme (curl guesses http), or "://" inside the credentials.
            _ => value,
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if tail.contains('@') {
            return Err(Invalid::Unencoded);
        }
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u).filter(|u| !u.is_empty()), h),
            None => (None, authority),
        };
        let (host, port) = split_host_port(hostport)?;
        if host.is_empty() {
            return Err(Invalid::NoHost);
        }
        let name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_');
        let v6 = host.contains(':') && host.parse::<std::net::Ipv6Addr>().is_ok();
        if !v6 && !host.chars().all(name) {
            return Err(Invalid::Host);
        }
        let proxy = Proxy {
            host: host.to_ascii_lowercase(),
            port: port.unwrap_or(1080),
            auth: userinfo.map(basic_auth),
        };
        match proxy.shown().parse::<hyper::Uri>() {
            Ok(_) => Ok(proxy),
            Err(_) => Err(Invalid::Host),
        }
    }
}

/// RFC 3986's `scheme`: a letter, then letters, digits, `+`, `-` and `.`.
fn is_scheme(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `user[:password]`, percent-decoded, as a `Basic` credential.
fn basic_auth(userinfo: &str) -> HeaderValue {
    let (user, pass) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let decode = |s: &str| percent_encoding::percent_decode_str(s).collect::<Vec<u8>>();
    let mut pair = decode(user);
    pair.push(b':');
    pair.extend(decode(pass));
    let token = base64::engine::general_purpose::STANDARD.encode(pair);
    let mut value = HeaderValue::from_str(&format!("Basic {token}"))
        .expect("base64's alphabet is valid in a header value");
    value.set_sensitive(true);
    value
}

/// `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address.
fn split_host_port(s: &str) -> Result<(&str, Option<u16>), Invalid> {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or(Invalid::Host)?;
        return match after {
            "" => Ok((host, None)),
            p => Ok((
                host,
                Some(port_number(p.strip_prefix(':').ok_or(Invalid::Host)?)?),
            )),
        };
    }
    match s.split_once(':') {
        Some((host, port)) if !port.contains(':') => Ok((host, Some(port_number(port)?))),
        // Two colons or more: a bare IPv6 address, no port.
        Some(_) => Ok((s, None)),
        None => Ok((s, None)),
    }
}

/// A port: 1 to 65535.
fn port_number(s: &str) -> Result<u16, Invalid> {
    s.parse().ok().filter(|p| *p != 0).ok_or(Invalid::Port)
}

/// The `NO_PROXY` list, and its first entry billctl cannot read.
#[derive(Debug, Default)]
struct NoProxy {
    all: bool,
    entries: Vec<Entry>,
    bad: Option<Refusal>,
}

#[derive(Debug)]
enum Entry {
    /// A host name (lower case, without leading or trailing dots), optionally one port.
    Name(String, Option<u16>),
    /// An address and the number of leading bits compared, optionally one port.
    Net(IpAddr, u8, Option<u16>),
}

impl NoProxy {
    fn parse(var: &str, list: &str) -> NoProxy {
        if list.trim() == "*" {
            return NoProxy {
                all: true,
                ..NoProxy::default()
            };
        }
        let mut no = NoProxy::default();
        let tokens = list.split(|c: char| c == ',' || c.is_ascii_whitespace());
        for token in tokens.filter(|t| !t.is_empty()) {
            match Entry::parse(token) {
                Ok(e) => no.entries.push(e),
                Err(why) => {
                    no.bad
                        .get_or_insert_with(|| Refusal::new(var, token, true, why));
                }
            }
        }
        no
    }

    fn matches(&self, host: &str, port: u16) -> bool {
        if self.all {
            return true;
        }
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let ip = host.parse::<IpAddr>().ok();
        let name = host.trim_end_matches('.').to_ascii_lowercase();
        self.entries.iter().any(|e| match (e, ip) {
            (Entry::Net(net, bits, p), Some(ip)) => {
                p.is_none_or(|p| p == port) && in_net(ip, *net, *bits)
            }
            (Entry::Name(n, p), None) => {
                p.is_none_or(|p| p == port) && (name == *n || name.ends_with(&format!(".{n}")))
            }
            _ => false,
        })
    }
}

impl Entry {
    /// `name[:port]`, `*.name[:port]`, `ip[:port]`, `[v6]:port` or `ip/bits[:port]`.
    fn parse(token: &str) -> Result<Entry, Invalid> {
        if let Some((addr, tail)) = token.split_once('/') {
            let addr = addr
                .strip_prefix('[')
                .and_then(|a| a.strip_suffix(']'))
                .unwrap_or(addr);
            let ip = addr.parse::<IpAddr>().map_err(|_| Invalid::NotAnAddress)?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let (bits, port) = match tail.split_once(':') {
                Some((b, p)) => (b, Some(port_number(p)?)),
                None => (tail, None),
            };
            let bits = bits.parse::<u8>().ok().filter(|b| *b <= max);
            return Ok(Entry::Net(ip, bits.ok_or(Invalid::Prefix(max))?, port));
        }
        let (host, port) = split_host_port(token)?;
        if let Ok(ip) = host.parse::<IpAddr>() {
            let max = if ip.is_ipv4() { 32 } else { 128 };
            return Ok(Entry::Net(ip, max, port));
        }
        // Go reads a leading "*." as "."; a leading dot changes nothing (curl 7.86).
        let name = host.strip_prefix("*.").unwrap_or(host).trim_matches('.');
        if name.contains('*') {
            return Err(Invalid::Wildcard);
        }
        let readable = |c: char| c.is_alphanumeric() || matches!(c, '-' | '.' | '_');
        if name.is_empty() || !name.chars().all(readable) {
            return Err(Invalid::Name);
        }
        Ok(Entry::Name(name.to_ascii_lowercase(), port))
    }
}
/// Whether `ip` is in `net`/`bits` (an IPv4 address is never in an IPv6 network).
fn in_net(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(vars: &[(&str, &str)]) -> Proxies {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Proxies::from_vars(|n| vars.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()))
    }

    fn route(p: &Proxies, url: &str) -> String {
        match p.route(&url.parse().unwrap()) {
            Route::Direct => "direct".into(),
            Route::Via(p) => p.shown(),
            Route::Refused(why) => format!("refused: {why}"),
        }
    }

    /// Which variable wins for which scheme, as curl reads them.
    #[test]
    fn variables_as_curl_reads_them() {
        let a = "http://a:1";
        let b = "http://b:2";
        type Vars<'a> = &'a [(&'a str, &'a str)];
        let table: &[(Vars, &str, &str)] = &[
            (
                &[("https_proxy", a)],
                "https://api.stripe.com/",
                "http://a:1",
            ),
            (
                &[("HTTPS_PROXY", a)],
                "https://api.stripe.com/",
                "http://a:1",
            ),
            (
                &[("https_proxy", a), ("HTTPS_PROXY", b)],
                "https://x/",
                "http://a:1",
            ),
            (
                &[("https_proxy", ""), ("HTTPS_PROXY", b)],
                "https://x/",
                "http://b:2",
            ),
            (&[("https_proxy", a)], "http://x/", "direct"),
            (&[("http_proxy", a)], "http://x/", "http://a:1"),
            (&[("http_proxy", a)], "https://x/", "direct"),
            // Uppercase HTTP_PROXY is never read (httpoxy), as curl.
            (&[("HTTP_PROXY", a)], "http://x/", "direct"),
            (&[("ALL_PROXY", a)], "http://x/", "http://a:1"),
            (
                &[("all_proxy", a), ("ALL_PROXY", b)],
                "https://x/",
                "http://a:1",
            ),
            (
                &[("all_proxy", a), ("HTTPS_PROXY", b)],
                "https://x/",
                "http://b:2",
            ),
            (
                &[("https_proxy", "proxy")],
                "https://x/",
                "http://proxy:1080",
            ),
            (
                &[("https_proxy", "u:p@proxy:3128/")],
                "https://x/",
                "http://proxy:3128",
            ),
            (
                &[("https_proxy", "http://[::1]:3128")],
                "https://x/",
                "http://[::1]:3128",
            ),
            // The credentials end at the host part's last '@' (WHATWG; Go; Python).
            (
                &[("https_proxy", "http://u:p@ss@proxy:3128")],
                "https://x/",
                "http://proxy:3128",
            ),
        ];
        for (vars, url, want) in table {
            assert_eq!(route(&rules(vars), url), *want, "{vars:?} {url}");
        }
    }

    /// NO_PROXY as curl 7.86+ matches it, plus ports (on CIDR ranges too) and Go's `*.`;
    /// an entry billctl cannot read refuses the targets it could have sent around the proxy.
    #[test]
    fn no_proxy_as_curl_matches_it() {
        let table: &[(&str, &str, &str)] = &[
            ("*", "https://api.stripe.com/", "direct"),
            ("stripe.com", "https://api.stripe.com/", "direct"),
            ("stripe.com", "https://stripe.com/", "direct"),
            (".stripe.com", "https://api.stripe.com/", "direct"),
            ("stripe.com.", "https://api.stripe.com./", "direct"),
            ("STRIPE.com", "https://api.stripe.com/", "direct"),
            ("stripe.com", "https://notstripe.com/", "proxy"),
            ("api.stripe.com", "https://stripe.com/", "proxy"),
            ("a.example, stripe.com", "https://api.stripe.com/", "direct"),
            ("a.example stripe.com", "https://api.stripe.com/", "direct"),
            ("a.example,,stripe.com", "https://api.stripe.com/", "direct"),
            ("a.example\nstripe.com", "https://api.stripe.com/", "direct"),
            ("stripe.com:443", "https://api.stripe.com/", "direct"),
            ("stripe.com:8443", "https://api.stripe.com/", "proxy"),
            ("localhost:12111", "http://localhost:12111/", "direct"),
            ("localhost:12111", "http://localhost:12112/", "proxy"),
            ("127.0.0.1", "http://127.0.0.1:12111/", "direct"),
            ("127.0.0.0/8", "http://127.1.2.3:12111/", "direct"),
            ("10.0.0.0/8", "http://127.1.2.3/", "proxy"),
            ("127.0.0.1:80", "http://127.0.0.1/", "direct"),
            ("127.0.0.1", "http://localhost/", "proxy"),
            ("::1", "http://[::1]:8080/", "direct"),
            ("[::1]:8080", "http://[::1]:8080/", "direct"),
            ("fd00::/8", "http://[fd12::1]/", "direct"),
            ("fd00::/8", "http://[fe80::1]/", "proxy"),
            ("0.0.0.0/0", "http://[::1]/", "proxy"),
            ("127.0.0.1/32", "http://127.0.0.1/", "direct"),
            ("127.0.0.1/32", "http://127.0.0.2/", "proxy"),
            ("", "http://localhost/", "proxy"),
            // Go's leading "*." (stripe-go): read as ".", which curl reads as the name.
            ("*.stripe.com", "https://api.stripe.com/", "direct"),
            ("*.stripe.com", "https://stripe.com/", "direct"),
            ("*.stripe.com", "https://notstripe.com/", "proxy"),
            // A port on a CIDR range.
            ("127.0.0.0/8:12111", "http://127.0.0.1:12111/", "direct"),
            ("127.0.0.0/8:12111", "http://127.0.0.1:12112/", "proxy"),
            ("fd00::/8:443", "https://[fd12::1]/", "direct"),
            ("[fd00::]/8:443", "https://[fd12::1]:8443/", "proxy"),
            // A readable entry that matches wins over one billctl cannot read.
            ("localhost, 127.0.0.1/33", "http://localhost/", "direct"),
            // Entries billctl cannot read, named; never skipped, never matching.
            (
                "127.0.0.1/33",
                "http://127.0.0.1/",
                "refused: NO_PROXY entry 127.0.0.1/33: the prefix length is not a number from 0 to 32",
            ),
            (
                "::1/129",
                "http://[::1]/",
                "refused: NO_PROXY entry ::1/129: the prefix length is not a number from 0 to 128",
            ),
            (
                "10.0.0.0/x",
                "http://localhost/",
                "refused: NO_PROXY entry 10.0.0.0/x: the prefix length",
            ),
            (
                "10.0.0.0/8:99999",
                "http://localhost/",
                "refused: NO_PROXY entry 10.0.0.0/8:99999: the port is not",
            ),
            (
                "localhost:0",
                "http://localhost/",
                "refused: NO_PROXY entry localhost:0: the port is not",
            ),
            (
                "stripe.com/8",
                "https://api.stripe.com/",
                "refused: NO_PROXY entry stripe.com/8: a /prefix length follows an IP address only",
            ),
            (
                "*, a.example",
                "https://api.stripe.com/",
                "refused: NO_PROXY entry *: '*' bypasses every proxy only as the whole list",
            ),
            (
                "*stripe.com",
                "https://api.stripe.com/",
                "refused: NO_PROXY entry *stripe.com: '*'",
            ),
            (
                "api.*.com",
                "https://api.stripe.com/",
                "refused: NO_PROXY entry api.*.com: '*'",
            ),
            (
                "<local>",
                "https://api.stripe.com/",
                "refused: NO_PROXY entry <local>: not a host name",
            ),
            (
                "u5er@host",
                "https://api.stripe.com/",
                "refused: NO_PROXY entry ***@host: not a host name",
            ),
            (
                "a.example,\u{1b}[2J",
                "https://api.stripe.com/",
                "refused: NO_PROXY entry \\u{1b}[2J: not a host name",
            ),
        ];
        for (no, url, want) in table {
            let p = rules(&[("all_proxy", "http://p:1"), ("NO_PROXY", no)]);
            let want = if *want == "proxy" { "http://p:1" } else { want };
            let got = route(&p, url);
            assert!(got.starts_with(want), "NO_PROXY={no:?} {url}: {got}");
        }
        let lower_first = rules(&[
            ("all_proxy", "http://p:1"),
            ("no_proxy", "a.example"),
            ("NO_PROXY", "stripe.com"),
        ]);
        assert_eq!(route(&lower_first, "https://api.stripe.com/"), "http://p:1");
        let named = rules(&[("all_proxy", "http://p:1"), ("no_proxy", "10.0.0.0/33")]);
        assert!(route(&named, "http://x/").starts_with("refused: no_proxy entry 10.0.0.0/33"));
        // Without a proxy, NO_PROXY decides nothing.
        let unused = rules(&[("NO_PROXY", "127.0.0.1/33")]);
        assert_eq!(route(&unused, "http://127.0.0.1/"), "direct");
    }

    #[test]
    fn credentials_become_basic_auth_and_are_never_shown() {
        let p = Proxy::parse("http://al%40ice:s%3Acret@proxy:3128").unwrap();
        let auth = p.auth.as_ref().unwrap();
        assert!(auth.is_sensitive());
        // base64("al@ice:s:cret")
        assert_eq!(auth.to_str().unwrap(), "Basic YWxAaWNlOnM6Y3JldA==");
        assert_eq!(p.shown(), "http://proxy:3128");
        assert_eq!(format!("{p:?}"), "http://proxy:3128");
        let user_only = Proxy::parse("bob@proxy:3128").unwrap();
        assert_eq!(user_only.auth.unwrap().to_str().unwrap(), "Basic Ym9iOg==");
        // base64("al:p@ss")
        let at = Proxy::parse("http://al:p@ss@proxy:3128").unwrap();
        assert_eq!(at.auth.unwrap().to_str().unwrap(), "Basic YWw6cEBzcw==");
        assert!(Proxy::parse("http://@proxy:3128").unwrap().auth.is_none());
    }

    /// Every `Invalid` of a proxy variable, from values with credentials in them: the message
    /// names the variable, shows the value with `***` for everything before its last `@`,
    /// and holds neither the user nor the password.
    #[test]
    fn proxies_billctl_cannot_use_are_refused_naming_the_variable() {
        for (value, shown, why) in [
            (
                "https://u5er:secret@proxy:3128",
                "https://***@proxy:3128",
                Invalid::Scheme(Some("https")),
            ),
            (
                "socks5://proxy:1080",
                "socks5://proxy:1080",
                Invalid::Scheme(Some("socks5")),
            ),
            (
                "u5er://secret@proxy:3128",
                "***@proxy:3128",
                Invalid::Scheme(None),
            ),
            (
                "http://u5er:sec/ret@proxy:3128",
                "http://***@proxy:3128",
                Invalid::Unencoded,
            ),
            (
                "http://u5er:1234/5678@proxy:3128",
                "http://***@proxy:3128",
                Invalid::Unencoded,
            ),
            (
                "http://u5er:sec?ret@proxy:3128",
                "http://***@proxy:3128",
                Invalid::Unencoded,
            ),
            (
                "http://u5er:sec#ret@proxy:3128",
                "http://***@proxy:3128",
                Invalid::Unencoded,
            ),
            (
                "u5er:secret@127.0.0.1:3128://x",
                "***@127.0.0.1:***/…",
                Invalid::Host,
            ),
            ("http://proxy:99999", "http://proxy:99999", Invalid::Port),
            (
                "http://u5er:secret@proxy:0",
                "http://***@proxy:0",
                Invalid::Port,
            ),
            (
                "http://u5er:secret@:3128",
                "http://***@:3128",
                Invalid::NoHost,
            ),
            (
                "http://u5er:secret@pro xy\u{1b}:3128",
                "http://***@***",
                Invalid::Host,
            ),
            (
                "http://u5er:se\u{1b}]cret@[::1:3128",
                "http://***@***",
                Invalid::Host,
            ),
        ] {
            assert_eq!(Proxy::parse(value).err(), Some(why.clone()), "{value}");
            let p = rules(&[("HTTPS_PROXY", value)]);
            let got = route(&p, "https://api.stripe.com/");
            assert_eq!(
                got,
                format!("refused: HTTPS_PROXY={shown}: {why}"),
                "{value}"
            );
            assert!(!got.contains("secret") && !got.contains("u5er"), "{got}");
        }
    }

    #[test]
    fn redacted_shows_nothing_before_the_last_at() {
        for (value, shown) in [
            ("http://proxy:3128", "http://proxy:3128"),
            ("http://proxy:3128/", "http://proxy:3128/"),
            ("proxy:3128", "proxy:3128"),
            ("http://u:p@proxy:3128", "http://***@proxy:3128"),
            ("HTTP://u:p@proxy", "http://***@proxy"),
            ("u:p@proxy", "***@proxy"),
            ("http://u:p/q@r@proxy:1/x", "http://***@proxy:1/…"),
            ("u:p@h:1://x", "***@h:***/…"),
            ("ftp://u:p@h", "***@h"),
            ("ftp://h:21", "ftp://h:21"),
            // The host forgotten: the password would be read as the port.
            ("http://billctl:s3cret", "http://***"),
            ("http://billctl:s3cr/etPW", "http://***/…"),
            ("http://[::1]:3128", "http://[::1]:3128"),
            ("  http://p\u{202e}x\u{7f}  ", "http://***"),
            // The second review's shapes: a ':' in the password with the host forgotten, a
            // full-width at sign, credentials where a scheme goes, no "//", an IPv6 host.
            ("http://alice:s3c:ret", "http://***"),
            ("http://alice:hunter2\u{ff20}proxy:3128", "http://***"),
            ("alice:hunter2://proxy:3128", "***/…"),
            ("http:alice:hunter2", "***"),
            ("alice:hunter2:x", "***"),
            ("http://[::1]:hunter2", "http://***"),
            ("http://alice:pw", "http://***"),
        ] {
            assert_eq!(redacted(value), shown, "{value:?}");
            for secret in ["alice", "hunter2", "s3c"] {
                assert!(!redacted(value).contains(secret), "{value:?}");
            }
        }
        let long = format!("http://{}", "a".repeat(500));
        assert_eq!(redacted(&long).chars().count(), 201);
    }
}
