//! The `hindsight` binary: parse arguments, call the library.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a build allocates and frees millions of
/// small values (template values, strings, index entries) from both cores, and glibc's
/// malloc spent a sixth of a 10,000-postmortem build's CPU on it (BENCHMARKS.md, "What
/// was done, from the profile"). In `serve`, glibc also merged the blocks one rebuild
/// freed at the first allocation of the next edit.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    hindsight::cli::run(hindsight::cli::Cli::parse())
}
