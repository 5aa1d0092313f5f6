//! A customer's usage over one billing period, as the dashboard draws it: the cumulative total
//! as a step line with one step per day of use, daily bars, a projection to the period end at
//! the current rate, and the moment the quota is (or would be) reached. Pure: the days come in
//! from the store, the geometry goes out to `output`.
//!
//! Definitions:
//! - **Step line.** Flat at 0 from the period start to the first day of use. On each day of use
//!   it rises at the start of that UTC day (or at the period start, for a period that starts
//!   inside the day) to the total through that day, then stays flat. It ends at `now` (the
//!   period end, for a period that has ended).
//! - **Current rate.** Usage over the last seven UTC days, today included (fewer, when the
//!   period started later), divided by the time from their start to `now`.
//! - **Projection.** From `(now, used)` in a straight line to the period end at the current
//!   rate. None once the period has ended, or before it starts.
//! - **Quota reached.** The start of the day of use that brought the total to the quota, when
//!   it is reached already; otherwise the moment the projection crosses it, when that falls
//!   before the period end.

use serde::Serialize;

const DAY: i64 = 86_400;
/// Days the current rate is measured over.
pub const RATE_DAYS: i64 = 7;

/// When the quota is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "at", rename_all = "snake_case")]
pub enum QuotaReached {
    /// Already, on the day starting at this moment.
    Reached(i64),
    /// At this moment, at the current rate.
    Projected(i64),
}

/// The drawn series of one customer's period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub from: i64,
    pub to: i64,
    /// Where the line ends: `now` clipped to the period.
    pub end: i64,
    /// Usage per UTC day (start of the day, quantity inside the period), in day order.
    pub days: Vec<(i64, i64)>,
    /// The step line's corners, `(moment, total)`, in time order.
    pub steps: Vec<(i64, i64)>,
    pub used: i64,
    pub quota: Option<u64>,
    /// From `(end, used)` to `(to, projected)`.
    pub projection: Option<((i64, i64), (i64, i64))>,
    pub quota_reached: Option<QuotaReached>,
}

