//! `[access]`: which subscription statuses grant API access, and the `past_due` grace.

use super::error::{ConfigError, SourceText};
use super::raw::RawAccess;
use super::{AccessPolicy, SUBSCRIPTION_STATUSES};
use toml::Spanned;

pub(super) fn access_policy(
    cx: &SourceText,
    raw: Option<Spanned<RawAccess>>,
) -> Result<AccessPolicy, ConfigError> {
    let mut policy = AccessPolicy::default();
    let Some(raw) = raw.map(Spanned::into_inner) else {
        return Ok(policy);
    };
    if let Some(st) = raw.statuses {
        for s in st.get_ref() {
            if !SUBSCRIPTION_STATUSES.contains(&s.as_str()) {
                return Err(cx.err(
                    st.span(),
                    "access.statuses",
                    format!(
                        "{s:?} is not a subscription status; Stripe's are {}",
                        SUBSCRIPTION_STATUSES.join(", ")
                    ),
                ));
            }
        }
        policy.statuses = st.into_inner();
    }
    if let Some(g) = raw.past_due_grace {
        policy.past_due_grace_secs = if g.get_ref() == "0" {
            0
        } else {
            crate::time::span(g.get_ref()).map_err(|e| {
                cx.err(
                    g.span(),
                    "access.past_due_grace",
                    format!("{e} (or \"0\" for none)"),
                )
            })?
        };
    }
    Ok(policy)
}
