//! Counts for people: digits grouped (`10,000`) and counts with their noun (`1 change`, `2 changes`, `0 changes`). Every message that
//! prints a number before the word it counts goes through here (`tests/it/messages.rs` checks
//! `src/` for one that does not); JSON carries the numbers alone and never comes here.

use std::fmt::Display;

/// A whole number that counts something.
pub trait Count: Copy + Display {
    /// Whether the noun after it is singular: exactly one.
    fn is_one(self) -> bool;
}

macro_rules! counts {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn is_one(self) -> bool {
                self == 1
            }
        }
    )*};
}
counts!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);

/// `n` and its noun: `count(1, "change", "changes")` is `1 change`, `count(0, ..)` is
/// `0 changes`.
pub fn count<N: Count>(n: N, one: &str, many: &str) -> String {
    format!("{n} {}", word(n, one, many))
}

/// As [`count`], with thousands separators: `10,000 calls`.
pub fn grouped(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", group(n), word(n, one, many))
}

/// The word alone, for a sentence that shows the number elsewhere or whose verb agrees with
/// it: `word(n, "differs", "differ")`.
pub fn word<'a, N: Count>(n: N, one: &'a str, many: &'a str) -> &'a str {
    if n.is_one() {
        one
    } else {
        many
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(0usize, "change", "changes"), "0 changes");
        assert_eq!(count(1u64, "change", "changes"), "1 change");
        assert_eq!(count(2i64, "change", "changes"), "2 changes");
        assert_eq!(count(-1i64, "day", "days"), "-1 days");
        assert_eq!(grouped(1, "call", "calls"), "1 call");
        assert_eq!(grouped(10_000, "call", "calls"), "10,000 calls");
        assert_eq!(word(1u32, "differs", "differ"), "differs");
        assert_eq!(word(3u32, "differs", "differ"), "differ");
    }
}
