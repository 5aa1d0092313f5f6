//! How `serve` and its tokens read on a terminal, and its log lines (stderr, never a key or
//! a token).

use super::{clean, Output, Render};
use crate::adapters::server::{Access, AccessLog};
use crate::domain::time::utc_datetime;
use crate::ops::serve::tokens::{IssuedToken, Revoked, TokenList};
use crate::ops::serve::{Listening, Summary};
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
                    crate::adapters::store::KeyState::Active => out.paint("active", Color::Green),
                    other => out.paint(other.as_str(), Color::Red),
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
        // A Unix socket's path is the operator's text: one line, escaped.
        format!("listening on {}", clean(&self.listening))
    }
}

/// The line `serve` ends with.
pub fn serve_summary(s: &Summary) -> String {
    format!(
        "stopped: {} answered, {} recorded",
        crate::util::plural::count(s.requests, "request", "requests"),
        crate::util::plural::count(s.recorded, "call", "calls")
    )
}

/// `serve`'s access log: a line per request on stderr at `-v` (never a body or a header),
/// always in JSON. What went wrong behind an error answer (its detail, which the caller never
/// sees) is always logged, with the request's id.
pub fn serve_access_log(out: &Output, json: bool) -> AccessLog {
    let out = out.clone();
    if json {
        let log: Arc<dyn Fn(&Access) + Send + Sync> = Arc::new(move |a: &Access| {
            let level = match a.status {
                500..=599 => "error",
                400..=499 => "warn",
                _ => "info",
            };
            let mut line = serde_json::json!({
                "time": crate::domain::time::rfc3339_ms(a.at_ms),
                "level": level,
                "request_id": a.request_id,
                "route": a.route,
                "method": a.method,
                "path": a.path,
                "status": a.status,
                "duration_ms": a.millis,
                "bytes_in": a.bytes_in,
                "outcome": a.outcome,
                "peer": a.peer,
            });
            if let Some(d) = &a.detail {
                line["detail"] = d.as_str().into();
            }
            out.log_line(&line);
        });
        return Some(log);
    }
    let log: Arc<dyn Fn(&Access) + Send + Sync> = Arc::new(move |a: &Access| {
        if out.verbose >= 1 {
            out.debug(1, clean(&a.line()));
        }
        if let Some(d) = &a.detail {
            out.warn(clean(&format!("request {}: {d}", a.request_id)));
        }
    });
    Some(log)
}

/// A notice as the log format has it: a JSON object (`time`, `level`, `message`) or text.
/// A text notice is one line of the log, whatever outside text it carries (a config path, a
/// socket's path, a certificate's error): [`clean`] escapes its line breaks and controls, so
/// no text can forge a line (JSON escapes them in its own way).
pub fn log_notice(out: &Output, json: bool, level: &str, message: &str) {
    let message = &*crate::domain::keys::redact(message);
    if json {
        let line = serde_json::json!({
            "time": crate::domain::time::rfc3339_ms(crate::domain::clock::now_ms()),
            "level": level,
            "message": message,
        });
        out.log_line(&line);
    } else if level == "warn" {
        out.warn(clean(message));
    } else {
        out.status(clean(message));
    }
}

/// Where `webhooks listen` took its `count` webhook secrets from (`source`), and the sources
/// that also hold some but were passed over (`ignored`; then a warning), said once at start.
/// In JSON `{"time", "level", "message", "secret_source", "ignored"}`.
pub fn secret_source_notice(
    out: &Output,
    json: bool,
    count: usize,
    source: &str,
    ignored: &[String],
) {
    let level = if ignored.is_empty() { "info" } else { "warn" };
    let mut message = format!("webhook secrets: {count} from {source}");
    if !ignored.is_empty() {
        message.push_str(&format!("; ignored: {}", ignored.join(", ")));
    }
    if !json {
        return log_notice(out, false, level, &message);
    }
    out.log_line(&serde_json::json!({
        "time": crate::domain::time::rfc3339_ms(crate::domain::clock::now_ms()),
        "level": level,
        "message": message,
        "secret_source": source,
        "ignored": ignored,
    }));
}

