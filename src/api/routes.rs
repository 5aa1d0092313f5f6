//! `serve`'s route table: one [`Spec`] per method and path, and what is derived from it (the
//! match of a request to its route, with the path's `{id}` and `{key}`; the labels in the
//! metrics; the scopes; whether a body is read; the error dialect; a 405's `Allow`; the
//! listing in `serve --help`). A test holds it to `openapi.json`.

use crate::domain::keys::Scope;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token: the probes.
    Open,
    /// A valid token with any one of these scopes (none: any valid token).
    Token(&'static [Scope]),
}

/// How a route's errors are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `{"error": ..., "code": ...}`.
    Billctl,
    /// Unkey's `{"meta": {"requestId"}, "error": {"title", "detail", "status", "type"}}`.
    Unkey,
    /// `application/problem+json` (RFC 9457), as OpenMeter answers.
    Problem,
}

/// What a route does, for the dispatch (its data is in the path: [`Route::Served`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Verify,
    Events,
    CustomerUsage,
    Healthz,
    Readyz,
    Metrics,
    UnkeyVerify,
    CloudEvents,
    OpenApi,
    Customer,
    Keys,
    KeyCreate,
    Key(KeyAction),
    Portal,
    Checkout,
    Plan(PlanAction),
}

pub use crate::ops::serve::selfserve::{KeyAction, PlanAction};

/// One route: a method and a path template (`{id}`: a customer id, `{key}`: a key id).
#[derive(Debug)]
pub struct Spec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    /// Whether the route reads a request body (a body it could not read is its error).
    pub body: bool,
    pub dialect: Dialect,
    /// Its label in the metrics (routes of one path family may share one).
    pub label: &'static str,
    pub kind: Kind,
}

const VERIFY: Access = Access::Token(&[Scope::Verify]);
const USAGE: Access = Access::Token(&[Scope::Usage]);
const SELF: Access = Access::Token(&[Scope::SelfService]);
const ANY: Access = Access::Token(&[]);

/// A spec of billctl's dialect.
const fn spec(
    method: &'static str,
    path: &'static str,
    (access, body): (Access, bool),
    label: &'static str,
    kind: Kind,
) -> Spec {
    Spec {
        method,
        path,
        access,
        body,
        dialect: Dialect::Billctl,
        label,
        kind,
    }
}

const KEY_LABEL: &str = "/v1/keys/{id}/{action}";
const PLAN_LABEL: &str = "/v1/customers/{id}/subscription";

