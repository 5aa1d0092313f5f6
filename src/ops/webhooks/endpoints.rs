//! Stripe webhook endpoints: `webhooks endpoint create|list|delete`, with where each
//! endpoint's signing secret is kept (the keyring, else the data dir's secret file). Prints
//! nothing.

use crate::adapters::stripe::{Stripe, Writer};
use anyhow::Result;
use serde::Serialize;

/// A Stripe webhook endpoint, as `webhooks endpoint` shows it.
#[derive(Serialize)]
pub struct EndpointView {
    pub id: String,
    pub url: String,
    pub status: String,
    pub enabled_events: Vec<String>,
    /// Whether this profile's keyring holds the endpoint's signing secret.
    pub secret_in_keyring: bool,
    /// Whether the data dir's secret file holds it (`[webhooks] secret_file`).
    pub secret_in_file: bool,
}

impl EndpointView {
    /// From Stripe's endpoint object; `kept` lists the endpoint ids whose secret is in the
    /// keyring, `in_file` those in the secret file.
    pub fn of(v: &serde_json::Value, kept: &[String], in_file: &[String]) -> EndpointView {
        let id = v["id"].as_str().unwrap_or_default().to_string();
        EndpointView {
            secret_in_keyring: kept.contains(&id),
            secret_in_file: in_file.contains(&id),
            id,
            url: v["url"].as_str().unwrap_or_default().to_string(),
            status: v["status"].as_str().unwrap_or_default().to_string(),
            enabled_events: v["enabled_events"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|e| e.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// Where `webhooks endpoint create` may keep the new endpoint's signing secret when the
/// keyring refuses it.
pub struct SecretFallback {
    /// The data dir, when the config allows a secret file there (`[webhooks] secret_file`).
    pub file_dir: Option<std::path::PathBuf>,
    /// Whether the secret may be shown once on the terminal.
    pub terminal: bool,
}

/// Where the new endpoint's secret went.
pub enum Kept {
    Keyring,
    File(std::path::PathBuf),
    /// Nowhere billctl reads: the caller shows it once on the terminal and fails.
    Shown {
        secret: crate::adapters::secrets::Secret,
        why: String,
    },
}

/// `webhooks endpoint create`: a Stripe endpoint for `url` sending the events billctl
/// applies, its signing secret kept in `profile`'s keyring (checked for writes first), else
/// where `fallback` allows. When nothing can keep it and it cannot be shown, nothing is
/// created.
pub async fn create_endpoint<S: crate::ops::writes::Stores>(
    stores: &S,
    actor: crate::ops::writes::Actor<'_>,
    stripe: &Writer,
    profile: &str,
    url: &str,
    description: Option<&str>,
    fallback: &SecretFallback,
) -> Result<(EndpointView, Kept)> {
    use crate::adapters::secrets::{
        keyring_writable, save_file_secret, save_webhook_secret, Held, Secret,
    };
    let mut keyring = keyring_writable(Held::WebhookSecrets, profile);
    if let (Err(why), None, false) = (&keyring, &fallback.file_dir, fallback.terminal) {
        anyhow::bail!("cannot keep the endpoint's signing secret: {why}; nothing was created\nhint: on a terminal, billctl shows a secret it cannot keep once instead");
    }
    let key = format!("billctl-we-{:016x}", rand::random::<u64>());
    let handled = crate::domain::webhooks::apply::HANDLED;
    let created = stripe
        .create_webhook_endpoint(url, handled, description, &key)
        .await?;
    let id = created["id"].as_str().unwrap_or_default().to_string();
    let detail = serde_json::json!({"endpoint": id, "url": url});
    crate::ops::writes::audit_via(stores, ("webhooks.endpoint.create", None, detail), actor)
        .await?;
    let secret = created["secret"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("Stripe created endpoint {id} but sent no secret"))?;
    let secret = Secret::new(secret.to_string());
    if keyring.is_ok() {
        keyring = save_webhook_secret(profile, &id, &secret);
    }
    let why = match keyring {
        Ok(()) => {
            return Ok((
                EndpointView::of(&created, std::slice::from_ref(&id), &[]),
                Kept::Keyring,
            ))
        }
        Err(why) => why,
    };
    if let Some(dir) = &fallback.file_dir {
        match save_file_secret(dir, &id, &secret) {
            Ok(()) => {
                let view = EndpointView::of(&created, &[], std::slice::from_ref(&id));
                return Ok((view, Kept::File(dir.join(crate::adapters::secrets::SECRET_FILE))));
            }
            Err(file_why) if !fallback.terminal => anyhow::bail!("created endpoint {id} but could not keep its secret: {why}; and {file_why}\nhint: delete it with 'billctl webhooks endpoint delete {id}' and try again"),
            Err(_) => {}
        }
    }
    if fallback.terminal {
        return Ok((
            EndpointView::of(&created, &[], &[]),
            Kept::Shown { secret, why },
        ));
    }
    anyhow::bail!("created endpoint {id} but could not keep its secret: {why}\nhint: delete it with 'billctl webhooks endpoint delete {id}' and try again (Stripe shows a secret only once here; the Dashboard can reveal it)")
}

/// What `webhooks endpoint delete` did.
#[derive(Serialize)]
pub struct Deleted {
    pub deleted: String,
    /// Whether its secret was kept anywhere billctl keeps one (now removed).
    pub secret_removed: bool,
    /// Where it was removed from: `keyring`, and the path of the data dir's secret file.
    pub secret_removed_from: Vec<String>,
    /// The places that could not be checked for its secret, and why (it may still be there).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secret_not_checked: Vec<String>,
}

/// Endpoints, for `webhooks endpoint list`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct EndpointList(pub Vec<EndpointView>);

/// `webhooks endpoint list`: Stripe's endpoints, each with where its secret is kept.
pub async fn endpoints(
    stripe: &Stripe,
    kept: &[String],
    in_file: &[String],
) -> Result<EndpointList> {
    let all = stripe.webhook_endpoints().await?;
    Ok(EndpointList(
        all.iter()
            .map(|v| EndpointView::of(v, kept, in_file))
            .collect(),
    ))
}

/// `webhooks endpoint delete`: deletes the endpoint in Stripe, then forgets its secret in
/// the keyring and the data dir's secret file.
pub async fn delete_endpoint<S: crate::ops::writes::Stores>(
    stores: &S,
    actor: crate::ops::writes::Actor<'_>,
    stripe: &Writer,
    id: &str,
    profile: &str,
    dir: &std::path::Path,
) -> Result<Deleted> {
    stripe.delete_webhook_endpoint(id).await?;
    let detail = serde_json::json!({"endpoint": id});
    crate::ops::writes::audit_via(stores, ("webhooks.endpoint.delete", None, detail), actor)
        .await?;
    let file = dir
        .join(crate::adapters::secrets::SECRET_FILE)
        .display()
        .to_string();
    let (mut from, mut not_checked) = (Vec::new(), Vec::new());
    for (place, removed) in [
        (
            "keyring".to_string(),
            crate::adapters::secrets::remove_webhook_secret(profile, id),
        ),
        (file, crate::adapters::secrets::remove_file_secret(dir, id)),
    ] {
        match removed {
            Ok(true) => from.push(place),
            Ok(false) => {}
            Err(why) => not_checked.push(why),
        }
    }
    Ok(Deleted {
        deleted: id.to_string(),
        secret_removed: !from.is_empty(),
        secret_removed_from: from,
        secret_not_checked: not_checked,
    })
}
