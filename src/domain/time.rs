//! Time as billctl's domain has it: UTC unix seconds, one grammar for every time flag, and the
//! calendar (days, months, RFC 3339) through jiff rather than hand-written calendar code.
//!
//! The grammar, for flags that mean a moment (`--since`, `--until`, `--from`, `--to`, `--at`,
//! `--before`): RFC 3339 (`2026-11-24T06:25:00Z`, any offset), a UTC date (`2026-11-24`, its
//! midnight), unix seconds, or an age (`7d`, `24h`, `30m`, `45s`, `2w`) before now. Flags that
//! mean a length of time (`--expires-in`, `--grace`) take a span: a number and one of those
//! units. Every moment lies between 1970-01-01 and 9999-12-31 UTC; every span within 100 years.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// The earliest moment billctl accepts: 1970-01-01T00:00:00Z.
pub const MIN: i64 = 0;
/// The latest moment billctl accepts: 9999-12-31T23:59:59Z.
pub const MAX: i64 = 253_402_300_799;
/// The longest span billctl accepts: 100 years of 365 days.
pub const MAX_SPAN: i64 = 100 * 365 * 86_400;

const FORMS: &str =
    "use RFC 3339 (2026-11-24T06:25:00Z), a date (2026-11-24), unix seconds, or an age like 7d or 24h";

/// A span given on the command line (`0` and `0s` allowed): the clap value parser of `--grace`.
pub fn span(s: &str) -> Result<i64, String> {
    parse_span(s)
}

/// A span that must be positive: the clap value parser of `--expires-in`.
pub fn positive_span(s: &str) -> Result<i64, String> {
    match parse_span(s)? {
        0 => Err(format!("invalid duration {:?}: must be positive", s.trim())),
        n => Ok(n),
    }
}

/// The moment grammar (see the module docs), with ages counted back from `now`.
pub fn parse_moment(s: &str, now: i64) -> Result<i64, String> {
    let s = s.trim();
    let starts_with_digit = s.bytes().next().is_some_and(|b| b.is_ascii_digit());
    if starts_with_digit
        && s.bytes().last().is_some_and(|b| b.is_ascii_alphabetic())
        && s.len() < 10
    {
        let age = parse_span(s)?;
        return in_range(now.checked_sub(age), s);
    }
    if s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') {
        return parse_day(s);
    }
    // Something shaped like RFC 3339 gets the reason it failed; anything else, every form.
    parse_timestamp(s).map_err(|e| {
        if s.len() >= 20 {
            e
        } else {
            format!("malformed timestamp {s:?}: {FORMS}")
        }
    })
}

/// Unix seconds, or RFC 3339 (`2026-11-24T06:25:00Z`, `...T08:25:00.5+02:00`): timestamps in
/// files and flags that take no age. Fractions of a second are dropped.
pub fn parse_timestamp(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return in_range(s.parse().ok(), s);
    }
    let bad = |why: &str| {
        format!(
            "malformed timestamp {s:?}: {why}; use RFC 3339 (2026-11-24T06:25:00Z) or unix seconds"
        )
    };
    // RFC 3339 itself, no more: a full date, `T` (or a space), a full time and `Z` or an
    // offset of at most 23:59. jiff checks the calendar and the clock.
    let b = s.as_bytes();
    if b.len() < 20 || !s.is_ascii() {
        return Err(bad("too short"));
    }
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad("expected YYYY-MM-DDTHH:MM:SS"));
    }
    match s.rfind(['+', '-']).filter(|&i| i > 18) {
        Some(i) => {
            let off = &s[i + 1..];
            let ok = off.len() == 5
                && off.as_bytes()[2] == b':'
                && off[..2].parse::<u8>().is_ok_and(|h| h <= 23)
                && off[3..].parse::<u8>().is_ok_and(|m| m <= 59);
            if !ok {
                return Err(bad("the offset must be +HH:MM or -HH:MM, at most 23:59"));
            }
        }
        None if !s.ends_with(['Z', 'z']) => {
            return Err(bad("no time zone: end with Z or an offset like +02:00"))
        }
        None => {}
    }
    // The civil date and time, then the offset: jiff's `Timestamp` stops short of the end of
    // 9999 (it leaves room for offsets), so the instant is counted from the civil time here.
    let mut civil_text = s[..19].to_string();
    civil_text.replace_range(10..11, "T");
    let civil: DateTime = civil_text.parse().map_err(|e| bad(&format!("{e}")))?;
    let zone = &s[19..];
    let zone = match zone.strip_prefix('.') {
        Some(frac) => {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return Err(bad("a fraction of a second has 1 to 9 digits"));
            }
            &frac[digits..]
        }
        None => zone,
    };
    let offset = match zone {
        "Z" | "z" => 0,
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) => {
            let secs = z[1..3].parse::<i64>().unwrap_or(0) * 3600
                + z[4..].parse::<i64>().unwrap_or(0) * 60;
            if z.starts_with('-') {
                -secs
            } else {
                secs
            }
        }
        _ => return Err(bad("expected Z or an offset like +02:00 after the time")),
    };
    let t = seconds_of(civil).and_then(|t| t.checked_sub(offset));
    in_range(t, s)
}

