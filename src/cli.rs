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

/// `println!` with control characters escaped ([`crate::text::for_terminal`]): every line
/// hindsight prints goes through these, so a file name cannot send escape sequences.
macro_rules! say {
    () => { println!() };
    ($($arg:tt)*) => { println!("{}", crate::text::for_terminal(&format!($($arg)*))) };
}

/// `eprintln!` with control characters escaped.
macro_rules! tell {
    ($($arg:tt)*) => { eprintln!("{}", crate::text::for_terminal(&format!($($arg)*))) };
}

/// `print!` with control characters escaped.
macro_rules! say_raw {
    ($($arg:tt)*) => { print!("{}", crate::text::for_terminal(&format!($($arg)*))) };
}

/// A JSON document on stdout, its unprintable characters written as JSON escapes.
macro_rules! say_json {
    ($json:expr) => {
        println!("{}", crate::text::json_for_terminal(&$json))
    };
}

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
    /// Build, serve and watch the site; open tabs reload on every save.
    Serve(ServeArgs),
    /// Check every postmortem without writing anything: the build's errors, plus warnings.
    Check(CheckArgs),
    /// Write a new postmortem from the archetype, front matter filled in.
    New(NewArgs),
    /// Scaffold a knowledge base: site.toml, an example, a GitHub Pages workflow.
    Init(InitArgs),
    /// Turn freeform postmortems (Markdown or text) into hindsight postmortems.
    Import(ImportArgs),
    /// Print the insights figures (MTTx by root cause, service and severity; recurring causes; trends).
    Stats(StatsArgs),
}

/// `hindsight serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site folder, holding site.toml and content/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Address to listen on; anything but 127.0.0.1 exposes the preview to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub interface: std::net::IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Who the site is for: `public` leaves out internal postmortems and internal blocks
    /// (and warns about personal data); the default is the complete, internal site.
    #[arg(long, value_enum, default_value_t = AudienceArg::Internal)]
    pub audience: AudienceArg,
}

impl ServeArgs {
    fn run(self) -> anyhow::Result<ExitCode> {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};

        let shutdown = Arc::new(AtomicBool::new(false));
        let flag = shutdown.clone();
        ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed))?;
        let options = crate::serve::ServeOptions {
            root: self.root,
            interface: self.interface,
            port: self.port,
            audience: self.audience.into(),
        };
        let open = self.open;
        crate::serve::serve(&options, shutdown, &|event| print_serve_event(&event, open))?;
        say!("Stopped.");
        Ok(ExitCode::SUCCESS)
    }
}

fn print_serve_event(event: &crate::serve::ServeEvent<'_>, open: bool) {
    use crate::serve::ServeEvent;
    match event {
        ServeEvent::Listening {
            url,
            postmortems,
            elapsed,
        } => {
            say!(
                "Built {postmortems} postmortem{} (drafts included) in {:.2} s",
                plural(*postmortems),
                elapsed.as_secs_f64()
            );
            say!("Serving at {url} — edit and save, open tabs reload. Ctrl-C stops.");
            if open {
                open_browser(url);
            }
        }
        ServeEvent::Rebuilt {
            update,
            elapsed,
            first,
        } => {
            print_diagnostics(&update.warnings);
            if update.changed.is_empty() && update.removed.is_empty() {
                return;
            }
            say!(
                "Rebuilt {} file{}{} in {} ms{}",
                update.changed.len() + update.removed.len(),
                plural(update.changed.len() + update.removed.len()),
                if update.full { " (full)" } else { "" },
                elapsed.as_millis(),
                first.map_or_else(String::new, |first| format!(
                    " (the edited page first, in {} ms)",
                    first.as_millis()
                ))
            );
        }
        ServeEvent::Indexed { pages, elapsed } => {
            say!(
                "Search index updated: {pages} postmortem{} in {} ms (in the background)",
                plural(*pages),
                elapsed.as_millis()
            );
        }
        ServeEvent::Failed { diagnostics, fatal } => {
            if let Some(diagnostics) = diagnostics {
                print_diagnostics(diagnostics);
            }
            if let Some(fatal) = fatal {
                tell!("error: {fatal}");
            }
            tell!("The last good version is still served; fix the file and save.");
        }
    }
}

