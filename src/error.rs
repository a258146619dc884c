//! Fatal failures that are not mistakes in the content: I/O, templates, the output
//! folder, the server. Each variant names the path, template or address involved.
//! Content and config mistakes are [`crate::diagnostics::Diagnostic`]s instead.

use std::net::SocketAddr;
use std::path::PathBuf;

/// A fatal, non-content failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading a file or folder failed.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A template failed to compile or render.
    #[error("template {name}: {message}")]
    Template {
        /// The template's name (`postmortem.html`).
        name: String,
        /// Tera's report, which carries the line and a snippet.
        message: String,
    },
    /// Writing the output folder failed.
    #[error("cannot write {}: {source}", path.display())]
    Output {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The output folder is not safe to replace.
    #[error("refusing to replace {}: {reason}", path.display())]
    UnsafeOutput {
        /// The output folder.
        path: PathBuf,
        /// Why, and what to do.
        reason: String,
    },
    /// Another build holds the output lock.
    #[error(
        "another hindsight build is writing {} right now: it holds the lock {}. Wait for it to finish, then build again (the lock is released when that build exits, even if it is killed; there is nothing to delete)",
        output.display(),
        lock.display()
    )]
    Locked {
        /// The output folder.
        output: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// The dev server could not start.
    #[error("cannot serve on {addr}: {source}")]
    Server {
        /// The address asked for.
        addr: SocketAddr,
        /// The cause.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Building the search index failed.
    #[error("cannot build the search index: {message}")]
    Search {
        /// Pagefind's report.
        message: String,
    },
    /// Watching files for changes failed.
    #[error("cannot watch {}: {source}", path.display())]
    Watch {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: notify::Error,
    },
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
