//! `doctor`'s verdicts at their edges.

use super::store::disk_verdict;
use super::stripe::clock_check;
use super::*;

#[test]
fn disk_and_clock_verdicts_have_their_three_outcomes() {
    let d = std::path::Path::new("/data");
    let gib = 1u64 << 30;
    assert_eq!(disk_verdict(50 * gib, 100 * gib, d).outcome, Outcome::Ok);
    assert_eq!(
        disk_verdict(gib / 2, 10 * gib, d).outcome,
        Outcome::Warn,
        "under 1 GiB"
    );
    assert_eq!(
        disk_verdict(3 * gib, 100 * gib, d).outcome,
        Outcome::Warn,
        "3%"
    );
    assert_eq!(disk_verdict(50 << 20, 100 * gib, d).outcome, Outcome::Fail);
    assert_eq!(
        disk_verdict(5 * gib, 1000 * gib, d).outcome,
        Outcome::Fail,
        "0.5%"
    );
    assert_eq!(clock_check(Some(-3)).outcome, Outcome::Ok);
    assert_eq!(clock_check(Some(30)).outcome, Outcome::Warn);
    assert_eq!(clock_check(Some(-600)).outcome, Outcome::Fail);
    assert_eq!(clock_check(None).outcome, Outcome::Skipped);
}

#[test]
fn spans_read_as_people_say_them() {
    assert_eq!(crate::domain::time::human_span(45), "45 s");
    assert_eq!(crate::domain::time::human_span(7_500), "2 h 5 min");
    assert_eq!(
        crate::domain::time::human_span(3 * 86_400 + 4 * 3600),
        "3 d 4 h"
    );
}
