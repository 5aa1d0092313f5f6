//! Money for people: integer minor units and a currency code to `$99.00`, `€1,234.50`,
//! `¥500`, `12.00 CHF`.

pub use crate::util::plural::group;

/// Formats `amount` minor units of `currency` (lower-case ISO code) with the digits after
/// the point that [`exponent`] gives it: `$99.00`, `¥500`, `5.120 KWD`, `5 ISK` (sent as 500).
/// A currency Stripe does not list gets two decimals.
pub fn money(amount: i64, currency: &str) -> String {
    let currency = currency.to_ascii_lowercase();
    let sign = if amount < 0 { "-" } else { "" };
    let number = major(amount.unsigned_abs(), exponent(&currency).unwrap_or(TWO));
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

/// `abs` minor units as a grouped number in major units: `minor` digits after the point,
/// trailing zeros dropped down to `shown` (so ISK's 500 is `5`, and a stray 545 still `5.45`).
fn major(abs: u64, e: Exponent) -> String {
    let unit = 10u64.pow(e.minor);
    let (mut frac, mut digits) = (abs % unit, e.minor);
    while digits > e.shown && frac % 10 == 0 {
        frac /= 10;
        digits -= 1;
    }
    match digits {
        0 => group(abs / unit),
        d => format!("{}.{frac:0w$}", group(abs / unit), w = d as usize),
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

/// How Stripe counts a currency's amounts: the one table every formatter, parser and check
/// reads (through [`exponent`]). See <https://docs.stripe.com/currencies>.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exponent {
    /// Digits after the point in Stripe's integer amounts: 10^minor of them make one unit.
    pub minor: u32,
    /// Digits after the point people see (ISO 4217's minor unit where Stripe agrees).
    pub shown: u32,
    /// Stripe takes only multiples of this: 10 for three-decimal currencies (the last digit
    /// must be 0), 100 for ISK and UGX (whole units sent with two decimals), else 1.
    pub step: i64,
}

/// Two decimals, the rule for every currency Stripe does not list as an exception.
pub const TWO: Exponent = Exponent {
    minor: 2,
    shown: 2,
    step: 1,
};

/// Stripe's classes of currency. HUF and TWD are two-decimal for charges and prices (Stripe
/// treats them as zero-decimal for payouts only, which billctl never makes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Two,
    /// Stripe's zero-decimal list.
    Zero,
    /// Stripe's three-decimal list: amounts in thousandths, ending in 0.
    Three,
    /// Stripe's special cases ISK and UGX: whole units, sent with two decimals (500 is 5 ISK),
    /// so amounts are multiples of 100.
    WholeSentAsTwo,
}

use Class::{Three, Two, WholeSentAsTwo as Whole, Zero};

/// Every currency Stripe accepts for prices, with its class.
#[rustfmt::skip]
const CURRENCIES: &[(&str, Class)] = &[
    ("usd", Two), ("aed", Two), ("afn", Two), ("all", Two), ("amd", Two), ("ang", Two),
    ("aoa", Two), ("ars", Two), ("aud", Two), ("awg", Two), ("azn", Two), ("bam", Two),
    ("bbd", Two), ("bdt", Two), ("bgn", Two), ("bhd", Three), ("bif", Zero), ("bmd", Two),
    ("bnd", Two), ("bob", Two), ("brl", Two), ("bsd", Two), ("bwp", Two), ("byn", Two),
    ("bzd", Two), ("cad", Two), ("cdf", Two), ("chf", Two), ("clp", Zero), ("cny", Two),
    ("cop", Two), ("crc", Two), ("cve", Two), ("czk", Two), ("djf", Zero), ("dkk", Two),
    ("dop", Two), ("dzd", Two), ("egp", Two), ("etb", Two), ("eur", Two), ("fjd", Two),
    ("fkp", Two), ("gbp", Two), ("gel", Two), ("gip", Two), ("gmd", Two), ("gnf", Zero),
    ("gtq", Two), ("gyd", Two), ("hkd", Two), ("hnl", Two), ("htg", Two), ("huf", Two),
    ("idr", Two), ("ils", Two), ("inr", Two), ("isk", Whole), ("jmd", Two), ("jod", Three),
    ("jpy", Zero), ("kes", Two), ("kgs", Two), ("khr", Two), ("kmf", Zero), ("krw", Zero),
    ("kwd", Three), ("kyd", Two), ("kzt", Two), ("lak", Two), ("lbp", Two), ("lkr", Two),
    ("lrd", Two), ("lsl", Two), ("mad", Two), ("mdl", Two), ("mga", Zero), ("mkd", Two),
    ("mmk", Two), ("mnt", Two), ("mop", Two), ("mur", Two), ("mvr", Two), ("mwk", Two),
    ("mxn", Two), ("myr", Two), ("mzn", Two), ("nad", Two), ("ngn", Two), ("nio", Two),
    ("nok", Two), ("npr", Two), ("nzd", Two), ("omr", Three), ("pab", Two), ("pen", Two),
    ("pgk", Two), ("php", Two), ("pkr", Two), ("pln", Two), ("pyg", Zero), ("qar", Two),
    ("ron", Two), ("rsd", Two), ("rub", Two), ("rwf", Zero), ("sar", Two), ("sbd", Two),
    ("scr", Two), ("sek", Two), ("sgd", Two), ("shp", Two), ("sle", Two), ("sos", Two),
    ("srd", Two), ("std", Two), ("szl", Two), ("thb", Two), ("tjs", Two), ("tnd", Three),
    ("top", Two), ("try", Two), ("ttd", Two), ("twd", Two), ("tzs", Two), ("uah", Two),
    ("ugx", Whole), ("uyu", Two), ("uzs", Two), ("vnd", Zero), ("vuv", Zero), ("wst", Two),
    ("xaf", Zero), ("xcd", Two), ("xof", Zero), ("xpf", Zero), ("yer", Two), ("zar", Two),
    ("zmw", Two),
];

/// How Stripe counts amounts of `currency` (lower-case ISO code); `None` for one Stripe does
/// not take for prices.
pub fn exponent(currency: &str) -> Option<Exponent> {
    let class = CURRENCIES.iter().find(|(c, _)| *c == currency)?.1;
    Some(match class {
        Two => TWO,
        Zero => Exponent {
            minor: 0,
            shown: 0,
            step: 1,
        },
        Three => Exponent {
            minor: 3,
            shown: 3,
            step: 10,
        },
        Whole => Exponent {
            minor: 2,
            shown: 0,
            step: 100,
        },
    })
}

/// Every currency code [`exponent`] knows, in the table's order.
pub fn currencies() -> impl Iterator<Item = &'static str> {
    CURRENCIES.iter().map(|(c, _)| *c)
}