/// Every route serve has: the OpenAPI document lists exactly these (a test compares them).
pub static SPECS: &[Spec] = &[
    spec(
        "POST",
        "/v1/keys/verify",
        (VERIFY, true),
        "/v1/keys/verify",
        Kind::Verify,
    ),
    spec(
        "POST",
        "/v1/usage/events",
        (USAGE, true),
        "/v1/usage/events",
        Kind::Events,
    ),
    spec(
        "GET",
        "/v1/customers/{id}/usage",
        (Access::Token(&[Scope::Read, Scope::SelfService]), false),
        "/v1/customers/{id}/usage",
        Kind::CustomerUsage,
    ),
    spec(
        "GET",
        "/healthz",
        (Access::Open, false),
        "/healthz",
        Kind::Healthz,
    ),
    spec(
        "GET",
        "/readyz",
        (Access::Open, false),
        "/readyz",
        Kind::Readyz,
    ),
    spec(
        "GET",
        "/metrics",
        (Access::Token(&[Scope::Read]), false),
        "/metrics",
        Kind::Metrics,
    ),
    Spec {
        dialect: Dialect::Unkey,
        ..spec(
            "POST",
            "/v2/keys.verifyKey",
            (VERIFY, true),
            "/v2/keys.verifyKey",
            Kind::UnkeyVerify,
        )
    },
    Spec {
        dialect: Dialect::Problem,
        ..spec(
            "POST",
            "/api/v1/events",
            (USAGE, true),
            "/api/v1/events",
            Kind::CloudEvents,
        )
    },
    spec(
        "GET",
        "/openapi.json",
        (ANY, false),
        "/openapi.json",
        Kind::OpenApi,
    ),
    spec(
        "GET",
        "/v1/customers/{id}",
        (SELF, false),
        "/v1/customers/{id}",
        Kind::Customer,
    ),
    spec(
        "GET",
        "/v1/customers/{id}/keys",
        (SELF, false),
        "/v1/customers/{id}/keys",
        Kind::Keys,
    ),
    spec(
        "POST",
        "/v1/customers/{id}/keys",
        (SELF, true),
        "/v1/customers/{id}/keys",
        Kind::KeyCreate,
    ),
    spec(
        "POST",
        "/v1/customers/{id}/keys/{key}/rotate",
        (SELF, true),
        KEY_LABEL,
        Kind::Key(KeyAction::Rotate),
    ),
    spec(
        "POST",
        "/v1/customers/{id}/keys/{key}/revoke",
        (SELF, true),
        KEY_LABEL,
        Kind::Key(KeyAction::Revoke),
    ),
    spec(
        "POST",
        "/v1/keys/{key}/rotate",
        (SELF, true),
        KEY_LABEL,
        Kind::Key(KeyAction::Rotate),
    ),
    spec(
        "POST",
        "/v1/keys/{key}/revoke",
        (SELF, true),
        KEY_LABEL,
        Kind::Key(KeyAction::Revoke),
    ),
    spec(
        "POST",
        "/v1/customers/{id}/portal",
        (SELF, true),
        "/v1/customers/{id}/portal",
        Kind::Portal,
    ),
    spec(
        "POST",
        "/v1/customers/{id}/checkout",
        (SELF, true),
        "/v1/customers/{id}/checkout",
        Kind::Checkout,
    ),
    spec(
        "POST",
        "/v1/customers/{id}/subscription",
        (SELF, true),
        PLAN_LABEL,
        Kind::Plan(PlanAction::Change),
    ),
    spec(
        "POST",
        "/v1/customers/{id}/subscription/cancel",
        (SELF, true),
        PLAN_LABEL,
        Kind::Plan(PlanAction::Cancel),
    ),
    spec(
        "POST",
        "/v1/customers/{id}/subscription/resume",
        (SELF, true),
        PLAN_LABEL,
        Kind::Plan(PlanAction::Resume),
    ),
];

/// The label of a request no spec serves (an unknown path, or a method the path does not take).
pub const OTHER: &str = "other";

/// The labels in the metrics: each spec's, once, in the table's order, then [`OTHER`].
pub fn labels() -> &'static [&'static str] {
    static LABELS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    LABELS.get_or_init(|| {
        let mut all: Vec<&'static str> = Vec::new();
        for s in SPECS {
            if !all.contains(&s.label) {
                all.push(s.label);
            }
        }
        all.push(OTHER);
        all
    })
}

/// Every route of [`SPECS`], one per line (`  POST /v1/keys/verify`), for `serve --help`.
pub fn listing() -> String {
    SPECS
        .iter()
        .map(|s| format!("  {:<4} {}", s.method, s.path))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `{id}` and `{key}` of `path` if it fits `template` (a `{...}` segment fits any one).
fn fit(template: &str, path: &str) -> Option<Captures> {
    let (mut t, mut p) = (template.split('/'), path.split('/'));
    let mut got = Captures::default();
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Some(got),
            (Some("{id}"), Some(s)) => got.id = Some(s.to_string()),
            (Some("{key}"), Some(s)) => got.key = Some(s.to_string()),
            (Some(a), Some(b)) if a == b => {}
            _ => return None,
        }
    }
}

/// What a path's `{id}` (customer) and `{key}` segments hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captures {
    pub id: Option<String>,
    pub key: Option<String>,
}

/// The methods that `path` takes, in the order of [`SPECS`] (a 405's `Allow`).
pub fn allowed(path: &str) -> Vec<&'static str> {
    let mut methods: Vec<&'static str> = Vec::new();
    for s in SPECS.iter().filter(|s| fit(s.path, path).is_some()) {
        for m in [s.method, "HEAD"] {
            if serves(s, m) && !methods.contains(&m) {
                methods.push(m);
            }
        }
    }
    methods
}

