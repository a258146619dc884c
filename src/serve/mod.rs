//! `hindsight serve`: build in a loop, serve from memory, reload open tabs.
//!
//! The first build goes into memory (the user's `public/` is never touched). HTTP
//! worker threads answer from the shared [`ServerState`]; the calling thread watches the
//! site, applies each batch of changes through [`Session::apply`] (only the pages that
//! depend on an edited postmortem are re-rendered), and publishes the new output. A
//! failed rebuild keeps the last good site and shows the diagnostics as an overlay. The
//! server never exits on a content error; it stops when `shutdown` is set.

pub mod connection;
pub mod http;
pub mod reload;
pub mod watch;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use crate::error::Error;
use crate::pipeline::{BuildFailure, BuildOptions, Session, Update};
use crate::search;
use connection::{Acceptor, Limits, Request, Response};
use http::Resolved;
pub use reload::ServerState;
use reload::{POLL_PATH, ReloadKind, SCRIPT, SCRIPT_PATH};

/// At most this many tabs wait on the poll endpoint at once; more are answered at once,
/// so waiting tabs never take every connection slot (see [`Limits::max_connections`]).
const MAX_WAITING_POLLS: usize = 512;
/// How long one long poll waits before answering "no change".
const POLL_TIMEOUT: Duration = Duration::from_secs(25);
/// How often a waiting long poll checks that its tab is still there: a closed tab frees
/// its thread within this.
const POLL_CLIENT_CHECK: Duration = Duration::from_millis(250);
/// How long a request for a page that an edit made stale waits for it at most (the pages
/// that depend on one edit at 10,000 postmortems take about a second); then it is
/// answered 503, never with the stale page.
const STALE_WAIT: Duration = Duration::from_secs(30);

/// What to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Address to bind (127.0.0.1 unless told otherwise).
    pub interface: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
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
    tidy_heap();
    report(ServeEvent::Listening {
        url: &url,
        postmortems: session.as_ref().map_or(0, |s| s.site().postmortems.len()),
        elapsed: started.elapsed(),
    });

    let waiting = Arc::new(AtomicUsize::new(0));
    let handler = {
        let state = state.clone();
        let prepared = Prepared::default();
        move |request: &Request<'_>| handle(request, &state, &prepared, &waiting)
    };
    let limits = Limits {
        max_connections: connection_budget(),
        ..Limits::default()
    };
    let acceptor =
        Acceptor::start(listener, limits, Arc::new(handler)).map_err(|source| Error::Server {
            addr,
            source: source.into(),
        })?;

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
                        match current.finish_telling(|still| state.narrow_stale(still)) {
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
                tidy_heap();
            }
            Err(failure) => {
                state.show_errors(overlay_for(&failure));
                report_failure(&failure, report);
            }
        }
    }

    acceptor.stop();
    Ok(())
}

/// Merges the memory freed by a rebuild while the server is idle. glibc's allocator keeps
/// small freed blocks in "fast bins" and merges them all on the next larger allocation:
/// after the pages that depend on an edit were rendered, hundreds of thousands wait
/// there, and the first allocation of the next edit stalled 30–70 ms at 10,000
/// postmortems (more than the rest of showing the edited page).
fn tidy_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer and only reorganises glibc's own free lists;
    // it is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// How many connections the server keeps open at most: 1000, or fewer when the process
/// may not open that many files (each connection takes two descriptors, and rebuilds need
/// some of their own), so clients never starve a rebuild of file descriptors.
fn connection_budget() -> usize {
    const MOST: usize = 1000;
    const FOR_REBUILDS: usize = 128;
    // Linux tells the soft limit in /proc; elsewhere the accept loop still copes with
    // running out (it closes the longest-idle connection and tries again).
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            limits
                .lines()
                .find(|line| line.starts_with("Max open files"))
                .and_then(|line| line.split_whitespace().nth(3))
                .and_then(|soft| soft.parse::<usize>().ok())
        });
    match soft {
        Some(soft) => (soft.saturating_sub(FOR_REBUILDS) / 2).clamp(16, MOST),
        None => MOST,
    }
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

