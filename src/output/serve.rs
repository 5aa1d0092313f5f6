//! How `serve` and its tokens read on a terminal, and its log lines (stderr, never a key or
//! a token).

use super::{clean, Output, Render};
use crate::ops::serve::tokens::{IssuedToken, Revoked, TokenList};
use crate::ops::serve::{Listening, Summary};
use crate::server::{Access, AccessLog};
use crate::time::utc_datetime;
use comfy_table::Color;
use std::sync::Arc;

impl Render for IssuedToken {
    fn render(&self, _: &Output) -> String {
        self.token.clone()
    }

    fn notes(&self) -> Vec<String> {
        let scopes: Vec<&str> = self.scopes.iter().map(|s| s.as_str()).collect();
        vec![format!(
            "Issued service token {} ({}) with scope {}. Store it now: billctl keeps only its hash and cannot show it again.",
            self.id,
            clean(&self.name),
            scopes.join(",")
        )]
    }
}

impl Render for TokenList {
    fn render(&self, out: &Output) -> String {
        let rows = self
            .0
            .iter()
            .map(|t| {
                let status = match t.status {
                    "active" => out.paint("active", Color::Green),
                    other => out.paint(other, Color::Red),
                };
                let scopes: Vec<&str> = t.scopes.iter().map(|s| s.as_str()).collect();
                vec![
                    t.id.clone().into(),
                    clean(&t.name).into(),
                    scopes.join(",").into(),
                    status,
                    utc_datetime(t.created_at).into(),
                    clean(&t.created_by).into(),
                ]
            })
            .collect();
        out.table(&["ID", "NAME", "SCOPES", "STATUS", "CREATED", "BY"], rows)
    }

    fn notes(&self) -> Vec<String> {
        if self.0.is_empty() {
            return vec!["no service tokens: 'billctl serve tokens issue --name NAME --scope verify' makes one".into()];
        }
        Vec::new()
    }
}

impl Render for Revoked {
    fn render(&self, _: &Output) -> String {
        format!(
            "revoked service token {} ({}) at {}; serve refuses it within its refresh interval",
            self.id,
            clean(&self.name),
            utc_datetime(self.revoked_at)
        )
    }
}

impl Render for Listening {
    fn render(&self, _: &Output) -> String {
        format!("listening on {}", self.listening)
    }
}

/// The line `serve` ends with.
pub fn serve_summary(s: &Summary) -> String {
    format!(
        "stopped: {} request(s) answered, {} call(s) recorded",
        s.requests, s.recorded
    )
}

/// `serve`'s access log: a line per request on stderr at `-v` (never a body or a header).
pub fn serve_access_log(out: &Output) -> AccessLog {
    let out = out.clone();
    (out.verbose >= 1).then(|| {
        let log: Arc<dyn Fn(&Access) + Send + Sync> =
            Arc::new(move |a: &Access| out.debug(1, a.line()));
        log
    })
}

/// What a SIGHUP's certificate reload says: a status line, or a warning when the pair in use
/// was kept.
pub fn serve_reload(out: &Output) -> impl Fn(&std::path::Path, anyhow::Result<()>) {
    let out = out.clone();
    move |cert, r| match r {
        Ok(()) => out.status(format!(
            "SIGHUP: re-read the certificate {}",
            cert.display()
        )),
        Err(e) => out.warn(format!("SIGHUP: kept the certificate in use: {e:#}")),
    }
}

/// `serve`'s notices (refused callers, certificate reloads): stderr at `-v`.
pub fn serve_notice(out: &Output) -> Arc<dyn Fn(String) + Send + Sync> {
    let out = out.clone();
    Arc::new(move |line: String| out.debug(1, line))
}
