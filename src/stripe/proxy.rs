//! Which proxy a request goes through: curl's environment variables and its `NO_PROXY` rules.
//!
//! As curl (`lib/url.c`, `lib/noproxy.c`, 7.86+): an https target takes `https_proxy`, else
//! `HTTPS_PROXY`, else `all_proxy`, else `ALL_PROXY`; an http target takes `http_proxy`,
//! else the two `all_proxy` — never `HTTP_PROXY`, which a CGI program's environment gets from
//! a request's `Proxy:` header (httpoxy). An empty variable counts as unset. `no_proxy`, else
//! `NO_PROXY`: `*` alone bypasses every proxy; otherwise a comma- or blank-separated list of
//! host names (matching the name and its subdomains, leading and trailing dots ignored) and
//! IP addresses with an optional `/bits` (CIDR). Beyond curl, as Go's and Python's rules (the
//! Stripe SDKs') do, an entry may end in `:port` and then matches that port only.

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

/// What the environment says about proxies: per scheme, a proxy or a setting billctl
/// refuses (the message names the variable), and the `NO_PROXY` list.
#[derive(Debug, Default)]
pub struct Proxies {
    http: Option<Result<Proxy, String>>,
    https: Option<Result<Proxy, String>>,
    no: NoProxy,
}

/// How to reach one target.
#[derive(Debug)]
pub enum Route<'a> {
    Direct,
    Via(&'a Proxy),
    /// The variable that applies holds a proxy billctl cannot use: nothing is sent (going
    /// around a configured proxy would leave by a way the operator closed).
    Refused(&'a str),
}

impl Proxies {
    /// The rules in this process's environment.
    pub fn from_env() -> Proxies {
        Proxies::from_vars(|name| std::env::var(name).ok())
    }

    /// The rules in the variables `var` returns (unset: `None`).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Proxies {
        let first = |names: &[&str]| {
            names.iter().find_map(|n| {
                var(n)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (n.to_string(), v))
            })
        };
        let parse = |found: Option<(String, String)>| {
            found.map(|(name, value)| Proxy::parse(&value).map_err(|why| format!("{name}: {why}")))
        };
        Proxies {
            http: parse(first(&["http_proxy", "all_proxy", "ALL_PROXY"])),
            https: parse(first(&[
                "https_proxy",
                "HTTPS_PROXY",
                "all_proxy",
                "ALL_PROXY",
            ])),
            no: NoProxy::parse(&first(&["no_proxy", "NO_PROXY"]).unwrap_or_default().1),
        }
    }

    /// The route to `uri` (its scheme, host and port).
    pub fn route(&self, uri: &hyper::Uri) -> Route<'_> {
        let https = uri.scheme_str() == Some("https");
        let Some(host) = uri.host() else {
            return Route::Direct;
        };
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let rule = if https { &self.https } else { &self.http };
        match rule {
            None => Route::Direct,
            Some(_) if self.no.matches(host, port) => Route::Direct,
            Some(Ok(p)) => Route::Via(p),
            Some(Err(why)) => Route::Refused(why),
        }
    }
}

impl Proxy {
    /// `[http://][user[:password]@]host[:port][/]`, as curl reads a proxy variable (no
    /// scheme: http; no port: 1080). `https://` and SOCKS proxies are refused.
    pub fn parse(value: &str) -> Result<Proxy, String> {
        let value = value.trim();
        let rest = match value.split_once("://") {
            None => value,
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) => {
                return Err(format!(
                    "{scheme}:// proxies are not supported; billctl speaks to a proxy over http:// (CONNECT for https targets)"
                ))
            }
        };
        let authority = rest.split('/').next().unwrap_or_default();
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (host, port) = split_host_port(hostport)
            .ok_or_else(|| format!("cannot read a host and port in {}", clean_value(hostport)))?;
        if host.is_empty() {
            return Err("no host in the proxy URL".into());
        }
        let proxy = Proxy {
            host: host.to_ascii_lowercase(),
            port: port.unwrap_or(1080),
            auth: userinfo.map(basic_auth).transpose()?,
        };
        match proxy.shown().parse::<hyper::Uri>() {
            Ok(_) => Ok(proxy),
            Err(_) => Err(format!("cannot read a host in {}", clean_value(host))),
        }
    }
}

/// A value for a message: printable ASCII only, at most 100 characters.
fn clean_value(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(100)
        .collect()
}

/// `user[:password]`, percent-decoded, as a `Basic` credential.
fn basic_auth(userinfo: &str) -> Result<HeaderValue, String> {
    let (user, pass) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let decode = |s: &str| percent_encoding::percent_decode_str(s).collect::<Vec<u8>>();
    let mut pair = decode(user);
    pair.push(b':');
    pair.extend(decode(pass));
    let token = base64::engine::general_purpose::STANDARD.encode(pair);
    let mut value = HeaderValue::from_str(&format!("Basic {token}"))
        .map_err(|_| "the proxy credentials cannot be sent".to_string())?;
    value.set_sensitive(true);
    Ok(value)
}