/// The unix second of a civil UTC date and time.
fn seconds_of(dt: DateTime) -> Option<i64> {
    dt.duration_since(epoch()).as_secs().into()
}

/// 1970-01-01T00:00:00, civil.
fn epoch() -> DateTime {
    DateTime::constant(1970, 1, 1, 0, 0, 0, 0)
}

/// A UTC day `YYYY-MM-DD` to the unix second it starts at.
pub fn parse_day(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let bad = || format!("malformed date {s:?}: use YYYY-MM-DD (a UTC day)");
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<i16>().map_err(|_| bad());
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let m = i8::try_from(m).map_err(|_| bad())?;
    let d = i8::try_from(d).map_err(|_| bad())?;
    let date = Date::new(y, m, d).map_err(|_| bad())?;
    in_range(Some(day_start(date)), s)
}

/// `YYYY-MM` to the `[start, end)` of that UTC calendar month.
pub fn parse_month(s: &str) -> Result<(i64, i64), String> {
    let s = s.trim();
    let bad = || format!("invalid month {s:?}: expected YYYY-MM, like 2026-11");
    let b = s.as_bytes();
    if b.len() != 7 || b[4] != b'-' {
        return Err(bad());
    }
    let y: i16 = s[..4].parse().map_err(|_| bad())?;
    let m: i8 = s[5..].parse().map_err(|_| bad())?;
    if !(1970..=9999).contains(&y) {
        return Err(bad());
    }
    let first = Date::new(y, m, 1).map_err(|_| bad())?;
    let next = first
        .checked_add(jiff::Span::new().months(1))
        .map_err(|_| bad())?;
    Ok((day_start(first), day_start(next)))
}

/// `ts` plus `count` Stripe price intervals (`day`, `week`, `month`, `year`) on the UTC
/// calendar (a month from January 31 is February's last day); `None` past the end of time or
/// for an unknown unit.
pub fn add_interval(ts: i64, unit: &str, count: u32) -> Option<i64> {
    let n = i64::from(count);
    let span = match unit {
        "day" => jiff::Span::new().try_days(n).ok()?,
        "week" => jiff::Span::new().try_weeks(n).ok()?,
        "month" => jiff::Span::new().try_months(n).ok()?,
        "year" => jiff::Span::new().try_years(n).ok()?,
        _ => return None,
    };
    let t = Timestamp::from_second(ts).ok()?.to_zoned(TimeZone::UTC);
    let next = t.checked_add(span).ok()?.timestamp().as_second();
    (next <= MAX).then_some(next)
}

/// `[start, end)` of the UTC calendar month containing `ts`.
pub fn month_of(ts: i64) -> (i64, i64) {
    let d = date(ts);
    parse_month(&format!("{:04}-{:02}", d.year(), d.month())).unwrap_or((ts, ts))
}

/// Spans like `90d`, `24h`, `30m`, `45s`, `2w` (and `0`) into seconds, at most 100 years.
pub fn parse_span(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if s == "0" {
        return Ok(0);
    }
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    if num.is_empty() {
        return Err(format!(
            "invalid duration {s:?}: expected a number and a unit, like 90d, 24h, 30m"
        ));
    }
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(unit_error(s, unit)),
    };
    // Digits past any integer are a number past the bound too, not a missing one.
    num.parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .filter(|v| *v <= MAX_SPAN)
        .ok_or_else(|| format!("invalid duration {s:?}: longer than 100 years"))
}

