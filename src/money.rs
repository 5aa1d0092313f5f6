//! Money for people: integer minor units and a currency code to `$99.00`, `€1,234.50`,
//! `¥500`, `12.00 CHF`.

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

/// A movement of money with its direction: `+$5.00` in, `-$5.00` out, and zero unsigned
/// (`$0.00`, never `-$0.00`): the one formatter of a signed amount, for the terminal and the
/// HTML pages alike.
pub fn signed(delta: i64, currency: &str) -> String {
    match delta {
        0 => money(0, currency),
        d if d > 0 => format!("+{}", money(d, currency)),
        d => money(d, currency),
    }
}

/// Three-letter currency codes Stripe accepts for prices.
/// See <https://docs.stripe.com/currencies>.
pub const CURRENCIES: &[&str] = &[
    "usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd",
    "bdt", "bgn", "bhd", "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad",
    "cdf", "chf", "clp", "cny", "cop", "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp",
    "etb", "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl",
    "htg", "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr", "kmf",
    "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd",
    "mmk", "mnt", "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok",
    "npr", "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd",
    "rub", "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sos", "srd", "std", "szl",
    "thb", "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "uyu", "uzs", "vnd",
    "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw",
];

/// Currencies without a minor unit: amounts are whole units.
pub const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

/// The largest unit_amount Stripe accepts (eight digits).
pub const MAX_AMOUNT: i64 = 99_999_999;

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

    #[test]
    fn a_movement_is_signed_and_zero_is_not() {
        use super::signed;
        assert_eq!(signed(500, "usd"), "+$5.00");
        assert_eq!(signed(-500, "usd"), "-$5.00");
        assert_eq!(signed(0, "usd"), "$0.00");
        assert_eq!(signed(-1200, "chf"), "-12.00 CHF");
        assert_eq!(signed(i64::MIN, "jpy"), "-¥9,223,372,036,854,775,808");
    }
}
