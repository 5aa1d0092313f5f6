//! Helpers the serve, credentials, proxy and store tests share: a command line with variables
//! of its own, a file in the test's temp dir, a customer's current subscription, and a string
//! read at a JSON path.

use super::{Env, Run};
use serde_json::Value;
use std::ffi::OsStr;

impl Env {
    /// [`Env::cmd`] with `vars` set as well (an empty value removes the variable):
    /// `env.cmd_vars(&[("CREDENTIALS_DIRECTORY", &dir)], "auth status")`.
    pub fn cmd_vars(&self, vars: &[(&str, &dyn AsRef<OsStr>)], line: impl AsRef<str>) -> Run {
        let mut c = self.command();
        for (k, v) in vars {
            match v.as_ref() {
                v if v.is_empty() => c.env_remove(k),
                v => c.env(k, v),
            };
        }
        super::run(c.args(super::words(line.as_ref())))
    }

    /// Writes `text` to `name` in the test's temp dir; its path, for a command line.
    pub fn write(&self, name: &str, text: impl AsRef<[u8]>) -> String {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        p.to_str().expect("a UTF-8 temp path").to_string()
    }

    /// The id of `customer`'s current subscription in the store.
    pub fn sub_of(&self, customer: &str) -> String {
        self.store().current_subscription(customer).unwrap().expect("a subscription").row.id
    }
}

/// The string at `pointer` (`/items/data/0/id`) in `v`.
#[track_caller]
pub fn str_at(v: &Value, pointer: &str) -> String {
    let s = v.pointer(pointer).and_then(Value::as_str);
    s.unwrap_or_else(|| panic!("no string at {pointer} in {v}")).to_string()
}

/// The fields `keys` of `v` (a key that starts with `/` is a JSON pointer; a missing field is
/// `null`), as an array, to check several at once:
/// `assert_eq!(pick(&v, &["valid", "code"]), json!([true, "VALID"]))`.
pub fn pick(v: &Value, keys: &[&str]) -> Value {
    let field = |k: &&str| if k.starts_with('/') { v.pointer(k) } else { v.get(k) };
    keys.iter().map(|k| field(k).cloned().unwrap_or(Value::Null)).collect()
}

impl super::http::Answer {
    /// The status and the body's `code`, as one string to check: `"503 STORE_UNAVAILABLE"`
    /// (just the status when the body has no code).
    pub fn said(&self) -> String {
        let body: Value = serde_json::from_str(&self.body).unwrap_or_default();
        match body["code"].as_str() {
            Some(code) => format!("{} {code}", self.status),
            None => self.status.to_string(),
        }
    }
}

impl super::live::Live {
    /// [`Live::billctl`](super::live::Live::billctl) with a command line, as [`Env::cmd`].
    pub fn cmd(&self, line: impl AsRef<str>) -> Run {
        self.billctl(&super::words(line.as_ref()).iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// [`Live::cmd`] with `input` on stdin.
    pub fn cmd_stdin(&self, line: impl AsRef<str>, input: &str) -> Run {
        let words = super::words(line.as_ref());
        self.billctl_with_stdin(&words.iter().map(String::as_str).collect::<Vec<_>>(), input)
    }
}