/// Why a span's unit part was refused: a fraction or an exponent before a good unit (`1.5d`,
/// `1e309d`) is a number that is not whole, not a bad unit.
fn unit_error(s: &str, unit: &str) -> String {
    let name = match unit.chars().last() {
        Some('s') => "seconds",
        Some('m') => "minutes",
        Some('h') => "hours",
        Some('d') => "days",
        Some('w') => "weeks",
        _ => "",
    };
    let number = &unit[..unit.len() - unit.chars().last().map_or(0, char::len_utf8)];
    let numeric = !number.is_empty()
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-' | '_'));
    if !name.is_empty() && numeric {
        return format!(
            "invalid duration {s:?}: the number must be a whole number of {name}, not a fraction or an exponent (a smaller unit takes the fraction: 1.5d is 36h)"
        );
    }
    format!("invalid duration {s:?}: the unit must be s, m, h, d or w")
}

/// `2026-11-24`.
pub fn utc_date(ts: i64) -> String {
    let d = date(ts);
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// `2026-11-24 06:25 UTC`.
pub fn utc_datetime(ts: i64) -> String {
    format!("{} UTC", utc_minute(ts))
}

/// A span for people, to its largest two units: `45 s`, `3 min`, `2 h 5 min`, `3 d 4 h`.
pub fn human_span(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => match s % 3600 / 60 {
            0 => format!("{} h", s / 3600),
            m => format!("{} h {m} min", s / 3600),
        },
        s => match s % 86_400 / 3600 {
            0 => format!("{} d", s / 86_400),
            h => format!("{} d {h} h", s / 86_400),
        },
    }
}

/// `2026-11-24T06:25:00.123Z` (RFC 3339, UTC, milliseconds), from unix milliseconds.
pub fn rfc3339_ms(ms: i64) -> String {
    let secs = rfc3339(ms.div_euclid(1000));
    format!("{}.{:03}Z", secs.trim_end_matches('Z'), ms.rem_euclid(1000))
}

/// `2026-11-24T06:25:00Z` (RFC 3339, UTC, whole seconds).
pub fn rfc3339(ts: i64) -> String {
    let secs = ts.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        utc_date(ts),
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// `2026-11-24 06:25`, for where the page or table already says its times are UTC.
pub fn utc_minute(ts: i64) -> String {
    let secs = ts.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}",
        utc_date(ts),
        secs / 3600,
        secs % 3600 / 60
    )
}

/// The UTC calendar date holding `ts` (clamped to the range billctl accepts), counted on the
/// civil calendar, which reaches 9999-12-31 (jiff's `Timestamp` stops a day short).
fn date(ts: i64) -> Date {
    let ts = ts.clamp(MIN, MAX);
    epoch()
        .checked_add(jiff::SignedDuration::from_secs(ts))
        .map(|dt| dt.date())
        .unwrap_or_else(|_| epoch().date())
}

/// The unix second a UTC date begins at.
fn day_start(d: Date) -> i64 {
    let epoch = Date::constant(1970, 1, 1);
    d.since((jiff::Unit::Day, epoch))
        .map(|sp| i64::from(sp.get_days()) * 86_400)
        .unwrap_or(MIN)
}

