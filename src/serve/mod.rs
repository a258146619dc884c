//! `hindsight serve`: build in a loop, serve from memory, reload open tabs.
//!
//! The first build goes into memory (the user's `public/` is never touched). HTTP
//! worker threads answer from the shared [`ServerState`]; the calling thread watches the
//! site, applies each batch of changes through [`Session::apply`] (only the pages that
//! depend on an edited postmortem are re-rendered), and publishes the new output. A
//! failed rebuild keeps the last good site and shows the diagnostics as an overlay. The
//! server never exits on a content error; it stops when `shutdown` is set.

pub mod http;
pub mod reload;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::diagnostics::Diagnostics;
use crate::error::Error;
use crate::pipeline::{BuildFailure, BuildOptions, Session, Update};
use crate::search;
use http::Resolved;
pub use reload::ServerState;
use reload::{POLL_PATH, ReloadKind, SCRIPT, SCRIPT_PATH};

/// HTTP worker threads; long polls get threads of their own.
const WORKERS: usize = 8;
/// At most this many tabs wait on the poll endpoint at once; more are answered at once.
const MAX_WAITING_POLLS: usize = 512;
/// How long one long poll waits before answering "no change".
const POLL_TIMEOUT: Duration = Duration::from_secs(25);

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
    let server = Server::http(addr).map_err(|source| {
        let in_use = source
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::AddrInUse);
        let source: Box<dyn std::error::Error + Send + Sync> = if in_use {
            format!("port {} is already in use; stop the other server, pass --port N, or --port 0 to pick a free one", options.port).into()
        } else {
            source
        };
        Error::Server { addr, source }
    })?;
    let bound = server.server_addr().to_ip().unwrap_or(addr);
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
        indexer.index_all(session.search_documents());
    }
    if let Some(failure) = &first_failure {
        // The server still starts: fixing the file brings the site up.
        report_failure(failure, report);
        state.show_errors(overlay_for(failure));
    }
    report(ServeEvent::Listening {
        url: &url,
        postmortems: session.as_ref().map_or(0, |s| s.site().postmortems.len()),
        elapsed: started.elapsed(),
    });

    let server = Arc::new(server);
    let waiting = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, state, shutdown, waiting) = (
                server.clone(),
                state.clone(),
                shutdown.clone(),
                waiting.clone(),
            );
            thread::spawn(move || {
                while !shutdown.load(Ordering::Relaxed) {
                    match server.recv_timeout(Duration::from_millis(200)) {
                        Ok(Some(request)) => handle(request, &state, &waiting),
                        Ok(None) => {}
                        Err(_) => thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        })
        .collect();

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
            Ok((update, fresh)) => {
                if let Some(fresh) = fresh {
                    session = Some(fresh);
                }
                let was_showing_errors = state.status().overlay.is_some();
                let has_news = !update.changed.is_empty() || !update.removed.is_empty();
                if let Some(current) = session.as_ref()
                    && (has_news || was_showing_errors)
                {
                    let kind = if !has_news {
                        // Fixed back to what is served: only the overlay goes.
                        ReloadKind::Overlay
                    } else if update.is_css_only() {
                        ReloadKind::Css
                    } else {
                        ReloadKind::Reload
                    };
                    state.publish(current.output().clone(), kind);
                }
                if let Some(current) = session.as_ref()
                    && current.site().config.search
                    && (!update.changed.is_empty() || !update.removed.is_empty())
                {
                    if update.full {
                        indexer.index_all(current.search_documents());
                    } else {
                        indexer.index_changed(current.search_documents_changed(&update));
                    }
                }
                report(ServeEvent::Rebuilt {
                    update: &update,
                    elapsed: seen.elapsed(),
                });
            }
            Err(failure) => {
                state.show_errors(overlay_for(&failure));
                report_failure(&failure, report);
            }
        }
    }

    for worker in workers {
        let _ = worker.join();
    }
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

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// Sends a response with the headers every answer carries: the content type, no-cache
/// (a browser must revalidate, so it never shows a page older than the last rebuild)
/// unless `extra` sets its own, nosniff, and a `Content-Length` (never chunked, so a HEAD
/// answer tells the length of the body it leaves out).
fn respond(
    request: Request,
    status: u16,
    content_type: &str,
    body: Vec<u8>,
    extra: &[(&str, &str)],
) {
    let mut response = Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_chunked_threshold(usize::MAX);
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
    for (name, value) in headers.iter().chain(cache).chain(extra) {
        if let Some(h) = header(name, value) {
            response.add_header(h);
        }
    }
    // A client that went away is not the server's problem.
    let _ = request.respond(response);
}

