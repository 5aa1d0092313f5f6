//! The usage workflows, one file per command: `usage import` (`import.rs`), `usage report`
//! (`report.rs`), `usage sync` (`sync.rs`) and `usage conflicts` (`conflicts.rs`).

pub mod conflicts;
pub mod import;
pub mod report;
pub mod sync;
