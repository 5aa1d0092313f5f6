//! Money for people: integer minor units and a currency code to `$99.00`, `€1,234.50`,
//! `¥500`, `12.00 CHF`.

use crate::config::ZERO_DECIMAL;

/// 10000 -> "10,000".
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Formats `amount` minor units of `currency` (lower-case ISO code).
pub fn money(amount: i64, currency: &str) -> String {
    let currency = currency.to_ascii_lowercase();
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    let number = if ZERO_DECIMAL.contains(&currency.as_str()) {
        group(abs)
    } else {
        format!("{}.{:02}", group(abs / 100), abs % 100)
    };
    let symbol = match currency.as_str() {
        "usd" => Some("$"),
        "eur" => Some("€"),
        "gbp" => Some("£"),
        "jpy" => Some("¥"),
        _ => None,
    };
    match symbol {
        Some(s) => format!("{sign}{s}{number}"),
        None => format!("{sign}{number} {}", currency.to_ascii_uppercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn formats_minor_units() {
        assert_eq!(money(9900, "usd"), "$99.00");
        assert_eq!(money(500000, "usd"), "$5,000.00");
        assert_eq!(money(123450, "eur"), "€1,234.50");
        assert_eq!(money(500, "jpy"), "¥500");
        assert_eq!(money(1200, "chf"), "12.00 CHF");
        assert_eq!(money(-5, "usd"), "-$0.05");
        assert_eq!(money(0, "usd"), "$0.00");
    }
}