/// Answers `body` with an ETag, or 304 when the client already has these bytes.
fn respond_cached(request: Request, content_type: &str, body: Vec<u8>) {
    let etag = http::etag(&body);
    let fresh = request.headers().iter().any(|h| {
        h.field.equiv("If-None-Match")
            && h.value
                .as_str()
                .split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
    });
    if fresh {
        respond(request, 304, content_type, Vec::new(), &[("ETag", &etag)]);
    } else {
        respond(request, 200, content_type, body, &[("ETag", &etag)]);
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

fn handle(request: Request, state: &Arc<ServerState>, waiting: &Arc<AtomicUsize>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        respond(
            request,
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n".to_vec(),
            &[("Allow", "GET, HEAD")],
        );
        return;
    }
    let url = request.url().to_string();
    let path = http::request_path(&url).unwrap_or_default();
    if path == POLL_PATH {
        poll(request, &url, state, waiting);
        return;
    }
    if path == SCRIPT_PATH {
        respond_cached(
            request,
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes().to_vec(),
        );
        return;
    }
    // The status is read before the output: a rebuild published in between makes the page
    // newer than the generation it is labelled with, which costs one extra reload; the
    // other order would label an old page with the new generation, and the tab would never
    // learn that it is stale.
    let status = state.status();
    let (resolved, file, not_found, built) = {
        let output = state.output_guard();
        let resolved = http::resolve(&output, &url);
        let file = match &resolved {
            Resolved::File(path) => output.get(path).cloned(),
            _ => None,
        };
        (
            resolved,
            file,
            output.get("404.html").cloned(),
            !output.is_empty(),
        )
    };
    match resolved {
        Resolved::File(path) => {
            let Some(data) = file else {
                respond(
                    request,
                    404,
                    "text/plain; charset=utf-8",
                    b"not found\n".to_vec(),
                    &[],
                );
                return;
            };
            let content_type = http::content_type(&path);
            let body = if content_type.starts_with("text/html") {
                reload::inject(&data, &status)
            } else {
                data.to_vec()
            };
            respond_cached(request, content_type, body);
        }
        Resolved::Redirect(location) => {
            respond(
                request,
                301,
                "text/plain; charset=utf-8",
                format!("moved to {location}\n").into_bytes(),
                &[("Location", &location)],
            );
        }
        Resolved::NotFound if !built => {
            // The first build failed: every path shows why, and reloads once it is fixed.
            let body = fallback_page(
                "hindsight: the site has not been built yet",
                "The first build failed; fix the errors shown here and save.",
                &status,
            );
            respond(request, 503, "text/html; charset=utf-8", body, &[]);
        }
        Resolved::NotFound => {
            let body = match not_found {
                Some(page) => reload::inject(&page, &status),
                None => fallback_page("Not found", "This page is not part of the site.", &status),
            };
            respond(request, 404, "text/html; charset=utf-8", body, &[]);
        }
        Resolved::BadRequest => {
            respond(
                request,
                400,
                "text/plain; charset=utf-8",
                b"bad request path\n".to_vec(),
                &[],
            );
        }
    }
}

fn poll(request: Request, url: &str, state: &Arc<ServerState>, waiting: &Arc<AtomicUsize>) {
    let since: Option<u64> = url
        .split_once("since=")
        .and_then(|(_, rest)| rest.split('&').next())
        .and_then(|n| n.parse().ok());
    let current = state.status();
    let answer = |request: Request, status: &reload::Status| {
        let body = serde_json::to_vec(status).unwrap_or_default();
        respond(
            request,
            200,
            "application/json",
            body,
            &[("Cache-Control", "no-store")],
        );
    };
    let Some(since) = since.filter(|s| *s == current.generation) else {
        answer(request, &current);
        return;
    };
    if waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING_POLLS {
        waiting.fetch_sub(1, Ordering::SeqCst);
        answer(request, &current);
        return;
    }
    let (state, waiting) = (state.clone(), waiting.clone());
    thread::spawn(move || {
        let status = state.wait_for_change(since, POLL_TIMEOUT);
        answer(request, &status);
        waiting.fetch_sub(1, Ordering::SeqCst);
    });
}
