//! UTC timestamps for people: `2026-11-24` and `2026-11-24 06:25 UTC`.

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's civil_from_days).
pub(crate) fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day) to days since 1970-01-01 (Howard Hinnant's days_from_civil).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from(if m > 2 { m - 3 } else { m + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

pub fn utc_date(ts: i64) -> String {
    let (y, m, d) = civil(ts.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

pub fn utc_datetime(ts: i64) -> String {
    let secs = ts.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02} UTC",
        utc_date(ts),
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc() {
        assert_eq!(super::utc_date(0), "1970-01-01");
        assert_eq!(super::utc_datetime(1_795_500_000), "2026-11-24 06:00 UTC");
        assert_eq!(super::utc_date(951_782_400), "2000-02-29");
        for days in [-1, 0, 10_957, 20_781, 2_932_896] {
            let (y, m, d) = super::civil(days);
            assert_eq!(super::days_from_civil(y, m, d), days);
        }
    }
}