/// A response with the headers every answer carries: the content type, no-cache (a
/// browser must revalidate, so it never shows a page older than the last rebuild) unless
/// `extra` sets its own, and nosniff. The connection adds `Content-Length` (never
/// chunked, so a HEAD answer tells the length of the body it leaves out).
fn respond(
    status: u16,
    content_type: &str,
    body: impl Into<Arc<[u8]>>,
    extra: &[(&str, &str)],
) -> Response {
    let sets_cache = extra
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("Cache-Control"));
    let cache: &[(&str, &str)] = if sets_cache {
        &[]
    } else {
        &[("Cache-Control", "no-cache")]
    };
    let headers = [
        ("Content-Type", content_type),
        ("X-Content-Type-Options", "nosniff"),
    ];
    Response {
        status,
        headers: headers
            .iter()
            .chain(cache)
            .chain(extra)
            .map(|(name, value)| ((*name).to_string(), (*value).to_string()))
            .collect(),
        body: body.into(),
    }
}

/// Answers `body` with its ETag, or 304 when the client already has these bytes.
fn respond_cached(
    request: &Request<'_>,
    content_type: &str,
    body: Arc<[u8]>,
    etag: &str,
) -> Response {
    let fresh = request.header("If-None-Match").is_some_and(|tags| {
        tags.split(',')
            .any(|tag| tag.trim() == etag || tag.trim() == "*")
    });
    if fresh {
        respond(304, content_type, Vec::new(), &[("ETag", etag)])
    } else {
        respond(200, content_type, body, &[("ETag", etag)])
    }
}

/// Files as they are sent, with their ETags: a page with the live-reload script injected
/// for the current generation, any other file as it is. Preparing a page copies it and
/// hashing reads it whole, which for the big pages of a big site (the home page lists
/// every postmortem) cost more than sending them; each is now done once per file and
/// generation, not once per request.
#[derive(Debug, Default)]
struct Prepared {
    files: Mutex<PreparedFiles>,
}

#[derive(Debug, Default)]
struct PreparedFiles {
    /// The generation the entries were prepared for; a new one clears them all, so the
    /// cache never holds more than one version of each file.
    generation: u64,
    by_path: HashMap<String, PreparedFile>,
}

#[derive(Debug, Clone)]
struct PreparedFile {
    /// The served bytes it was made from: a new output (a rebuild, a new search index)
    /// has new ones.
    source: Arc<[u8]>,
    body: Arc<[u8]>,
    etag: Arc<str>,
}

impl Prepared {
    fn lock(&self) -> std::sync::MutexGuard<'_, PreparedFiles> {
        match self.files.lock() {
            Ok(files) => files,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The body and ETag of `path` (whose served bytes are `source`) as sent at
    /// `status`'s generation.
    fn get(
        &self,
        path: &str,
        source: &Arc<[u8]>,
        status: &reload::Status,
    ) -> (Arc<[u8]>, Arc<str>) {
        {
            let mut files = self.lock();
            if files.generation != status.generation {
                files.generation = status.generation;
                files.by_path.clear();
            }
            if let Some(file) = files.by_path.get(path)
                && Arc::ptr_eq(&file.source, source)
            {
                return (file.body.clone(), file.etag.clone());
            }
        }
        // Prepared outside the lock: other requests go on meanwhile.
        let body: Arc<[u8]> = if http::content_type(path).starts_with("text/html") {
            reload::inject(source, status).into()
        } else {
            source.clone()
        };
        let etag: Arc<str> = http::etag(&body).into();
        let mut files = self.lock();
        if files.generation == status.generation {
            files.by_path.insert(
                path.to_string(),
                PreparedFile {
                    source: source.clone(),
                    body: body.clone(),
                    etag: etag.clone(),
                },
            );
        }
        (body, etag)
    }
}

/// A page of our own (no site page fits) that still loads the live-reload script and
/// shows the overlay, so a tab on it follows the site as it is fixed.
fn fallback_page(title: &str, message: &str, status: &reload::Status) -> Vec<u8> {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
<body style=\"font:16px/1.5 system-ui,sans-serif;margin:2rem\"><h1>{title}</h1><p>{message}</p></body></html>"
    );
    reload::inject(page.as_bytes(), status)
}