fn in_range(t: Option<i64>, s: &str) -> Result<i64, String> {
    t.filter(|t| (MIN..=MAX).contains(t)).ok_or_else(|| {
        format!("timestamp {s:?} is out of range: billctl takes 1970-01-01 to 9999-12-31 UTC")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_795_500_000; // 2026-11-24T06:00:00Z

    /// The end of 9999 is in range and prints as itself (issue 30: it printed 0000-01-01, and
    /// its last second was refused).
    #[test]
    fn the_last_day_of_9999_parses_and_prints() {
        assert_eq!(parse_moment("9999-12-31T23:59:59Z", 0), Ok(MAX));
        assert_eq!(parse_moment("9999-12-31T23:59:59.999Z", 0), Ok(MAX));
        assert_eq!(
            parse_moment("9999-12-31T23:59:59-00:01", 0).map_err(|_| ()),
            Err(())
        );
        let last_day = parse_moment("9999-12-31", 0).unwrap();
        assert_eq!(utc_date(last_day), "9999-12-31");
        assert_eq!(utc_datetime(MAX), "9999-12-31 23:59 UTC");
        assert_eq!(utc_date(MIN), "1970-01-01");
        assert_eq!(
            parse_moment("1970-01-01T00:00:00+00:01", 0).map_err(|_| ()),
            Err(())
        );
    }

    #[test]
    fn every_form_of_a_moment_means_the_same_instant() {
        assert_eq!(parse_moment("2026-11-24T06:00:00Z", 0), Ok(T));
        assert_eq!(parse_moment("2026-11-24T08:00:00.250+02:00", 0), Ok(T));
        assert_eq!(parse_moment("2026-11-24 01:00:00-05:00", 0), Ok(T));
        assert_eq!(parse_moment("1795500000", 0), Ok(T));
        assert_eq!(parse_moment("2026-11-24", 0), Ok(T - 6 * 3600));
        assert_eq!(parse_moment("7d", T), Ok(T - 7 * 86_400));
        assert_eq!(parse_moment("24h", T), Ok(T - 86_400));
        assert_eq!(parse_moment("0s", T), Ok(T));
    }

    #[test]
    fn malformed_and_out_of_range_moments_are_refused() {
        for bad in [
            "",
            "tomorrow",
            "yesterday",
            "2026-11-24T06:00:00",       // no zone
            "2026-11-24T06:00:00+99:99", // impossible offset
            "2026-11-24T06:00:00+24:00", // beyond RFC 3339's 23:59
            "2026-02-30T00:00:00Z",      // no such day
            "2026-11-24T24:00:00Z",      // no such hour
            "2026-13-01",                // no such month
            "2026-1-5",                  // not canonical
            "0000-01-01T00:00:00Z",      // before 1970
            "99999999999999",            // after 9999
            "-5",
            "5y",
        ] {
            assert!(parse_moment(bad, T).is_err(), "{bad:?} was accepted");
        }
        assert!(parse_moment("99999999999999999w", T).is_err());
        assert!(parse_moment("tomorrow", T)
            .unwrap_err()
            .contains("malformed timestamp"));
    }

    #[test]
    fn intervals_follow_the_calendar() {
        let jan31 = parse_timestamp("2026-01-31T10:00:00Z").unwrap();
        assert_eq!(
            add_interval(jan31, "month", 1),
            parse_timestamp("2026-02-28T10:00:00Z").ok()
        );
        assert_eq!(add_interval(jan31, "week", 2), Some(jan31 + 14 * 86_400));
        assert_eq!(
            add_interval(jan31, "year", 1),
            parse_timestamp("2027-01-31T10:00:00Z").ok()
        );
        assert_eq!(add_interval(MAX - 10, "day", 1), None);
        assert_eq!(add_interval(jan31, "fortnight", 1), None);
    }

    #[test]
    fn days_months_and_spans() {
        assert_eq!(parse_day("2000-02-29"), Ok(951_782_400));
        assert!(parse_day("2001-02-29").is_err());
        assert_eq!(
            parse_moment("2026-11-24T23:59:59Z", T).map(|t| t.div_euclid(86_400) * 86_400),
            Ok(T - 6 * 3600)
        );
        assert_eq!(parse_month("2026-11"), Ok((1_793_491_200, 1_796_083_200)));
        assert_eq!(
            parse_month("2026-12").unwrap().1,
            1_798_761_600,
            "into the next year"
        );
        assert_eq!(month_of(T), parse_month("2026-11").unwrap());
        assert!(parse_month("2026-13").is_err());
        assert_eq!(parse_span("90d"), Ok(90 * 86_400));
        assert_eq!(parse_span("2w"), Ok(14 * 86_400));
        assert_eq!((parse_span("0"), parse_span("0h")), (Ok(0), Ok(0)));
        assert!(parse_span("10").is_err() && parse_span("-1h").is_err());
        assert!(parse_span("36501d").is_err(), "over 100 years");
        assert_eq!(
            parse_span("99999999999999999999d"),
            Err("invalid duration \"99999999999999999999d\": longer than 100 years".into()),
            "digits past any integer name the bound"
        );
        assert!(positive_span("0s").is_err());
    }

    #[test]
    fn formats_utc() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_datetime(T), "2026-11-24 06:00 UTC");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
    }
}
