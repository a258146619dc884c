//! What the dev server answers, as an axum [`Router`]: the site from memory (with the
//! live-reload script injected into its pages), the script itself, and the long-poll
//! endpoint; before any of them, the checks every request passes (its size, its method,
//! its `Host`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::http::{self, Resolved};
use super::reload::{self, POLL_PATH, SCRIPT, SCRIPT_PATH, ServerState, Status};

/// Longest request line (method, target, version), in bytes; longer gets 414.
const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Largest request body announced; larger gets 413 (the server answers only GET and HEAD,
/// and reads no body).
const MAX_BODY: u64 = 64 * 1024;
/// At most this many tabs wait on the poll endpoint at once; more are answered at once,
/// so waiting tabs never take every connection the server keeps.
const MAX_WAITING_POLLS: usize = 512;
/// How long one long poll waits before answering "no change".
const POLL_TIMEOUT: Duration = Duration::from_secs(25);
/// How long a request for a page that an edit made stale waits for it at most (the pages
/// that depend on one edit at 10,000 postmortems take about a second); then it is
/// answered 503, never with the stale page.
const STALE_WAIT: Duration = Duration::from_secs(30);

/// What the handlers share.
#[derive(Debug, Clone)]
struct App {
    state: Arc<ServerState>,
    prepared: Arc<Prepared>,
    waiting_polls: Arc<AtomicUsize>,
}

/// The dev server's routes over `state`.
pub(super) fn router(state: Arc<ServerState>) -> Router {
    let app = App {
        state,
        prepared: Arc::default(),
        waiting_polls: Arc::default(),
    };
    Router::new()
        .route(POLL_PATH, get(poll))
        .route(SCRIPT_PATH, get(script))
        .fallback(site_file)
        .layer(middleware::from_fn(checks))
        .with_state(app)
}

/// A response with the headers every answer carries: the content type, no-cache (a
/// browser must revalidate, so it never shows a page older than the last rebuild) unless
/// `extra` sets its own, and nosniff. axum adds `Content-Length` (never chunked, so a HEAD
/// answer tells the length of the body it leaves out).
fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Body>,
    extra: &[(HeaderName, &str)],
) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    for (name, value) in extra {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name.clone(), value);
        }
    }
    response
}

fn text(status: StatusCode, message: &'static str, extra: &[(HeaderName, &str)]) -> Response {
    respond(status, "text/plain; charset=utf-8", message, extra)
}

/// What every request passes first: the size of what was sent (414, 413), its method
/// (405), then its host (403).
async fn checks(request: Request, next: Next) -> Response {
    let close = [(header::CONNECTION, "close")];
    let uri = request.uri();
    let target = uri.path_and_query().map_or(0, |p| p.as_str().len())
        + uri.scheme_str().map_or(0, |s| s.len() + 3)
        + uri.authority().map_or(0, |a| a.as_str().len());
    if request.method().as_str().len() + target + " HTTP/1.1".len() + 1 > MAX_REQUEST_LINE {
        return text(
            StatusCode::URI_TOO_LONG,
            "request line too long: at most 8 KiB\n",
            &close,
        );
    }
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse::<u64>().ok());
    if announced.is_some_and(|length| length > MAX_BODY) {
        return text(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request body too large\n",
            &close,
        );
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return text(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed\n",
            &[(header::ALLOW, "GET, HEAD")],
        );
    }
    if !http::allowed_host(joined(request.headers(), header::HOST).as_deref()) {
        return text(
            StatusCode::FORBIDDEN,
            "this host name is not allowed: open the preview at http://127.0.0.1:PORT/ or http://localhost:PORT/\n",
            &[],
        );
    }
    next.run(request).await
}

/// The values of header `name`, joined with `, ` as HTTP allows (a value that is not
/// text stays in, as a character no check accepts).
fn joined(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    let values: Vec<String> = headers
        .get_all(name)
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// Answers `body` with its ETag, or 304 when the client already has these bytes.
fn respond_cached(
    headers: &HeaderMap,
    content_type: &'static str,
    body: Bytes,
    etag: &str,
) -> Response {
    let fresh = joined(headers, header::IF_NONE_MATCH).is_some_and(|tags| {
        tags.split(',')
            .any(|tag| tag.trim() == etag || tag.trim() == "*")
    });
    let extra = [(header::ETAG, etag)];
    if fresh {
        respond(
            StatusCode::NOT_MODIFIED,
            content_type,
            Body::empty(),
            &extra,
        )
    } else {
        respond(StatusCode::OK, content_type, body, &extra)
    }
}

async fn script(request: Request) -> Response {
    let etag = http::etag(SCRIPT.as_bytes());
    respond_cached(
        request.headers(),
        "text/javascript; charset=utf-8",
        Bytes::from_static(SCRIPT.as_bytes()),
        &etag,
    )
}

#[derive(Debug, Deserialize)]
struct PollQuery {
    since: Option<u64>,
}

/// The long-poll endpoint: answers when the generation moves past `since`, or after
/// [`POLL_TIMEOUT`]. A tab that goes away ends its connection, and hyper drops the wait
/// with it at once.
async fn poll(State(app): State<App>, query: Result<Query<PollQuery>, QueryRejection>) -> Response {
    let answer = |status: &Status| {
        let body = serde_json::to_vec(status).unwrap_or_default();
        respond(
            StatusCode::OK,
            "application/json",
            body,
            &[(header::CACHE_CONTROL, "no-store")],
        )
    };
    let current = app.state.status();
    let since = query.ok().and_then(|Query(query)| query.since);
    let Some(since) = since.filter(|s| *s == current.generation) else {
        return answer(&current);
    };
    let Some(_waiting) = WaitingPoll::enter(&app.waiting_polls) else {
        return answer(&current);
    };
    answer(&app.state.wait_for_change(since, POLL_TIMEOUT).await)
}

/// One of the [`MAX_WAITING_POLLS`] places, left however the poll ends.
struct WaitingPoll<'a>(&'a AtomicUsize);