/// Why Stripe would refuse `amount` minor units of `currency`: not a multiple of its step
/// (a three-decimal amount not ending in 0, ISK or UGX not in whole units).
pub fn refusal(amount: i64, currency: &str) -> Option<String> {
    let e = exponent(currency)?;
    (amount % e.step != 0).then(|| {
        let up = currency.to_ascii_uppercase();
        let below = amount - amount % e.step;
        // The amount above is offered only when Stripe would take it (99999999 BHD has none).
        let examples = match below + e.step {
            above if above <= MAX_AMOUNT => format!("{below} or {above}"),
            _ => below.to_string(),
        };
        match e.minor {
            3 => format!("{amount} is not a whole number of hundredths of {up}: Stripe requires amounts in three-decimal currencies to end in 0 (for example {examples})"),
            _ => format!("{amount} is not a whole number of {up}: Stripe takes {up} in whole units written with two decimals (for example {} for {} {up})", amount - amount % 100, amount / 100),
        }
    })
}

/// The largest unit_amount Stripe accepts (eight digits).
pub const MAX_AMOUNT: i64 = 99_999_999;

#[cfg(test)]
mod tests {
    use super::{currencies, exponent, money, refusal, signed};

    /// A refusal's examples are amounts Stripe takes: at the top of the range only the one
    /// below (a hostile review: 99999999 BHD suggested 100000000).
    #[test]
    fn a_refusal_suggests_only_amounts_in_range() {
        let top = refusal(super::MAX_AMOUNT, "bhd").unwrap();
        assert!(top.contains("(for example 99999990)"), "{top}");
        assert!(!top.contains("100000000"), "{top}");
        let mid = refusal(5125, "kwd").unwrap();
        assert!(mid.contains("(for example 5120 or 5130)"), "{mid}");
        let whole = refusal(super::MAX_AMOUNT, "isk").unwrap();
        assert!(
            whole.contains("99999900") && !whole.contains("100000000"),
            "{whole}"
        );
    }