fn handle(
    request: &Request<'_>,
    state: &Arc<ServerState>,
    prepared: &Prepared,
    waiting: &AtomicUsize,
) -> Response {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return respond(
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n".to_vec(),
            &[("Allow", "GET, HEAD")],
        );
    }
    if !http::allowed_host(request.header("Host").as_deref()) {
        return respond(
            403,
            "text/plain; charset=utf-8",
            b"this host name is not allowed: open the preview at http://127.0.0.1:PORT/ or http://localhost:PORT/\n".to_vec(),
            &[],
        );
    }
    let url = request.target.as_str();
    let path = http::request_path(url).unwrap_or_default();
    if path == POLL_PATH {
        return poll(request, url, state, waiting);
    }
    if path == SCRIPT_PATH {
        let etag = http::etag(SCRIPT.as_bytes());
        return respond_cached(
            request,
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes().into(),
            &etag,
        );
    }
    // The status is read before the output: a rebuild published in between makes the page
    // newer than the generation it is labelled with, which costs one extra reload; the
    // other order would label an old page with the new generation, and the tab would never
    // learn that it is stale. A page that an edit made stale is not answered until it is
    // rendered again (see `ServerState::publish_first`).
    let held_since = Instant::now();
    let (status, resolved, file, not_found, built) = loop {
        let freshness = state.freshness();
        let status = state.status();
        {
            let served = state.served();
            let output = &served.output;
            let resolved = http::resolve(output, url);
            let waits = match &resolved {
                Resolved::File(path) => served.must_wait_for(Some(path)),
                Resolved::NotFound => served.must_wait_for(None),
                _ => false,
            };
            if !waits {
                let file = match &resolved {
                    Resolved::File(path) => output.get(path).cloned(),
                    _ => None,
                };
                break (
                    status,
                    resolved,
                    file,
                    output.get("404.html").cloned(),
                    !output.is_empty(),
                );
            }
        }
        let left = STALE_WAIT.saturating_sub(held_since.elapsed());
        if left.is_zero() {
            return respond(
                503,
                "text/plain; charset=utf-8",
                b"this page is still being rebuilt after an edit; try again\n".to_vec(),
                &[("Retry-After", "1")],
            );
        }
        state.wait_until_fresher(freshness, left);
    };
    match resolved {
        Resolved::File(path) => {
            let Some(data) = file else {
                return respond(
                    404,
                    "text/plain; charset=utf-8",
                    b"not found\n".to_vec(),
                    &[],
                );
            };
            let (body, etag) = prepared.get(&path, &data, &status);
            respond_cached(request, http::content_type(&path), body, &etag)
        }
        Resolved::Redirect(location) => respond(
            301,
            "text/plain; charset=utf-8",
            format!("moved to {location}\n").into_bytes(),
            &[("Location", &location)],
        ),
        Resolved::NotFound if !built => {
            // The first build failed: every path shows why, and reloads once it is fixed.
            let body = fallback_page(
                "hindsight: the site has not been built yet",
                "The first build failed; fix the errors shown here and save.",
                &status,
            );
            respond(503, "text/html; charset=utf-8", body, &[])
        }
        Resolved::NotFound => {
            let body = match not_found {
                Some(page) => reload::inject(&page, &status),
                None => fallback_page("Not found", "This page is not part of the site.", &status),
            };
            respond(404, "text/html; charset=utf-8", body, &[])
        }
        Resolved::BadRequest => respond(
            400,
            "text/plain; charset=utf-8",
            b"bad request path\n".to_vec(),
            &[],
        ),
    }
}

/// The long-poll endpoint: answers when the generation moves past `since`, after
/// [`POLL_TIMEOUT`], or gives up as soon as the tab has gone (so tabs that come and go
/// leave no waiting threads behind).
fn poll(request: &Request<'_>, url: &str, state: &ServerState, waiting: &AtomicUsize) -> Response {
    let since: Option<u64> = url
        .split_once("since=")
        .and_then(|(_, rest)| rest.split('&').next())
        .and_then(|n| n.parse().ok());
    let answer = |status: &reload::Status| {
        let body = serde_json::to_vec(status).unwrap_or_default();
        respond(
            200,
            "application/json",
            body,
            &[("Cache-Control", "no-store")],
        )
    };
    let current = state.status();
    let Some(since) = since.filter(|s| *s == current.generation) else {
        return answer(&current);
    };
    if waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING_POLLS {
        waiting.fetch_sub(1, Ordering::SeqCst);
        return answer(&current);
    }
    let started = Instant::now();
    let status = loop {
        let left = POLL_TIMEOUT.saturating_sub(started.elapsed());
        let status = state.wait_for_change(since, left.min(POLL_CLIENT_CHECK));
        if status.generation != since || left <= POLL_CLIENT_CHECK || request.client_gone() {
            break status;
        }
    };
    waiting.fetch_sub(1, Ordering::SeqCst);
    answer(&status)
}
