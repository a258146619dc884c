//! The `hindsight` binary: parse arguments, call the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    hindsight::cli::run(hindsight::cli::Cli::parse())
}