/// `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address; `None` when unreadable.
fn split_host_port(s: &str) -> Option<(&str, Option<u16>)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return match after {
            "" => Some((host, None)),
            p => Some((host, Some(p.strip_prefix(':')?.parse().ok()?))),
        };
    }
    match s.split_once(':') {
        Some((host, port)) if !port.contains(':') => Some((host, Some(port.parse().ok()?))),
        // Two colons or more: a bare IPv6 address, no port.
        Some(_) => Some((s, None)),
        None => Some((s, None)),
    }
}

/// The `NO_PROXY` list.
#[derive(Debug, Default)]
struct NoProxy {
    all: bool,
    entries: Vec<Entry>,
}

#[derive(Debug)]
enum Entry {
    /// A host name (lower case, without leading or trailing dots), optionally one port.
    Name(String, Option<u16>),
    /// An address and the number of leading bits compared, optionally one port.
    Net(IpAddr, u8, Option<u16>),
}

impl NoProxy {
    fn parse(list: &str) -> NoProxy {
        if list.trim() == "*" {
            return NoProxy {
                all: true,
                entries: Vec::new(),
            };
        }
        let entries = list
            .split([',', ' ', '\t'])
            .filter(|t| !t.is_empty())
            .filter_map(Entry::parse)
            .collect();
        NoProxy {
            all: false,
            entries,
        }
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
    fn parse(token: &str) -> Option<Entry> {
        let (addr, bits) = match token.split_once('/') {
            Some((a, b)) => (a, Some(b.parse::<u8>().ok()?)),
            None => (token, None),
        };
        let (host, port) = split_host_port(addr)?;
        if let Ok(ip) = host.parse::<IpAddr>() {
            let max = if ip.is_ipv4() { 32 } else { 128 };
            return Some(Entry::Net(ip, bits.unwrap_or(max).min(max), port));
        }
        let name = host.trim_matches('.').to_ascii_lowercase();
        (!name.is_empty() && bits.is_none()).then_some(Entry::Name(name, port))
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
        ];
        for (vars, url, want) in table {
            assert_eq!(route(&rules(vars), url), *want, "{vars:?} {url}");
        }
    }

    /// NO_PROXY as curl 7.86+ matches it, plus ports.
    #[test]
    fn no_proxy_as_curl_matches_it() {
        let table: &[(&str, &str, bool)] = &[
            ("*", "https://api.stripe.com/", true),
            ("stripe.com", "https://api.stripe.com/", true),
            ("stripe.com", "https://stripe.com/", true),
            (".stripe.com", "https://api.stripe.com/", true),
            ("stripe.com.", "https://api.stripe.com./", true),
            ("STRIPE.com", "https://api.stripe.com/", true),
            ("stripe.com", "https://notstripe.com/", false),
            ("api.stripe.com", "https://stripe.com/", false),
            ("a.example, stripe.com", "https://api.stripe.com/", true),
            ("a.example stripe.com", "https://api.stripe.com/", true),
            ("a.example,,stripe.com", "https://api.stripe.com/", true),
            ("*, a.example", "https://api.stripe.com/", false),
            ("stripe.com:443", "https://api.stripe.com/", true),
            ("stripe.com:8443", "https://api.stripe.com/", false),
            ("localhost:12111", "http://localhost:12111/", true),
            ("localhost:12111", "http://localhost:12112/", false),
            ("127.0.0.1", "http://127.0.0.1:12111/", true),
            ("127.0.0.0/8", "http://127.1.2.3:12111/", true),
            ("10.0.0.0/8", "http://127.1.2.3/", false),
            ("127.0.0.1:80", "http://127.0.0.1/", true),
            ("127.0.0.1", "http://localhost/", false),
            ("::1", "http://[::1]:8080/", true),
            ("[::1]:8080", "http://[::1]:8080/", true),
            ("fd00::/8", "http://[fd12::1]/", true),
            ("fd00::/8", "http://[fe80::1]/", false),
            ("0.0.0.0/0", "http://[::1]/", false),
            ("", "http://localhost/", false),
        ];
        for (no, url, bypass) in table {
            let p = rules(&[("all_proxy", "http://p:1"), ("NO_PROXY", no)]);
            let want = if *bypass { "direct" } else { "http://p:1" };
            assert_eq!(route(&p, url), want, "NO_PROXY={no:?} {url}");
        }
        let lower_first = rules(&[
            ("all_proxy", "http://p:1"),
            ("no_proxy", "a.example"),
            ("NO_PROXY", "stripe.com"),
        ]);
        assert_eq!(route(&lower_first, "https://api.stripe.com/"), "http://p:1");
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
    }

    #[test]
    fn proxies_billctl_cannot_use_are_refused_naming_the_variable() {
        for (value, says) in [
            (
                "https://u:secret@proxy:3128",
                "https:// proxies are not supported",
            ),
            ("socks5://proxy:1080", "socks5:// proxies are not supported"),
            (
                "http://proxy:99999",
                "cannot read a host and port in proxy:99999",
            ),
            ("http://u:secret@:3128", "no host"),
            ("http://pro xy\u{1b}:3128", "cannot read a host in proxy"),
        ] {
            let p = rules(&[("HTTPS_PROXY", value)]);
            let got = route(&p, "https://api.stripe.com/");
            assert!(got.starts_with("refused: HTTPS_PROXY: "), "{value}: {got}");
            assert!(got.contains(says), "{value}: {got}");
            assert!(!got.contains("secret"), "{value}: {got}");
        }
    }
}