/// Best effort: a missing opener is not an error, the URL is printed anyway.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        tell!("warning: could not start {opener}; open {url} yourself");
    }
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
    /// Skip the search index: no pagefind/ folder, /search/ says search is unavailable.
    #[arg(long)]
    pub no_search: bool,
    /// Who the site is for: `public` leaves out internal postmortems and internal blocks
    /// (and warns about personal data); the default is the complete, internal site.
    #[arg(long, value_enum, default_value_t = AudienceArg::Internal)]
    pub audience: AudienceArg,
}

impl BuildArgs {
    fn run(self) -> ExitCode {
        let options = BuildOptions {
            root: self.root,
            output: self.output,
            base_url: self.base_url,
            drafts: self.drafts,
            search: !self.no_search,
            audience: self.audience.into(),
        };
        match pipeline::build(&options) {
            Ok(built) => {
                print_diagnostics(&built.warnings);
                say!(
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
        eprint!("{}", crate::text::for_terminal(&diagnostics.to_string()));
    }
}

fn report_failure(failure: &BuildFailure) -> ExitCode {
    match failure {
        BuildFailure::Invalid(diagnostics) => {
            print_diagnostics(diagnostics);
            let errors = diagnostics.error_count();
            tell!(
                "error: build failed with {errors} error{}; the previous output was left as it was",
                plural(errors)
            );
        }
        BuildFailure::Fatal(err) => {
            tell!("error: {err}");
            tell!("error: build failed; the previous output was left as it was");
        }
    }
    ExitCode::from(1)
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(args) => args.run(),
        Command::Check(args) => args.run(),
        Command::New(args) => args.run(),
        Command::Init(args) => args.run(),
        Command::Import(args) => args.run(),
        Command::Stats(args) => args.run(),
        Command::Serve(args) => args.run().unwrap_or_else(|err| {
            tell!("error: {err:#}");
            ExitCode::from(1)
        }),
    }
}

/// `--audience`: who the site is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AudienceArg {
    /// The complete library, internal postmortems and blocks included.
    Internal,
    /// Only `audience: public` postmortems, without their internal blocks.
    Public,
}

impl From<AudienceArg> for crate::audience::Audience {
    fn from(arg: AudienceArg) -> Self {
        match arg {
            AudienceArg::Internal => Self::Internal,
            AudienceArg::Public => Self::Public,
        }
    }
}

/// How `check` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Compiler-style lines on stderr and a summary line on stdout.
    Text,
    /// One JSON document on stdout: {diagnostics: [{level, file, line, col, message, help}], errors, warnings}.
    Json,
    /// GitHub Actions workflow commands on stdout (`::error file=…,line=…,col=…::…`), one
    /// per diagnostic, so each shows on its line of a pull request; the summary on stderr.
    Github,
}

/// `hindsight check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site folder, holding site.toml and content/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Exit 1 on warnings too, not only on errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Who the site is for: `public` leaves out internal postmortems and internal blocks
    /// (and warns about personal data); the default is the complete, internal site.
    #[arg(long, value_enum, default_value_t = AudienceArg::Internal)]
    pub audience: AudienceArg,
}

