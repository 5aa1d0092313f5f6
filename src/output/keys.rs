//! How API keys and verifications read on a terminal.

use super::{Output, Render};
use crate::domain::time::{utc_date, utc_datetime};
use crate::ops::keys::{Issued, KeyList, KeyState, KeyView};
use crate::ops::verifier::Verification;
use comfy_table::Color;

impl Render for Issued {
    fn render(&self, _: &Output) -> String {
        self.key.clone()
    }

    fn notes(&self) -> Vec<String> {
        let rec = &self.record;
        let expiry = rec.expires_at.map_or("never expires".to_string(), |t| {
            format!("expires {}", utc_datetime(t))
        });
        let mut notes = vec![format!("{} key {} for {} ({expiry}). Store it now: billctl keeps only its hash and cannot show it again.", self.verb, rec.id, rec.customer_id)];
        if let Some((old, until)) = &self.old_until {
            notes.push(format!(
                "The old key {old} keeps working until {}.",
                utc_datetime(*until)
            ));
        }
        notes
    }
}

impl Render for KeyList {
    fn render(&self, out: &Output) -> String {
        let rows = self
            .0
            .iter()
            .map(|v| {
                let k = &v.record;
                let status = match v.status {
                    KeyState::Active => out.paint("active", Color::Green),
                    other => out.paint(other.as_str(), Color::Red),
                };
                vec![
                    super::cell(&k.id),
                    super::cell(k.name.as_deref().unwrap_or("-")),
                    super::cell(&k.customer_id),
                    status,
                    super::cell(utc_date(k.created_at)),
                    super::cell(k.expires_at.map_or("never".into(), utc_datetime)),
                    super::cell(k.last_used_at.map_or("never".into(), utc_datetime)),
                ]
            })
            .collect();
        let header = [
            "ID",
            "NAME",
            "CUSTOMER",
            "STATUS",
            "CREATED",
            "EXPIRES",
            "LAST USED",
        ];
        out.table(&header, rows)
    }
}

impl Render for KeyView {
    fn render(&self, _: &Output) -> String {
        let k = &self.record;
        let opt = |t: Option<i64>| t.map_or("-".to_string(), utc_datetime);
        format!(
            "id:           {}\nstatus:       {}\nmode:         {}\ncustomer:     {}\nname:         {}\ncreated:      {} by {}\nexpires:      {}\nlast used:    {}\nrevoked:      {}{}\nreplaces:     {}\nreplaced by:  {}",
            k.id,
            self.status,
            k.mode,
            k.customer_id,
            k.name.as_deref().unwrap_or("-"),
            utc_datetime(k.created_at),
            k.created_by,
            opt(k.expires_at),
            opt(k.last_used_at),
            opt(k.revoked_at),
            k.revoked_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(),
            k.replaces.as_deref().unwrap_or("-"),
            k.replaced_by.as_deref().unwrap_or("-"),
        )
    }
}

impl Render for Verification {
    fn render(&self, _: &Output) -> String {
        let v = self;
        let mut text = format!(
            "valid:    {}\ncode:     {}\n",
            v.is_valid(),
            v.code.as_str()
        );
        if let Some(r) = &v.reason {
            text.push_str(&format!("reason:   {r}\n"));
        }
        for (label, val) in [
            ("key id", &v.key_id),
            ("customer", &v.customer),
            ("tier", &v.tier),
        ] {
            if let Some(x) = val {
                let pad = " ".repeat(10 - label.len() - 1);
                text.push_str(&format!("{label}:{pad}{x}\n"));
            }
        }
        if let Some(q) = &v.quota {
            let limit = q.limit.map_or("unlimited".to_string(), |l| l.to_string());
            let remaining = q
                .remaining
                .map_or("unlimited".to_string(), |r| r.to_string());
            text.push_str(&format!(
                "quota:    {} used of {limit}, {remaining} remaining ({} .. {})\n",
                q.used,
                utc_date(q.period_start),
                utc_date(q.period_end)
            ));
        }
        if let Some(r) = &v.rate_limit {
            text.push_str(&format!(
                "rate:     {} of {} per minute remaining\n",
                r.remaining, r.limit
            ));
        }
        text
    }
}

impl Render for crate::adapters::secrets::KeyStatus {
    fn render(&self, _: &Output) -> String {
        use crate::adapters::secrets::KeyKind;
        let (Some(source), Some(mode), Some(kind), Some(last4)) =
            (&self.source, self.mode, self.kind, &self.last4)
        else {
            return String::new();
        };
        let (prefix, what) = match kind {
            KeyKind::Secret => ("sk", "secret key"),
            KeyKind::Restricted => ("rk", "restricted key"),
        };
        let held = self.held.as_deref().unwrap_or("-");
        let mut text = format!("source:  {source}\nstore:   {held}\nmode:    {mode}\ntype:    {prefix} ({what})\nkey:     {prefix}_{mode}_…{last4}");
        if !self.ignored.is_empty() {
            text.push_str(&format!(
                "\nignored: {} (set, but the source above wins)",
                self.ignored.join(", ")
            ));
        }
        text
    }
}

impl Render for crate::ops::keys::Revoked {
    fn render(&self, _: &Output) -> String {
        String::new()
    }

    fn notes(&self) -> Vec<String> {
        match self.revoked.is_empty() {
            true => Vec::new(),
            false => vec![format!("Revoked {}.", self.revoked.join(", "))],
        }
    }
}

impl Render for crate::ops::AuditList {
    fn render(&self, out: &Output) -> String {
        let rows = self
            .0
            .iter()
            .map(|r| {
                vec![
                    super::cell(crate::domain::time::utc_datetime(r.at)),
                    super::cell(&r.actor),
                    super::cell(&r.action),
                    super::cell(r.key_id.as_deref().unwrap_or("-")),
                    super::cell(r.customer_id.as_deref().unwrap_or("-")),
                    super::cell(r.reason.as_deref().unwrap_or("-")),
                ]
            })
            .collect();
        out.table(
            &["AT (UTC)", "ACTOR", "ACTION", "KEY", "CUSTOMER", "REASON"],
            rows,
        )
    }
}