/// Whether `s` serves `method`: its own, or `HEAD` for an open `GET` (the probes, which a
/// load balancer may ask with `HEAD`: answered as `GET`, hyper leaving the body out).
fn serves(s: &Spec, method: &str) -> bool {
    s.method == method || (method == "HEAD" && s.method == "GET" && s.access == Access::Open)
}

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A route of the table, with the path's `{id}` and `{key}`.
    Served(&'static Spec, Captures),
    NotFound,
    /// The path is a route's but not the method: the methods it takes, and its dialect.
    Method(Vec<&'static str>, Dialect),
}

impl PartialEq for Spec {
    fn eq(&self, other: &Spec) -> bool {
        (self.method, self.path) == (other.method, other.path)
    }
}

impl Eq for Spec {}

impl Route {
    pub fn of(method: &hyper::Method, path: &str) -> Route {
        let mut path_of = None;
        for s in SPECS {
            if let Some(c) = fit(s.path, path) {
                if serves(s, method.as_str()) {
                    return Route::Served(s, c);
                }
                path_of.get_or_insert(s);
            }
        }
        match path_of {
            Some(s) => Route::Method(allowed(path), s.dialect),
            None => Route::NotFound,
        }
    }

    /// Its spec, for a route of the table.
    pub fn spec(&self) -> Option<&'static Spec> {
        match self {
            Route::Served(s, _) => Some(s),
            _ => None,
        }
    }

    /// What it does, for a route of the table.
    pub fn kind(&self) -> Option<Kind> {
        self.spec().map(|s| s.kind)
    }

    /// Its label in the metrics, as an index into [`labels`].
    pub fn label(&self) -> usize {
        let name = self.spec().map_or(OTHER, |s| s.label);
        labels()
            .iter()
            .position(|l| *l == name)
            .unwrap_or(labels().len() - 1)
    }

    /// Who may call it: a path that is no route's needs any valid token (its 404 or 405 says
    /// nothing to a stranger).
    pub fn access(&self) -> Access {
        self.spec().map_or(ANY, |s| s.access)
    }

    /// The scopes that open the route, any one of them (none: any valid token).
    pub fn scopes(&self) -> &'static [Scope] {
        match self.access() {
            Access::Open => &[],
            Access::Token(s) => s,
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Route::Served(s, _) => s.dialect,
            Route::Method(_, d) => *d,
            Route::NotFound => Dialect::Billctl,
        }
    }

    /// Whether the route reads a request body.
    pub fn has_body(&self) -> bool {
        self.spec().is_some_and(|s| s.body)
    }

    /// The path's `{id}` and `{key}`.
    pub fn captures(&self) -> Captures {
        match self {
            Route::Served(_, c) => c.clone(),
            _ => Captures::default(),
        }
    }
}

/// Where `specs` and the OpenAPI document `doc` disagree: the same methods and paths; where
/// the document says a request body, the spec reads one, and the other way; the document's
/// `security` (none: no token) and its "Scope: `...`" line against the spec's access.
pub fn disagreements(specs: &[Spec], doc: &serde_json::Value) -> Vec<String> {
    let mut found = Vec::new();
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    for (path, ops) in &paths {
        for m in ops.as_object().into_iter().flat_map(|o| o.keys()) {
            let listed = specs
                .iter()
                .any(|s| s.path == path && s.method.eq_ignore_ascii_case(m));
            if !listed {
                found.push(format!(
                    "{} {path}: in the document, not in the table",
                    m.to_uppercase()
                ));
            }
        }
    }
    for s in specs {
        let op = &doc["paths"][s.path][s.method.to_ascii_lowercase()];
        if op.is_null() {
            found.push(format!(
                "{} {}: in the table, not in the document",
                s.method, s.path
            ));
            continue;
        }
        if op.get("requestBody").is_some() != s.body {
            found.push(format!(
                "{} {}: requestBody in the document is not body {}",
                s.method, s.path, s.body
            ));
        }
        if let Some(why) = access_disagrees(s.access, op) {
            found.push(format!("{} {}: {why}", s.method, s.path));
        }
    }
    found
}

