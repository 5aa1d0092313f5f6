//! `billctl completions`.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    pub shell: clap_complete::Shell,
}