/// The series of `days` (usage per UTC day, clipped to the period `[from, to)`) as of `now`.
/// Days outside the period, after `now`, or with no usage are left out.
pub fn series(days: &[(i64, i64)], (from, to): (i64, i64), quota: Option<u64>, now: i64) -> Series {
    let end = now.clamp(from, to.max(from));
    let mut days: Vec<(i64, i64)> = days
        .iter()
        .copied()
        .filter(|&(d, q)| q != 0 && d.saturating_add(DAY) > from && d < to && d <= end)
        .collect();
    days.sort_unstable();
    let mut steps = vec![(from, 0)];
    let mut total = 0i64;
    let mut reached = None;
    for &(day, q) in &days {
        let at = day.max(from);
        steps.push((at, total));
        total = total.saturating_add(q);
        steps.push((at, total));
        if reached.is_none() && quota.is_some_and(|l| total >= 0 && total as u64 >= l) {
            reached = Some(QuotaReached::Reached(day));
        }
    }
    steps.push((end, total));
    steps.dedup();
    let projection = (now >= from && now < to).then(|| {
        let start = (end.div_euclid(DAY) - (RATE_DAYS - 1)) * DAY;
        let start = start.max(from);
        let recent: i64 = days
            .iter()
            .filter(|&&(d, _)| d.saturating_add(DAY) > start)
            .map(|&(_, q)| q)
            .fold(0i64, i64::saturating_add);
        let elapsed = (end - start).max(1);
        let more = i128::from(recent) * i128::from(to - end) / i128::from(elapsed);
        let projected = i64::try_from(i128::from(total) + more).unwrap_or(i64::MAX);
        ((end, total), (to, projected))
    });
    if reached.is_none() {
        if let (Some(limit), Some(((t0, v0), (t1, v1)))) = (quota, projection) {
            let limit = i128::from(limit);
            if i128::from(v1) >= limit && v1 > v0 {
                // The crossing of the straight projection, rounded up to the second.
                let num = (limit - i128::from(v0)) * i128::from(t1 - t0);
                let den = i128::from(v1 - v0);
                let at = i128::from(t0) + (num + den - 1) / den;
                if let Ok(at) = i64::try_from(at) {
                    if at < to {
                        reached = Some(QuotaReached::Projected(at.max(t0)));
                    }
                }
            }
        }
    }
    Series {
        from,
        to,
        end,
        days,
        steps,
        used: total,
        quota,
        projection,
        quota_reached: reached,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV: i64 = 1_793_491_200; // 2026-11-01
    const DEC: i64 = NOV + 30 * DAY;

    #[test]
    fn all_use_on_the_last_day_is_flat_then_one_step_then_ends_at_now() {
        let now = DEC - DAY + 12 * 3_600; // 2026-11-30 12:00
        let s = series(&[(DEC - DAY, 378_000)], (NOV, DEC), Some(100_000), now);
        assert_eq!(
            s.steps,
            [
                (NOV, 0),
                (DEC - DAY, 0),
                (DEC - DAY, 378_000),
                (now, 378_000)
            ]
        );
        assert_eq!(s.quota_reached, Some(QuotaReached::Reached(DEC - DAY)));
        // The rate: 378,000 over the seven days' 6.5 days, for the half day left.
        let ((t0, v0), (t1, v1)) = s.projection.unwrap();
        assert_eq!((t0, v0, t1), (now, 378_000, DEC));
        assert_eq!(v1, 378_000 + 378_000 * (DAY / 2) / (6 * DAY + DAY / 2));
    }

    #[test]
    fn the_projection_crosses_the_quota_at_the_current_rate() {
        // 1,000 a day for ten days, now at the end of day ten: 10,000 used of 20,000; the
        // rate over the last seven days is 1,000 a day, so the quota falls ten days on.
        let days: Vec<(i64, i64)> = (0..10).map(|i| (NOV + i * DAY, 1_000)).collect();
        let now = NOV + 10 * DAY - 1;
        let s = series(&days, (NOV, DEC), Some(20_000), now);
        assert_eq!(s.used, 10_000);
        // The first day's rise starts where the line starts: one corner fewer.
        assert_eq!(s.steps.len(), 2 * 10 + 1);
        assert_eq!(&s.steps[..3], &[(NOV, 0), (NOV, 1_000), (NOV + DAY, 1_000)]);
        let reached = match s.quota_reached {
            Some(QuotaReached::Projected(t)) => t,
            other => panic!("{other:?}"),
        };
        assert!((reached - (NOV + 20 * DAY)).abs() <= 2, "{reached}");
        // Unlimited, or a quota above the projection: never reached.
        assert_eq!(series(&days, (NOV, DEC), None, now).quota_reached, None);
        assert_eq!(
            series(&days, (NOV, DEC), Some(1_000_000), now).quota_reached,
            None
        );
    }

    #[test]
    fn ended_and_future_periods_draw_no_projection() {
        let days = [(NOV + DAY, 5)];
        let ended = series(&days, (NOV, DEC), Some(10), DEC + 5 * DAY);
        assert_eq!(ended.end, DEC);
        assert_eq!(ended.projection, None);
        assert_eq!(ended.steps.last(), Some(&(DEC, 5)));
        let future = series(&[], (DEC, DEC + 31 * DAY), Some(10), NOV);
        assert_eq!(future.steps, [(DEC, 0)]);
        assert_eq!(future.projection, None);
    }

    #[test]
    fn a_period_starting_inside_a_day_steps_at_its_start_and_overflow_is_saturated() {
        let from = NOV + 15 * 3_600;
        let s = series(
            &[(NOV, 7), (NOV + DAY, i64::MAX)],
            (from, DEC),
            None,
            NOV + DAY + 60,
        );
        assert_eq!(&s.steps[..3], &[(from, 0), (from, 7), (NOV + DAY, 7)]);
        assert_eq!(s.used, i64::MAX);
        assert_eq!(s.projection.unwrap().1 .1, i64::MAX);
    }
}