/// How an operation's `security` and "Scope: `...`" line disagree with `access`, if they do.
fn access_disagrees(access: Access, op: &serde_json::Value) -> Option<String> {
    let open = op["security"].as_array().is_some_and(Vec::is_empty);
    if open != (access == Access::Open) {
        return Some(format!("security {} against {access:?}", op["security"]));
    }
    let text = op["description"].as_str().unwrap_or_default();
    let line = text.split("Scope: ").nth(1)?.lines().next()?;
    let said: Vec<&str> = line.split('`').skip(1).step_by(2).collect();
    let scopes: Vec<&str> = match access {
        Access::Token(s) => s.iter().map(|s| s.as_str()).collect(),
        Access::Open => Vec::new(),
    };
    (said != scopes).then(|| format!("the document's scopes {said:?}, the table's {scopes:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::Method;

    /// A path of `spec` with ids in its `{id}` and `{key}`.
    fn filled(spec: &Spec) -> String {
        spec.path
            .replace("{id}", "cus_1")
            .replace("{key}", "abcdefgh")
    }

    /// Every spec is matched, by its method, to itself, with its path's ids; every other method
    /// on its path gets 405 with `Allow` = the table's methods for that path, in the route's
    /// dialect; the labels are each once, with `other` last.
    #[test]
    fn every_spec_is_matched_to_itself_and_every_other_method_is_405() {
        for s in SPECS {
            let path = filled(s);
            let r = Route::of(&s.method.parse().unwrap(), &path);
            assert_eq!(r.spec(), Some(s), "{} {}", s.method, s.path);
            let c = r.captures();
            assert_eq!(c.id.is_some(), s.path.contains("{id}"), "{}", s.path);
            assert_eq!(
                c.key.as_deref(),
                s.path.contains("{key}").then_some("abcdefgh")
            );
            assert_eq!(labels()[r.label()], s.label);
            let mut table: Vec<&str> = SPECS
                .iter()
                .filter(|o| filled(o) == path)
                .map(|o| o.method)
                .collect();
            if SPECS
                .iter()
                .any(|o| filled(o) == path && o.method == "GET" && o.access == Access::Open)
            {
                table.push("HEAD");
            }
            for m in ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"] {
                let r = Route::of(&m.parse().unwrap(), &path);
                if table.contains(&m) {
                    assert!(matches!(r, Route::Served(..)), "{m} {path}: {r:?}");
                } else {
                    assert_eq!(r, Route::Method(table.clone(), s.dialect), "{m} {path}");
                    assert_eq!(labels()[r.label()], OTHER);
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        assert!(labels().iter().all(|l| seen.insert(*l)), "{:?}", labels());
        assert_eq!(labels().last(), Some(&OTHER));
        assert!(SPECS.iter().all(|s| s.label != OTHER));
        // Specs that share a label share their dialect and access too.
        for a in SPECS {
            for b in SPECS.iter().filter(|b| b.label == a.label) {
                assert_eq!((a.dialect, a.access), (b.dialect, b.access), "{}", a.label);
            }
        }
        assert_eq!(
            Route::of(&Method::POST, "/v1/keys/abc/explode"),
            Route::NotFound
        );
        assert_eq!(
            Route::of(&Method::GET, "/v1/customers/c/usage/x"),
            Route::NotFound
        );
        assert_eq!(allowed("/v1/customers/c/keys"), ["GET", "POST"]);
        assert!(allowed("/nope").is_empty());
    }

    /// The table is the OpenAPI document's, and a spec the document lacks (or one that reads a
    /// body the document does not name, or another scope) is found.
    #[test]
    fn the_table_is_the_openapi_documents() {
        let doc: serde_json::Value = serde_json::from_str(super::super::openapi::DOCUMENT).unwrap();
        assert_eq!(disagreements(SPECS, &doc), Vec::<String>::new());
        let extra = spec("POST", "/v1/new", (ANY, true), "/v1/new", Kind::Verify);
        let mut more: Vec<Spec> = SPECS.iter().map(|s| Spec { ..*s }).collect();
        more.push(extra);
        let found = disagreements(&more, &doc);
        assert_eq!(found, ["POST /v1/new: in the table, not in the document"]);
        let changed: Vec<Spec> = SPECS
            .iter()
            .map(|s| match s.kind {
                Kind::Metrics => Spec {
                    body: true,
                    access: VERIFY,
                    ..*s
                },
                _ => Spec { ..*s },
            })
            .collect();
        assert_eq!(
            disagreements(&changed, &doc).len(),
            2,
            "{:?}",
            disagreements(&changed, &doc)
        );
        let fewer = &SPECS[1..];
        assert_eq!(
            disagreements(fewer, &doc),
            ["POST /v1/keys/verify: in the document, not in the table"]
        );
    }
}