impl CheckArgs {
    fn run(self) -> ExitCode {
        let report = pipeline::check(&self.root, self.audience.into(), jiff::Timestamp::now());
        match self.format {
            CheckFormat::Text => {
                print_diagnostics(&report.diagnostics);
                say!("{}", report.summary());
            }
            CheckFormat::Json => say_json!(report.to_json()),
            CheckFormat::Github => {
                print!("{}", report.to_github(&repository_relative(&self.root)));
                eprintln!("{}", report.summary());
            }
        }
        if report.fails(self.deny_warnings) {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// The site folder as a path from the current directory (the repository root in CI),
/// for `--format github`: GitHub matches annotations to files by that path.
fn repository_relative(root: &std::path::Path) -> PathBuf {
    if root.is_absolute()
        && let Ok(cwd) = std::env::current_dir()
        && let Ok(rel) = root.strip_prefix(&cwd)
    {
        return rel.to_path_buf();
    }
    root.to_path_buf()
}

/// `hindsight new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The postmortem's title; the file name is made from it.
    pub title: String,
    /// The site folder, holding site.toml and content/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The incident's date, YYYY-MM-DD [default: today in the site's time zone].
    #[arg(long, value_parser = parse_date_arg)]
    pub date: Option<jiff::civil::Date>,
    /// An affected service; repeat it for several.
    #[arg(long = "service", value_name = "SERVICE")]
    pub services: Vec<String>,
    /// The root cause: a key of `[root_causes]` in site.toml.
    #[arg(long)]
    pub root_cause: Option<String>,
    /// The severity, one of site.toml's severities [default: the least severe].
    #[arg(long)]
    pub severity: Option<String>,
}

fn parse_date_arg(text: &str) -> Result<jiff::civil::Date, String> {
    crate::content::time::parse_date(text).map_err(|err| format!("{} ({})", err.message, err.help))
}

impl NewArgs {
    fn run(self) -> ExitCode {
        let options = crate::scaffold::NewOptions {
            root: self.root,
            title: self.title,
            date: self.date,
            services: self.services,
            root_cause: self.root_cause,
            severity: self.severity,
        };
        match crate::scaffold::new_postmortem(&options, jiff::Timestamp::now()) {
            Ok(created) => {
                print_diagnostics(&created.warnings);
                for default in &created.defaults {
                    tell!("note: {default}");
                }
                // The path alone on stdout, so `$EDITOR "$(hindsight new ...)"` works.
                say!("{}", created.path.display());
                ExitCode::SUCCESS
            }
            Err(failure) => report_scaffold_failure(&failure),
        }
    }
}

fn report_scaffold_failure(failure: &crate::scaffold::ScaffoldFailure) -> ExitCode {
    use crate::scaffold::ScaffoldFailure;
    match failure {
        ScaffoldFailure::Invalid(diagnostics) => print_diagnostics(diagnostics),
        ScaffoldFailure::Exists { help, .. } => {
            tell!("error: {failure}");
            tell!("  help: {help}");
        }
        ScaffoldFailure::NotEmpty { entries, .. } => {
            tell!("error: {failure} (it holds {})", entries.join(", "));
            tell!(
                "  help: run init in an empty or new folder, or pass --force to add the missing files (existing files are never replaced)"
            );
        }
        ScaffoldFailure::Fatal(err) => tell!("error: {err}"),
    }
    ExitCode::from(1)
}

/// `hindsight init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to scaffold; created when missing.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Scaffold a folder that is not empty; existing files are still never replaced.
    #[arg(long)]
    pub force: bool,
}

impl InitArgs {
    fn run(self) -> ExitCode {
        let options = crate::scaffold::InitOptions {
            dir: self.dir,
            force: self.force,
        };
        let today = jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        match crate::scaffold::init(&options, today) {
            Ok(done) => {
                for path in &done.created {
                    say!("created {}", path.display());
                }
                for path in &done.skipped {
                    say!("skipped {} (it exists; left as it was)", path.display());
                }
                let dir = options.dir.display();
                say!();
                say!("Next:");
                say!(
                    "  hindsight serve --root {dir}             preview at http://127.0.0.1:1111/"
                );
                say!("  hindsight new \"What broke\" --root {dir}  write a postmortem");
                say!(
                    "  set HINDSIGHT_GIT in .github/workflows/pages.yml, push to GitHub, and choose \"GitHub Actions\" as the Pages source"
                );
                ExitCode::SUCCESS
            }
            Err(failure) => report_scaffold_failure(&failure),
        }
    }
}

/// How `import` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// A block per document: each value with its line and quote, each field left out with
    /// why.
    Text,
    /// The same as one JSON document, for tools.
    Json,
}