    #[test]
    fn formats_minor_units() {
        assert_eq!(money(9900, "usd"), "$99.00");
        assert_eq!(money(500000, "usd"), "$5,000.00");
        assert_eq!(money(123450, "eur"), "€1,234.50");
        assert_eq!(money(500, "jpy"), "¥500");
        assert_eq!(money(1200, "chf"), "12.00 CHF");
        assert_eq!(money(-5, "usd"), "-$0.05");
        assert_eq!(money(0, "usd"), "$0.00");
        assert_eq!(money(5120, "unknown"), "51.20 UNKNOWN");
    }

    /// Every currency class times every formatter of major units: `money` (tables, pages,
    /// prompts) and `signed` (movements). CSV and JSON carry minor units, so they have no row
    /// here; `no_minor_unit_arithmetic_outside_money_rs` keeps every other formatter on these two.
    #[test]
    fn every_class_of_currency_through_every_formatter() {
        type Formatter = fn(i64, &str) -> String;
        let formatters: [(&str, Formatter); 2] = [("money", money), ("signed", signed)];
        // (amount, currency, money, signed)
        let rows = [
            (5120, "kwd", "5.120 KWD", "+5.120 KWD"),
            (-5120, "kwd", "-5.120 KWD", "-5.120 KWD"),
            (1234560, "bhd", "1,234.560 BHD", "+1,234.560 BHD"),
            (10, "jod", "0.010 JOD", "+0.010 JOD"),
            (5, "omr", "0.005 OMR", "+0.005 OMR"),
            (0, "tnd", "0.000 TND", "0.000 TND"),
            (500, "jpy", "¥500", "+¥500"),
            (500, "krw", "500 KRW", "+500 KRW"),
            (500, "mga", "500 MGA", "+500 MGA"),
            (500, "isk", "5 ISK", "+5 ISK"),
            (545, "isk", "5.45 ISK", "+5.45 ISK"),
            (100000, "ugx", "1,000 UGX", "+1,000 UGX"),
            (1045, "huf", "10.45 HUF", "+10.45 HUF"),
            (80045, "twd", "800.45 TWD", "+800.45 TWD"),
            (9900, "usd", "$99.00", "+$99.00"),
            (9900, "EUR", "€99.00", "+€99.00"),
        ];
        for (amount, currency, want_money, want_signed) in rows {
            for ((name, f), want) in formatters.iter().zip([want_money, want_signed]) {
                assert_eq!(f(amount, currency), want, "{name}({amount}, {currency})");
            }
        }
    }

    /// Stripe's lists, as <https://docs.stripe.com/currencies> gives them.
    const STRIPE_ZERO_DECIMAL: [&str; 16] = [
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
        "xaf", "xof", "xpf",
    ];
    const STRIPE_THREE_DECIMAL: [&str; 5] = ["bhd", "jod", "kwd", "omr", "tnd"];