/// The config a service runs on, said once at start on its log: the operator's file (info), or
/// the built-in catalog (a warning: its quotas and prices are not the operator's). In JSON
/// `{"time", "level", "message", "config": {"path", "catalog"}}`.
pub fn config_notice(out: &Output, json: bool, source: &crate::domain::config::ConfigSource) {
    let (level, message) = config_said(source);
    if json {
        let line = serde_json::json!({
            "time": crate::domain::time::rfc3339_ms(crate::domain::clock::now_ms()),
            "level": level,
            "message": message,
            "config": source,
        });
        out.log_line(&line);
    } else {
        log_notice(out, false, level, &message);
    }
}

/// The level and words of [`config_notice`] (and of doctor's first line).
pub fn config_said(source: &crate::domain::config::ConfigSource) -> (&'static str, String) {
    match source {
        crate::domain::config::ConfigSource::File(p) => ("info", format!("config: {}", p.display())),
        crate::domain::config::ConfigSource::BuiltIn => (
            "warn",
            "config: none given or found; the built-in catalog is in force (set BILLCTL_CONFIG or --config to your file)".to_string(),
        ),
    }
}

/// The status a server gives systemd with `READY=1`: where it listens, on which config. The
/// notify protocol is newline-separated assignments, so the outside text (a socket's path,
/// the config's path) is [`clean`]ed: a line break in it would forge another assignment.
pub fn ready_status(url: &str, config: &crate::domain::config::ConfigSource) -> String {
    let url = clean(url);
    match config {
        crate::domain::config::ConfigSource::File(p) => {
            format!(
                "listening on {url}; config {}",
                clean(&p.display().to_string())
            )
        }
        crate::domain::config::ConfigSource::BuiltIn => {
            format!("listening on {url}; the built-in catalog (no config file)")
        }
    }
}

/// What a SIGHUP's reload says, line by line: a status line, or a warning when a part kept
/// what it had.
pub fn reload_said(out: &Output, json: bool) -> crate::adapters::server::reload::Said {
    let out = out.clone();
    Arc::new(move |warn, line| {
        let level = if warn { "warn" } else { "info" };
        log_notice(&out, json, level, line);
    })
}

/// `serve`'s notices (refused callers, certificate reloads): stderr at `-v`.
pub fn serve_notice(out: &Output, json: bool) -> Arc<dyn Fn(String) + Send + Sync> {
    let out = out.clone();
    Arc::new(move |line: String| {
        if json {
            log_notice(&out, true, "warn", &line);
        } else {
            out.debug(1, clean(&line));
        }
    })
}

#[cfg(test)]
mod tests {
    /// The class of a hostile review's finding (a line break in the config path forged a log
    /// line): every text line the services write on their log from this file goes through
    /// [`super::clean`]. One row per way of writing one; a new call without `clean(` fails.
    #[test]
    fn every_text_log_line_of_the_services_is_cleaned() {
        let source = include_str!("serve.rs");
        let code = source.split("#[cfg(test)]").next().unwrap();
        let writers = ["out.status(", "out.warn(", "out.debug(1, "];
        let mut seen = 0;
        for w in writers {
            for (at, _) in code.match_indices(w) {
                let arg = &code[at + w.len()..];
                assert!(
                    arg.starts_with("clean("),
                    "a log line written with {w} without clean(: {}",
                    &arg[..arg.len().min(60)]
                );
                seen += 1;
            }
        }
        // log_notice (status and warn), the access log (debug and warn), serve_notice (debug).
        assert_eq!(seen, 5, "a writer was added or removed: update this table");
        assert_eq!(
            super::ready_status(
                "unix:/run/a\nb.sock",
                &crate::domain::config::ConfigSource::File("/etc/c\nSTOPPING=1".into())
            ),
            "listening on unix:/run/a\\u{a}b.sock; config /etc/c\\u{a}STOPPING=1"
        );
    }
}
