//! Small helpers every layer may use, which know nothing of billing: text that is safe for a
//! terminal, counts with their nouns, the test builds' fault points.

pub mod faults;
pub mod plural;
pub mod text;
