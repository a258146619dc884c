//! `hindsight serve`: build in a loop, serve from memory, reload open tabs.
//!
//! The first build goes into memory (the user's `public/` is never touched). axum on
//! hyper answers from the shared [`ServerState`] on a tokio runtime of its own
//! (`server.rs` keeps the connections, `routes.rs` answers); the calling thread watches
//! the site, applies each batch of changes through [`Session::apply`] (only the pages
//! whose template context fingerprint an edit changed are re-rendered), and publishes the new output. A
//! failed rebuild keeps the last good site and shows the diagnostics as an overlay. The
//! server never exits on a content error; it stops when `shutdown` is set.

pub mod http;
pub mod reload;
mod routes;
mod server;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use crate::error::Error;
use crate::pipeline::{BuildFailure, BuildOptions, Session, Update};
use crate::search;
use reload::ReloadKind;
pub use reload::ServerState;

/// What to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Address to bind (127.0.0.1 unless told otherwise).
    pub interface: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Who the previewed site is for (`--audience public` previews the public site).
    pub audience: crate::audience::Audience,
}

/// What the server reports to whoever runs it (the CLI prints these).
#[derive(Debug)]
pub enum ServeEvent<'a> {
    /// Listening; open this URL.
    Listening {
        /// The URL.
        url: &'a str,
        /// Postmortems in the first build.
        postmortems: usize,
        /// Time of the first build.
        elapsed: Duration,
    },
    /// A rebuild succeeded.
    Rebuilt {
        /// What changed.
        update: &'a Update,
        /// Change seen → new site served.
        elapsed: Duration,
        /// Change seen → the edited page served, when it was served before the pages
        /// that depend on it.
        first: Option<Duration>,
    },
    /// A new search index is served (built in the background after a change).
    Indexed {
        /// Pages in the index.
        pages: usize,
        /// Time the index took, off the edit path.
        elapsed: Duration,
    },
    /// A build failed; the last good site is still served.
    Failed {
        /// The content or config errors, if that is what failed.
        diagnostics: Option<&'a Diagnostics>,
        /// A fatal error's message otherwise.
        fatal: Option<String>,
    },
}

