//! Seats: how many units of a tier one subscription holds (its main item's quantity) and the
//! rules for setting them. Pure: no I/O here.
//!
//! - A quantity is a whole number from 1 to the tier's `max_quantity` (1 when the tier declares
//!   none: it is sold one at a time; never above [`crate::domain::config::MAX_TIER_QUANTITY`]).
//! - A change that names no quantity keeps the subscription's, when the tier it moves to allows
//!   it; otherwise the change is refused and asks for one (never a silent reduction).
//! - A change of quantity alone (same tier) is a change.

use crate::domain::catalog::Tier;

/// A quantity as a door received it: the value (if any) and the name the user gave it
/// (`--quantity` on the command line, `quantity` in serve's JSON), for the refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asked {
    pub given: Option<i64>,
    pub field: &'static str,
}

/// Why a quantity is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeatsError {
    #[error("{field} {given}: the quantity is a whole number from 1 to {max} (tier {tier}'s max_quantity{hint})")]
    OutOfRange {
        field: &'static str,
        given: i64,
        tier: String,
        max: u32,
        hint: &'static str,
    },
    #[error("{field}: the subscription has {}, and tier {tier} sells {}: pass {field} {} to move it", crate::util::plural::count(*current, "seat", "seats"), if *max == 1 { "one at a time".to_string() } else { format!("at most {max}") }, if *max == 1 { "1".to_string() } else { format!("1 to {max}") })]
    TooManyToKeep {
        field: &'static str,
        current: u64,
        tier: String,
        max: u32,
    },
}

impl Asked {
    /// No quantity asked (a change keeps the subscription's; a new one has 1).
    pub fn none(field: &'static str) -> Asked {
        Asked { given: None, field }
    }

    /// The quantity to hold on `tier`: the asked one if it is within the tier's bound, else
    /// (none asked) `current` when the tier allows it (a new subscription: 1).
    pub fn for_tier(&self, tier: &Tier, current: Option<u64>) -> Result<u64, SeatsError> {
        let max = tier.max_quantity;
        match self.given {
            Some(q) => u32::try_from(q)
                .ok()
                .filter(|q| (1..=max).contains(q))
                .map(u64::from)
                .ok_or(SeatsError::OutOfRange {
                    field: self.field,
                    given: q,
                    tier: tier.id.clone(),
                    max,
                    hint: if max == 1 {
                        ": it is sold one at a time"
                    } else {
                        ""
                    },
                }),
            None => {
                let keep = current.unwrap_or(1).max(1);
                if keep > u64::from(max) {
                    return Err(SeatsError::TooManyToKeep {
                        field: self.field,
                        current: keep,
                        tier: tier.id.clone(),
                        max,
                    });
                }
                Ok(keep)
            }
        }
    }
}

/// `team` for one unit, `team × 3` for more.
pub fn label(tier: &str, quantity: u64) -> String {
    if quantity == 1 {
        tier.to_string()
    } else {
        format!("{tier} × {quantity}")
    }
}

/// How a change reads: `from pro to team`, or with seats `from team × 3 to team × 5`.
pub fn from_to(from: (&str, u64), to: (&str, u64)) -> String {
    if from.1 == 1 && to.1 == 1 {
        return format!("from {} to {}", from.0, to.0);
    }
    format!(
        "from {} to {}",
        with_count(from.0, from.1),
        with_count(to.0, to.1)
    )
}

fn with_count(tier: &str, quantity: u64) -> String {
    format!("{tier} × {quantity}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::config::{parse, DEFAULT_CONFIG};

    fn tier(id: &str) -> Tier {
        parse(DEFAULT_CONFIG, "d")
            .unwrap()
            .tier(id)
            .unwrap()
            .clone()
    }

    #[test]
    fn a_quantity_is_one_to_the_tiers_bound() {
        let (team, pro) = (tier("team"), tier("pro"));
        let asked = |q| Asked {
            given: Some(q),
            field: "--quantity",
        };
        assert_eq!(asked(3).for_tier(&team, None), Ok(3));
        assert_eq!(asked(100).for_tier(&team, Some(7)), Ok(100));
        for bad in [0, -1, 101, i64::MAX, i64::MIN] {
            let e = asked(bad).for_tier(&team, None).unwrap_err();
            assert!(
                e.to_string().starts_with(&format!("--quantity {bad}: ")),
                "{e}"
            );
            assert!(e.to_string().contains("1 to 100"), "{e}");
        }
        let e = asked(2).for_tier(&pro, None).unwrap_err().to_string();
        assert!(e.contains("sold one at a time"), "{e}");
        assert_eq!(asked(1).for_tier(&pro, Some(1)), Ok(1));
    }

    #[test]
    fn no_quantity_keeps_the_subscriptions_when_the_tier_allows_it() {
        let (team, pro) = (tier("team"), tier("pro"));
        let none = Asked::none("quantity");
        assert_eq!(none.for_tier(&team, None), Ok(1));
        assert_eq!(none.for_tier(&team, Some(5)), Ok(5));
        assert_eq!(none.for_tier(&pro, Some(1)), Ok(1));
        let e = none.for_tier(&pro, Some(5)).unwrap_err();
        assert_eq!(
            e,
            SeatsError::TooManyToKeep {
                field: "quantity",
                current: 5,
                tier: "pro".into(),
                max: 1
            }
        );
        assert!(e.to_string().starts_with("quantity: "), "{e}");
    }

    #[test]
    fn changes_read_with_their_seats() {
        assert_eq!(from_to(("pro", 1), ("team", 1)), "from pro to team");
        assert_eq!(
            from_to(("team", 3), ("team", 5)),
            "from team × 3 to team × 5"
        );
        assert_eq!(from_to(("team", 2), ("pro", 1)), "from team × 2 to pro × 1");
        assert_eq!(label("team", 3), "team × 3");
        assert_eq!(label("pro", 1), "pro");
    }
}
