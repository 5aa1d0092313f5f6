//! How Stripe bills a mid-period plan change (`proration_behavior`): one enum for both doors,
//! parsed from the flag or the request body there.

use serde::Serialize;

/// Stripe's `proration_behavior` for a subscription update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Proration {
    /// Credit and charge the difference on the next invoice (Stripe's default).
    #[default]
    CreateProrations,
    /// No proration: the new price applies from the next period's invoice.
    None,
    /// Invoice the difference now.
    AlwaysInvoice,
}

impl Proration {
    pub const ALL: [Proration; 3] = [
        Proration::CreateProrations,
        Proration::None,
        Proration::AlwaysInvoice,
    ];

    /// Stripe's name, which is also the flag's and the request's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Proration::CreateProrations => "create_prorations",
            Proration::None => "none",
            Proration::AlwaysInvoice => "always_invoice",
        }
    }
}

impl std::fmt::Display for Proration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Proration {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Proration::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                "one of create_prorations (the default), none, always_invoice".to_string()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_parses_back_from_its_name() {
        for p in Proration::ALL {
            assert_eq!(p.as_str().parse::<Proration>(), Ok(p));
        }
        assert!("prorate".parse::<Proration>().is_err());
    }
}
