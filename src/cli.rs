//! Command-line interface: argument definitions (clap derive) and the code that turns
//! each command into library calls. All printing happens here.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the CLI is where hindsight prints"
)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::diagnostics::Diagnostics;
use crate::pipeline::{self, BuildFailure, BuildOptions};

/// hindsight: a static site generator for postmortem knowledge bases.
#[derive(Debug, Parser)]
#[command(name = "hindsight", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into public/ (atomically: a failed build leaves the previous output untouched).
    Build(BuildArgs),
}

/// `hindsight build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder, holding site.toml and content/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site [default: ROOT/public].
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Override base_url from site.toml (e.g. for a preview deployment).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include postmortems with status: draft.
    #[arg(long)]
    pub drafts: bool,
}

impl BuildArgs {
    fn run(self) -> ExitCode {
        let options = BuildOptions {
            root: self.root,
            output: self.output,
            base_url: self.base_url,
            drafts: self.drafts,
        };
        match pipeline::build(&options) {
            Ok(built) => {
                print_diagnostics(&built.warnings);
                println!(
                    "Built {} postmortem{}, {} pages in {:.2} s → {}",
                    built.postmortems,
                    plural(built.postmortems),
                    built.pages,
                    built.elapsed.as_secs_f64(),
                    built.output_dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(failure) => report_failure(&failure),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Prints diagnostics to stderr, sorted by file and line.
pub fn print_diagnostics(diagnostics: &Diagnostics) {
    if !diagnostics.is_empty() {
        eprint!("{diagnostics}");
    }
}

fn report_failure(failure: &BuildFailure) -> ExitCode {
    match failure {
        BuildFailure::Invalid(diagnostics) => {
            print_diagnostics(diagnostics);
            let errors = diagnostics.error_count();
            eprintln!(
                "error: build failed with {errors} error{}; the previous output was left as it was",
                plural(errors)
            );
        }
        BuildFailure::Fatal(err) => {
            eprintln!("error: {err}");
            eprintln!("error: build failed; the previous output was left as it was");
        }
    }
    ExitCode::from(1)
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(args) => args.run(),
    }
}