    /// The one table against ISO 4217 (the iso_currency crate) and Stripe's lists. Where
    /// they differ, the row says why; a new currency, or a changed ISO exponent, fails here.
    #[test]
    fn the_exponent_table_is_iso_4217_except_where_stripe_says_otherwise() {
        // (currency, what Stripe does instead of ISO's exponent)
        let differ: [(&str, &str); 3] = [
            // Stripe's zero-decimal list; ISO 4217 gives the ariary 2 (iraimbilanja).
            ("mga", "zero-decimal at Stripe, ISO 2"),
            // ISO 0, but Stripe's special case: whole units sent with two decimals (x100).
            ("isk", "whole units sent x100"),
            // Stripe lists UGX as zero-decimal *and*, under special cases, as sent with two
            // decimals; billctl follows the special case (whole units sent x100).
            ("ugx", "whole units sent x100"),
        ];
        // Retired codes Stripe still takes (ANG became XCG, STD became STN): not in ISO 4217.
        let retired = ["ang", "std"];
        for c in currencies() {
            let e = exponent(c).unwrap();
            let stripe_zero = STRIPE_ZERO_DECIMAL.contains(&c);
            let stripe_three = STRIPE_THREE_DECIMAL.contains(&c);
            match c {
                "isk" | "ugx" => assert_eq!((e.minor, e.shown, e.step), (2, 0, 100), "{c}"),
                _ if stripe_three => assert_eq!((e.minor, e.shown, e.step), (3, 3, 10), "{c}"),
                _ if stripe_zero => assert_eq!((e.minor, e.shown, e.step), (0, 0, 1), "{c}"),
                _ => assert_eq!(e, super::TWO, "{c}"),
            }
            let iso = iso_currency::Currency::from_code(&c.to_ascii_uppercase());
            let Some(iso) = iso else {
                assert!(
                    retired.contains(&c),
                    "{c} is not in ISO 4217: add why to the table"
                );
                continue;
            };
            let iso_exp = iso.exponent().map(u32::from);
            let explained = differ.iter().any(|(d, _)| *d == c);
            let same = iso_exp == Some(e.shown) && iso_exp == Some(e.minor);
            assert_eq!(
                !same, explained,
                "{c}: ISO 4217 says {iso_exp:?}, billctl counts {} and shows {} digits",
                e.minor, e.shown
            );
        }
        for c in STRIPE_ZERO_DECIMAL.iter().chain(&STRIPE_THREE_DECIMAL) {
            assert!(
                exponent(c).is_some(),
                "Stripe's list has {c}; the table lacks it"
            );
        }
        assert_eq!(exponent("usx"), None);
    }

    #[test]
    fn amounts_stripe_refuses_are_named() {
        for (amount, currency, refused) in [
            (5120, "kwd", false),
            (5125, "kwd", true),
            (1, "tnd", true),
            (0, "bhd", false),
            (500, "isk", false),
            (550, "isk", true),
            (1001, "ugx", true),
            (1001, "usd", false),
            (7, "jpy", false),
            (1045, "huf", false),
        ] {
            assert_eq!(
                refusal(amount, currency).is_some(),
                refused,
                "{amount} {currency}"
            );
        }
        let why = refusal(5125, "kwd").unwrap();
        assert!(
            why.contains("5120 or 5130") && why.contains("end in 0"),
            "{why}"
        );
    }

    /// The class of formatters of money: amounts in minor units become text only through
    /// `money`/`signed` here. A file in src/ that divides or takes the remainder of an amount by
    /// 100 or 1000, or keeps a list of zero-decimal currencies, fails (list it below only if
    /// it is not money).
    #[test]
    fn no_minor_unit_arithmetic_outside_money_rs() {
        // Files whose `/ 1000` is milliseconds, not money.
        let not_money = [
            "ops/webhooks/listen.rs",
            "adapters/stripe/send.rs",
            "api/listen.rs",
            "ops/doctor/store.rs",
            "output/webhooks.rs",
            "output/usage.rs",
        ];
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![src.clone()];
        let mut offenders = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let rel = path
                    .strip_prefix(&src)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if rel == "domain/money.rs" || path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    let hit = ["/ 100", "% 100", "/100", "%100"].iter().any(|p| {
                        code.match_indices(p).any(|(at, m)| {
                            let rest = &code[at + m.len()..];
                            let millis = rest.starts_with('0') && not_money.contains(&rel.as_str());
                            !rest.starts_with('.') && !millis
                        })
                    }) || code.contains("ZERO_DECIMAL");
                    if hit {
                        offenders.push(format!("src/{rel}:{}: {}", i + 1, line.trim()));
                    }
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "format money with crate::domain::money::money:\n{}",
            offenders.join("\n")
        );
    }
}