/// Binds, builds and serves until `shutdown` is set.
pub fn serve(
    options: &ServeOptions,
    shutdown: Arc<AtomicBool>,
    report: &dyn Fn(ServeEvent<'_>),
) -> Result<(), Error> {
    let addr = SocketAddr::new(options.interface, options.port);
    let listener = TcpListener::bind(addr).map_err(|source| {
        let source: Box<dyn std::error::Error + Send + Sync> =
            if source.kind() == std::io::ErrorKind::AddrInUse {
                format!("port {} is already in use; stop the other server, pass --port N, or --port 0 to pick a free one", options.port).into()
            } else {
                source.into()
            };
        Error::Server { addr, source }
    })?;
    let bound = listener.local_addr().unwrap_or(addr);
    let shown_ip = if bound.ip().is_unspecified() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        bound.ip()
    };
    let url = format!("http://{}/", SocketAddr::new(shown_ip, bound.port()));
    let build_options = BuildOptions {
        root: options.root.clone(),
        output: None,
        base_url: Some(url.clone()),
        drafts: true,
        search: true,
        audience: options.audience,
    };

    let started = Instant::now();
    let mut watcher = watch::SiteWatcher::new(&options.root)?;
    let (mut session, first_failure) = match Session::start(build_options.clone()) {
        Ok(session) => (Some(session), None),
        Err(failure) => (None, Some(failure)),
    };
    let state = Arc::new(ServerState::new(
        session
            .as_ref()
            .map(|s| s.output().clone())
            .unwrap_or_default(),
    ));
    // The search index is built off the edit path: pages are served at once, the index
    // follows (see `search::Indexer`).
    let indexer = search::Indexer::start();
    if let Some(session) = session.as_ref()
        && session.site().config.search
    {
        indexer.index_all(session.search_records());
    }
    if let Some(failure) = &first_failure {
        // The server still starts: fixing the file brings the site up.
        report_failure(failure, report);
        state.show_errors(overlay_for(failure));
    }
    let server =
        server::HttpServer::start(listener, routes::router(state.clone())).map_err(|source| {
            Error::Server {
                addr,
                source: source.into(),
            }
        })?;
    report(ServeEvent::Listening {
        url: &url,
        postmortems: session.as_ref().map_or(0, |s| s.site().postmortems.len()),
        elapsed: started.elapsed(),
    });

    while !shutdown.load(Ordering::Relaxed) {
        if let Some(indexed) = indexer.finished() {
            match indexed {
                Ok(bundle) => {
                    if let Some(session) = session.as_mut() {
                        session.replace_search_bundle(bundle.files);
                        state.replace_output(session.output().clone());
                    }
                    report(ServeEvent::Indexed {
                        pages: bundle.pages,
                        elapsed: bundle.elapsed,
                    });
                }
                Err(err) => report(ServeEvent::Failed {
                    diagnostics: None,
                    fatal: Some(err.to_string()),
                }),
            }
        }
        let changes = match watcher.next_changes(Duration::from_millis(200)) {
            Ok(changes) => changes,
            Err(err) => {
                report(ServeEvent::Failed {
                    diagnostics: None,
                    fatal: Some(err.to_string()),
                });
                continue;
            }
        };
        if changes.is_empty() {
            continue;
        }
        let seen = Instant::now();
        let result = match session.as_mut() {
            Some(session) => session.apply(&changes).map(|update| (update, None)),
            None => Session::start(build_options.clone()).map(|fresh| {
                let update = Update {
                    full: true,
                    changed: fresh.output().paths().map(str::to_string).collect(),
                    warnings: fresh.warnings().clone(),
                    ..Update::default()
                };
                (update, Some(fresh))
            }),
        };
        match result {
            Ok((mut update, fresh)) => {
                if let Some(fresh) = fresh {
                    session = Some(fresh);
                }
                let was_showing_errors = state.status().overlay.is_some();
                let has_news = !update.changed.is_empty() || !update.removed.is_empty();
                let stale = update.stale.take();
                let mut first = None;
                if let Some(current) = session.as_mut()
                    && (has_news || was_showing_errors || stale.is_some())
                {
                    let kind = if !has_news && stale.is_none() {
                        // Fixed back to what is served: only the overlay goes.
                        ReloadKind::Overlay
                    } else if update.is_css_only() {
                        ReloadKind::Css
                    } else {
                        ReloadKind::Reload
                    };
                    if let Some(stale) = stale {
                        // The edited page first; what depends on it right after, while
                        // requests for those pages wait.
                        state.publish_first(current.output().clone(), kind, stale);
                        first = Some(seen.elapsed());
                        match current.finish_telling(|output, still| {
                            state.freshen_partly(output.clone(), still)
                        }) {
                            Ok(rest) => update.absorb(rest),
                            Err(failure) => {
                                state.show_errors(overlay_for(&failure));
                                report_failure(&failure, report);
                            }
                        }
                        state.freshen(current.output().clone());
                    } else {
                        state.publish(current.output().clone(), kind);
                    }
                }
                if let Some(current) = session.as_ref()
                    && current.site().config.search
                    && (!update.changed.is_empty() || !update.removed.is_empty())
                {
                    if update.full {
                        indexer.index_all(current.search_records());
                    } else {
                        indexer.index_changed(current.search_records_changed(&update));
                    }
                }
                report(ServeEvent::Rebuilt {
                    update: &update,
                    elapsed: seen.elapsed(),
                    first,
                });
            }
            Err(failure) => {
                state.show_errors(overlay_for(&failure));
                report_failure(&failure, report);
            }
        }
    }

    server.stop();
    Ok(())
}

fn overlay_for(failure: &BuildFailure) -> String {
    match failure {
        BuildFailure::Invalid(diagnostics) => reload::overlay_html(diagnostics, None),
        BuildFailure::Fatal(err) => {
            reload::overlay_html(&Diagnostics::new(), Some(&err.to_string()))
        }
    }
}

fn report_failure(failure: &BuildFailure, report: &dyn Fn(ServeEvent<'_>)) {
    match failure {
        BuildFailure::Invalid(diagnostics) => report(ServeEvent::Failed {
            diagnostics: Some(diagnostics),
            fatal: None,
        }),
        BuildFailure::Fatal(err) => report(ServeEvent::Failed {
            diagnostics: None,
            fatal: Some(err.to_string()),
        }),
    }
}