/// `hindsight import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files to import, or folders whose files are all imported (sorted, not recursive).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The site folder: its root causes guide the import.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the postmortems [default: ROOT/content/imported].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Report what would be imported; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import documents that do not read as postmortems too.
    #[arg(long)]
    pub force: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ImportFormat::Text)]
    pub format: ImportFormat,
}

impl ImportArgs {
    fn run(self) -> ExitCode {
        use crate::import_command::{self, Outcome, Request};
        let mut diagnostics = Diagnostics::new();
        let Some(config) = crate::config::load(&self.root, &mut diagnostics) else {
            print_diagnostics(&diagnostics);
            tell!("error: import needs the site's config to map root causes; nothing was written");
            return ExitCode::from(1);
        };
        let hints: Vec<crate::import::RootCauseHint> = config
            .root_causes
            .iter()
            .map(|(key, def)| crate::import::RootCauseHint {
                key: key.to_string(),
                name: def.name.clone(),
                description: def.description.clone(),
            })
            .collect();
        let mut failed = false;
        let request = Request {
            inputs: self.inputs(&mut failed),
            out_dir: self
                .out
                .clone()
                .unwrap_or_else(|| self.root.join(crate::content::CONTENT_DIR).join("imported")),
            dry_run: self.dry_run,
            force: self.force,
        };
        // Slugs the site already uses: an imported file never takes one.
        let mut taken: std::collections::BTreeSet<String> = {
            let mut ignored = Diagnostics::new();
            crate::content::discover(&self.root, &mut ignored)
                .iter()
                .filter_map(|f| f.rel_path.file_stem())
                .map(|stem| crate::keys::slugify(&stem.to_string_lossy()))
                .collect()
        };
        let outcomes = import_command::run(&request, &hints, &mut taken);
        match self.format {
            ImportFormat::Text => say_raw!("{}", import_command::text_report(&request, &outcomes)),
            ImportFormat::Json => say_json!(import_command::json_report(&request, &outcomes)),
        }
        for d in &outcomes {
            if let Outcome::Failed { error } = &d.outcome {
                tell!("error: {error}");
                failed = true;
            }
        }
        if failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }

    /// The files to import: each file argument, and the files of each folder argument.
    fn inputs(&self, failed: &mut bool) -> Vec<PathBuf> {
        let mut inputs = Vec::new();
        for path in &self.paths {
            if !path.is_dir() {
                inputs.push(path.clone());
                continue;
            }
            match std::fs::read_dir(path) {
                Ok(entries) => {
                    let mut files: Vec<PathBuf> = entries
                        .filter_map(Result::ok)
                        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                        .map(|e| e.path())
                        .filter(|p| p.is_file())
                        .collect();
                    files.sort();
                    inputs.extend(files);
                }
                Err(err) => {
                    tell!("error: cannot read {}: {err}", path.display());
                    *failed = true;
                }
            }
        }
        inputs
    }
}

/// How `stats` prints the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsFormat {
    /// Aligned tables for a terminal.
    Text,
    /// One JSON document (durations in seconds), for scripts and CI dashboards.
    Json,
}

/// `hindsight stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The site folder, holding site.toml and content/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
    pub format: StatsFormat,
    /// Include postmortems with status: draft.
    #[arg(long)]
    pub drafts: bool,
}

impl StatsArgs {
    fn run(self) -> ExitCode {
        match pipeline::load_site(&self.root, self.drafts) {
            Ok((site, warnings)) => {
                print_diagnostics(&warnings);
                match self.format {
                    StatsFormat::Text => say_raw!("{}", crate::render::stats::text(&site)),
                    StatsFormat::Json => say_json!(crate::render::stats::json(&site)),
                }
                ExitCode::SUCCESS
            }
            Err(failure) => {
                match &failure {
                    BuildFailure::Invalid(diagnostics) => print_diagnostics(diagnostics),
                    BuildFailure::Fatal(err) => tell!("error: {err}"),
                }
                ExitCode::from(1)
            }
        }
    }
}
