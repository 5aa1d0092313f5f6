//! `serve`'s routes: what a method and path ask for, the scope a caller needs, the label in
//! the metrics, and the error vocabulary of the answer (billctl's, Unkey's, or RFC 9457
//! problem details for OpenMeter's route).

use crate::keys::Scope;

/// The routes, as labels in the metrics (an unknown path is `other`, the last).
pub const ROUTES: [&str; 16] = [
    "/v1/keys/verify",
    "/v1/usage/events",
    "/v1/customers/{id}/usage",
    "/healthz",
    "/readyz",
    "/metrics",
    "/v2/keys.verifyKey",
    "/api/v1/events",
    "/openapi.json",
    "/v1/customers/{id}",
    "/v1/customers/{id}/keys",
    "/v1/keys/{id}/{action}",
    "/v1/customers/{id}/portal",
    "/v1/customers/{id}/checkout",
    "/v1/customers/{id}/subscription",
    "other",
];

/// Every route, as its method and path template: the OpenAPI document must list exactly these
/// (a test compares them).
pub const TABLE: [(&str, &str); 21] = [
    ("POST", "/v1/keys/verify"),
    ("POST", "/v1/usage/events"),
    ("GET", "/v1/customers/{id}/usage"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/openapi.json"),
    ("POST", "/v2/keys.verifyKey"),
    ("POST", "/api/v1/events"),
    ("GET", "/v1/customers/{id}"),
    ("GET", "/v1/customers/{id}/keys"),
    ("POST", "/v1/customers/{id}/keys"),
    ("POST", "/v1/customers/{id}/keys/{key}/rotate"),
    ("POST", "/v1/customers/{id}/keys/{key}/revoke"),
    ("POST", "/v1/keys/{key}/rotate"),
    ("POST", "/v1/keys/{key}/revoke"),
    ("POST", "/v1/customers/{id}/portal"),
    ("POST", "/v1/customers/{id}/checkout"),
    ("POST", "/v1/customers/{id}/subscription"),
    ("POST", "/v1/customers/{id}/subscription/cancel"),
    ("POST", "/v1/customers/{id}/subscription/resume"),
];

/// Every route of [`TABLE`], one per line (`  POST /v1/keys/verify`), for `serve --help`.
pub fn listing() -> String {
    TABLE
        .iter()
        .map(|(m, p)| format!("  {m:<4} {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The methods that `path` takes, in the order of [`TABLE`] (a 405's `Allow`): those of every
/// template it fits, where a `{...}` segment fits any one segment.
pub fn allowed(path: &str) -> Vec<&'static str> {
    let fits = |template: &str| {
        let (t, p): (Vec<&str>, Vec<&str>) =
            (template.split('/').collect(), path.split('/').collect());
        t.len() == p.len()
            && t.iter()
                .zip(&p)
                .all(|(t, p)| t == p || (t.starts_with('{') && !p.is_empty()))
    };
    let mut methods: Vec<&'static str> = Vec::new();
    for (m, template) in TABLE {
        if fits(template) && !methods.contains(&m) {
            methods.push(m);
        }
    }
    methods
}

/// What is done to a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    Rotate,
    Revoke,
}

/// What is done to a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAction {
    Change,
    Cancel,
    Resume,
}

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Verify,
    Events,
    CustomerUsage(String),
    Healthz,
    Readyz,
    Metrics,
    UnkeyVerify,
    CloudEvents,
    OpenApi,
    Customer(String),
    Keys(String),
    KeyCreate(String),
    /// A key's rotation or revocation; the customer comes from the path
    /// (`/v1/customers/{id}/keys/{key}/...`) or, on `/v1/keys/{key}/...`, from the body.
    Key {
        customer: Option<String>,
        key: String,
        action: KeyAction,
    },
    Portal(String),
    Checkout(String),
    Plan(String, PlanAction),
    NotFound,
    Method(&'static str),
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

impl Route {
    pub fn of(method: &hyper::Method, path: &str) -> Route {
        let (want, route) = match path {
            "/v1/keys/verify" => ("POST", Route::Verify),
            "/v1/usage/events" => ("POST", Route::Events),
            "/v2/keys.verifyKey" => ("POST", Route::UnkeyVerify),
            "/api/v1/events" => ("POST", Route::CloudEvents),
            "/openapi.json" => ("GET", Route::OpenApi),
            "/healthz" => ("GET", Route::Healthz),
            "/readyz" => ("GET", Route::Readyz),
            "/metrics" => ("GET", Route::Metrics),
            p => match Route::nested(method, p) {
                Some(r) => r,
                None => return Route::NotFound,
            },
        };
        if method.as_str() == want {
            route
        } else {
            Route::Method(want)
        }
    }

    /// The routes with ids in their path, with the method each takes.
    fn nested(method: &hyper::Method, path: &str) -> Option<(&'static str, Route)> {
        let parts: Vec<&str> = path.strip_prefix("/v1/")?.split('/').collect();
        let id = |s: &str| s.to_string();
        let key_action = |a: &str| match a {
            "rotate" => Some(KeyAction::Rotate),
            "revoke" => Some(KeyAction::Revoke),
            _ => None,
        };
        Some(match parts.as_slice() {
            ["customers", c] => ("GET", Route::Customer(id(c))),
            ["customers", c, "usage"] => ("GET", Route::CustomerUsage(id(c))),
            ["customers", c, "keys"] if method == hyper::Method::POST => {
                ("POST", Route::KeyCreate(id(c)))
            }
            ["customers", c, "keys"] => ("GET", Route::Keys(id(c))),
            ["customers", c, "keys", k, a] => (
                "POST",
                Route::Key {
                    customer: Some(id(c)),
                    key: id(k),
                    action: key_action(a)?,
                },
            ),
            ["keys", k, a] => (
                "POST",
                Route::Key {
                    customer: None,
                    key: id(k),
                    action: key_action(a)?,
                },
            ),
            ["customers", c, "portal"] => ("POST", Route::Portal(id(c))),
            ["customers", c, "checkout"] => ("POST", Route::Checkout(id(c))),
            ["customers", c, "subscription"] => ("POST", Route::Plan(id(c), PlanAction::Change)),
            ["customers", c, "subscription", "cancel"] => {
                ("POST", Route::Plan(id(c), PlanAction::Cancel))
            }
            ["customers", c, "subscription", "resume"] => {
                ("POST", Route::Plan(id(c), PlanAction::Resume))
            }
            _ => return None,
        })
    }

    /// Its label in the metrics (an index into [`ROUTES`]).
    pub fn label(&self) -> usize {
        match self {
            Route::Verify => 0,
            Route::Events => 1,
            Route::CustomerUsage(_) => 2,
            Route::Healthz => 3,
            Route::Readyz => 4,
            Route::Metrics => 5,
            Route::UnkeyVerify => 6,
            Route::CloudEvents => 7,
            Route::OpenApi => 8,
            Route::Customer(_) => 9,
            Route::Keys(_) | Route::KeyCreate(_) => 10,
            Route::Key { .. } => 11,
            Route::Portal(_) => 12,
            Route::Checkout(_) => 13,
            Route::Plan(..) => 14,
            Route::NotFound | Route::Method(_) => ROUTES.len() - 1,
        }
    }

    /// The scopes that open the route, any one of them (none: any valid token). A customer's
    /// usage is the `read` scope's, and the customer page's (`self-service`).
    pub fn scopes(&self) -> &'static [Scope] {
        match self {
            Route::Verify | Route::UnkeyVerify => &[Scope::Verify],
            Route::Events | Route::CloudEvents => &[Scope::Usage],
            Route::Metrics => &[Scope::Read],
            Route::CustomerUsage(_) => &[Scope::Read, Scope::SelfService],
            Route::Customer(_)
            | Route::Keys(_)
            | Route::KeyCreate(_)
            | Route::Key { .. }
            | Route::Portal(_)
            | Route::Checkout(_)
            | Route::Plan(..) => &[Scope::SelfService],
            Route::Healthz
            | Route::Readyz
            | Route::OpenApi
            | Route::NotFound
            | Route::Method(_) => &[],
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Route::UnkeyVerify => Dialect::Unkey,
            Route::CloudEvents => Dialect::Problem,
            _ => Dialect::Billctl,
        }
    }

    /// Whether the route reads a request body.
    pub fn has_body(&self) -> bool {
        matches!(
            self,
            Route::Verify
                | Route::Events
                | Route::UnkeyVerify
                | Route::CloudEvents
                | Route::KeyCreate(_)
                | Route::Key { .. }
                | Route::Portal(_)
                | Route::Checkout(_)
                | Route::Plan(..)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::Method;

    #[test]
    fn paths_name_their_route_and_method() {
        let get = |p: &str| Route::of(&Method::GET, p);
        let post = |p: &str| Route::of(&Method::POST, p);
        assert_eq!(get("/v1/customers/cus_1"), Route::Customer("cus_1".into()));
        assert_eq!(get("/v1/customers/cus_1/keys"), Route::Keys("cus_1".into()));
        assert_eq!(
            post("/v1/customers/cus_1/keys"),
            Route::KeyCreate("cus_1".into())
        );
        assert_eq!(
            post("/v1/keys/abc/rotate"),
            Route::Key {
                customer: None,
                key: "abc".into(),
                action: KeyAction::Rotate
            }
        );
        assert_eq!(
            post("/v1/customers/c/keys/abc/revoke"),
            Route::Key {
                customer: Some("c".into()),
                key: "abc".into(),
                action: KeyAction::Revoke
            }
        );
        assert_eq!(get("/v1/keys/abc/rotate"), Route::Method("POST"));
        assert_eq!(post("/v1/keys/abc/explode"), Route::NotFound);
        assert_eq!(
            post("/v1/customers/c/subscription/cancel"),
            Route::Plan("c".into(), PlanAction::Cancel)
        );
        assert_eq!(post("/v2/keys.verifyKey"), Route::UnkeyVerify);
        assert_eq!(get("/v1/customers/c/usage/x"), Route::NotFound);
        for r in [get("/healthz"), get("/v1/customers/c"), get("/nope")] {
            assert!(r.label() < ROUTES.len());
        }
        // Every route in the table is served, by its method, and each has its own label.
        let mut labels = std::collections::BTreeSet::new();
        for (m, t) in TABLE {
            let path = t.replace("{id}", "cus_1").replace("{key}", "abc");
            let r = Route::of(&m.parse().unwrap(), &path);
            assert!(!matches!(r, Route::NotFound | Route::Method(_)), "{m} {t}");
            labels.insert(r.label());
        }
        assert!(labels.len() >= ROUTES.len() - 1, "{labels:?}");
    }

    /// A 405's `Allow` is every method that path is served with: for each route in the table,
    /// the methods that do not get 405 are exactly `allowed`, and every other gets 405.
    #[test]
    fn allow_lists_every_method_of_the_route() {
        for (_, t) in TABLE {
            let path = t.replace("{id}", "cus_1").replace("{key}", "abc");
            let allowed = allowed(&path);
            for m in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
                let r = Route::of(&m.parse().unwrap(), &path);
                assert_eq!(
                    matches!(r, Route::Method(_)),
                    !allowed.contains(&m),
                    "{m} {path}: {r:?}, allowed {allowed:?}"
                );
            }
        }
        assert_eq!(allowed("/v1/customers/c/keys"), ["GET", "POST"]);
        assert_eq!(allowed("/healthz"), ["GET"]);
        assert!(allowed("/nope").is_empty());
    }
}