impl<'a> WaitingPoll<'a> {
    fn enter(waiting: &'a AtomicUsize) -> Option<Self> {
        if waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING_POLLS {
            waiting.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Self(waiting))
    }
}

impl Drop for WaitingPoll<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What the served site holds for a request, read at one moment.
struct Found {
    status: Status,
    resolved: Resolved,
    file: Option<Arc<[u8]>>,
    not_found: Option<Arc<[u8]>>,
    built: bool,
}

/// Looks `target` up in the served site, or `None` while the page it asks for is stale.
///
/// The status is read before the output: a rebuild published in between makes the page
/// newer than the generation it is labelled with, which costs one extra reload; the
/// other order would label an old page with the new generation, and the tab would never
/// learn that it is stale.
fn look_up(state: &ServerState, target: &Uri) -> Option<Found> {
    let status = state.status();
    let served = state.served();
    let output = &served.output;
    let resolved = http::resolve(output, target);
    let waits = match &resolved {
        Resolved::File(path) => served.must_wait_for(Some(path)),
        Resolved::NotFound => served.must_wait_for(None),
        _ => false,
    };
    if waits {
        return None;
    }
    let file = match &resolved {
        Resolved::File(path) => output.get(path).cloned(),
        _ => None,
    };
    Some(Found {
        status,
        resolved,
        file,
        not_found: output.get("404.html").cloned(),
        built: !output.is_empty(),
    })
}

/// A file of the site. A page that an edit made stale is not answered until it is
/// rendered again (see `ServerState::publish_first`).
async fn site_file(State(app): State<App>, request: Request) -> Response {
    let (target, headers) = (request.uri(), request.headers());
    let held_since = Instant::now();
    let found = loop {
        let mut freshness = app.state.freshness();
        if let Some(found) = look_up(&app.state, target) {
            break found;
        }
        let left = STALE_WAIT.saturating_sub(held_since.elapsed());
        if left.is_zero() {
            return text(
                StatusCode::SERVICE_UNAVAILABLE,
                "this page is still being rebuilt after an edit; try again\n",
                &[(header::RETRY_AFTER, "1")],
            );
        }
        let _ = tokio::time::timeout(left, freshness.changed()).await;
    };
    let status = &found.status;
    match found.resolved {
        Resolved::File(path) => {
            let Some(data) = found.file else {
                return text(StatusCode::NOT_FOUND, "not found\n", &[]);
            };
            let (body, etag) = app.prepared.get(&path, &data, status);
            respond_cached(headers, http::content_type(&path), body, &etag)
        }
        Resolved::Redirect(location) => respond(
            StatusCode::MOVED_PERMANENTLY,
            "text/plain; charset=utf-8",
            format!("moved to {location}\n"),
            &[(header::LOCATION, &location)],
        ),
        Resolved::NotFound if !found.built => {
            // The first build failed: every path shows why, and reloads once it is fixed.
            let body = fallback_page(
                "hindsight: the site has not been built yet",
                "The first build failed; fix the errors shown here and save.",
                status,
            );
            respond(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/html; charset=utf-8",
                body,
                &[],
            )
        }
        Resolved::NotFound => {
            let body = match found.not_found {
                Some(page) => reload::inject(&page, status),
                None => fallback_page("Not found", "This page is not part of the site.", status),
            };
            respond(StatusCode::NOT_FOUND, "text/html; charset=utf-8", body, &[])
        }
        Resolved::BadRequest => text(StatusCode::BAD_REQUEST, "bad request path\n", &[]),
    }
}

/// A page of our own (no site page fits) that still loads the live-reload script and
/// shows the overlay, so a tab on it follows the site as it is fixed.
fn fallback_page(title: &str, message: &str, status: &Status) -> Vec<u8> {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
<body style=\"font:16px/1.5 system-ui,sans-serif;margin:2rem\"><h1>{title}</h1><p>{message}</p></body></html>"
    );
    reload::inject(page.as_bytes(), status)
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
    body: Bytes,
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
    fn get(&self, path: &str, source: &Arc<[u8]>, status: &Status) -> (Bytes, Arc<str>) {
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
        let body = if http::content_type(path).starts_with("text/html") {
            Bytes::from(reload::inject(source, status))
        } else {
            Bytes::from_owner(source.clone())
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
