//! The usage workflows, one file per command: `usage import` (`import.rs`), `usage report`
//! (`report.rs`) and `usage sync` (`sync.rs`).

pub mod import;
pub mod report;
pub mod sync;
