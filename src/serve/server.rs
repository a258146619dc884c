//! The dev server's connections. hyper 1 speaks HTTP/1.1 on a tokio runtime of its own
//! and hands each request to the axum [`Router`] of `routes.rs`; this file sets hyper's
//! limits, decides which connections to keep, and gives the few answers hyper leaves to
//! its user.
//!
//! hyper parses every request, answers a head over 64 KiB or over 100 header fields with
//! 431, and closes a connection whose head has not arrived whole 10 s after it began
//! waiting for it (between keep-alive requests too). What it leaves undone is done here:
//! a partly sent request whose head timed out gets 408 (an idle connection is closed
//! quietly); a request line naming an HTTP version other than 1.x gets 505 (hyper would
//! say 400); a write that makes no progress for 10 s gives up; and at most
//! [`connection_budget`] connections are kept: when all are taken, the one that has
//! waited longest for a request head is closed to make room, never one being answered,
//! and only when every one is being answered is a new connection turned away with 503.
//! An `accept` error (out of file descriptors, say) never stops the loop.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tower::ServiceExt;

/// A whole request head must arrive within this of when the server starts waiting for it.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Writing to a client may make no progress for this long before it is given up on.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest request head (request line and headers), in bytes; larger gets 431.
const MAX_HEAD: usize = 64 * 1024;
/// Most header fields in one request; more gets 431.
const MAX_HEADERS: usize = 100;

/// The running server; [`HttpServer::stop`] ends it.
#[derive(Debug)]
pub(super) struct HttpServer {
    runtime: tokio::runtime::Runtime,
}

impl HttpServer {
    /// Serves `router` on `listener` from a tokio runtime of its own.
    pub(super) fn start(listener: std::net::TcpListener, router: Router) -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .thread_name("hindsight-http")
            .enable_all()
            .build()?;
        listener.set_nonblocking(true)?;
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(listener)?
        };
        runtime.spawn(accept_loop(listener, router, connection_budget()));
        Ok(Self { runtime })
    }

    /// Stops serving: open connections (long polls included) are dropped.
    pub(super) fn stop(self) {
        self.runtime.shutdown_timeout(Duration::from_secs(1));
    }
}

/// How many connections the server keeps open at most: 1,000, or fewer when the process
/// may not open that many files (rebuilds need descriptors of their own), so clients
/// never starve a rebuild of file descriptors.
fn connection_budget() -> usize {
    const MOST: usize = 1000;
    const FOR_REBUILDS: u64 = 128;
    #[cfg(target_os = "linux")]
    if let Some(soft) = rustix::process::getrlimit(rustix::process::Resource::Nofile).current {
        let left = soft.saturating_sub(FOR_REBUILDS);
        return usize::try_from(left).unwrap_or(MOST).clamp(16, MOST);
    }
    MOST
}

fn http1_builder() -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_header_size(MAX_HEAD)
        .max_headers(MAX_HEADERS);
    builder
}

async fn accept_loop(listener: TcpListener, router: Router, budget: usize) {
    let connections = Arc::new(Mutex::new(Connections::default()));
    let builder = http1_builder();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(err) => {
                // Out of file descriptors or memory, or a connection reset before it was
                // accepted: never a reason to stop serving. Making room and trying again
                // shortly is.
                if !matches!(
                    err.kind(),
                    io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::ConnectionReset
                        | io::ErrorKind::Interrupted
                ) {
                    lock(&connections).evict_longest_waiting();
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                continue;
            }
        };
        let slot = {
            let mut open = lock(&connections);
            if open.slots.len() >= budget && !open.evict_longest_waiting() {
                drop(open);
                // A client that does not read cannot hold up the loop: the socket is
                // non-blocking, and what does not fit is dropped with it.
                let _ = stream.try_write(&plain_answer(
                    "503 Service Unavailable",
                    "too many connections",
                ));
                continue;
            }
            open.add()
        };
        let registered = Registered {
            connections: connections.clone(),
            slot,
        };
        tokio::spawn(serve_connection(
            stream,
            registered,
            builder.clone(),
            router.clone(),
        ));
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The open connections.
#[derive(Debug, Default)]
struct Connections {
    next_id: u64,
    slots: HashMap<u64, Arc<Slot>>,
}

impl Connections {
    fn add(&mut self) -> Arc<Slot> {
        self.next_id += 1;
        let slot = Arc::new(Slot {
            id: self.next_id,
            answering: Mutex::new((0, Instant::now())),
            close: Notify::new(),
        });
        self.slots.insert(slot.id, slot.clone());
        slot
    }

    /// Closes the connection that has waited longest for a request head; false if every
    /// connection is busy being answered.
    fn evict_longest_waiting(&mut self) -> bool {
        let victim = self
            .slots
            .values()
            .filter_map(|slot| slot.waiting_since().map(|since| (since, slot.id)))
            .min();
        match victim.and_then(|(_, id)| self.slots.remove(&id)) {
            Some(slot) => {
                slot.close.notify_one();
                true
            }
            None => false,
        }
    }
}

/// One open connection, as the accept loop sees it.
#[derive(Debug)]
struct Slot {
    id: u64,
    /// Responses being made or sent, and since when none has been (the connection waits
    /// for a request head then).
    answering: Mutex<(usize, Instant)>,
    /// Notified when the connection is to close.
    close: Notify,
}

impl Slot {
    fn waiting_since(&self) -> Option<Instant> {
        let (answering, since) = *lock(&self.answering);
        (answering == 0).then_some(since)
    }
}

/// A response being made or sent on a slot's connection, until dropped.
struct Answering(Arc<Slot>);

impl Answering {
    fn begin(slot: &Arc<Slot>) -> Self {
        lock(&slot.answering).0 += 1;
        Self(slot.clone())
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        let mut answering = lock(&self.0.answering);
        answering.0 = answering.0.saturating_sub(1);
        answering.1 = Instant::now();
    }
}

/// Takes a connection's slot out of the open connections however its task ends.
struct Registered {
    connections: Arc<Mutex<Connections>>,
    slot: Arc<Slot>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        lock(&self.connections).slots.remove(&self.slot.id);
    }
}

async fn serve_connection(
    stream: TcpStream,
    registered: Registered,
    builder: http1::Builder,
    router: Router,
) {
    let _ = stream.set_nodelay(true);
    let slot = registered.slot.clone();
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let answering = Answering::begin(&slot);
        let response = router.clone().oneshot(request.map(Body::new));
        async move {
            let response = response.await?;
            Ok::<_, Infallible>(response.map(|body| Sending {
                body,
                _answering: answering,
            }))
        }
    });
    let mut connection = builder.serve_connection(TokioIo::new(Watched::new(stream)), service);
    let ended = tokio::select! {
        ended = &mut connection => ended,
        () = registered.slot.close.notified() => return,
    };
    let parts = connection.into_parts();
    let watched = parts.io.into_inner();
    let answer = if watched.another_version {
        Some(plain_answer(
            "505 HTTP Version Not Supported",
            "HTTP version not supported: use HTTP/1.1",
        ))
    } else {
        match &ended {
            Err(err) if err.is_timeout() && !parts.read_buf.iter().all(u8::is_ascii_whitespace) => {
                Some(plain_answer(
                    "408 Request Timeout",
                    "request timeout: the request did not arrive in time",
                ))
            }
            _ => None,
        }
    };
    // hyper has answered a malformed or oversized head itself; the client may still be
    // sending it.
    if answer.is_some() || ended.is_err_and(|err| err.is_parse()) {
        answer_and_close(watched.stream, answer.as_deref()).await;
    }
}

/// An answer hyper has no hook for (given when hyper has finished with the connection),
/// with the headers every answer carries.
fn plain_answer(status: &str, message: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{message}\n",
        message.len() + 1
    )
    .into_bytes()
}

/// Sends `answer`, then closes gently: the client may still be sending its request, and
/// closing with unread bytes would reset the connection and could destroy the answer
/// before the client reads it. So the write side is closed first and what still comes is
/// read and dropped, briefly.
async fn answer_and_close(mut stream: TcpStream, answer: Option<&[u8]>) {
    if let Some(answer) = answer {
        let _ = tokio::time::timeout(WRITE_TIMEOUT, stream.write_all(answer)).await;
    }
    let _ = stream.shutdown().await;
    let mut sink = vec![0u8; 16 * 1024];
    let drain = async {
        let mut drained = 0;
        while drained < 4 * 1024 * 1024 {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
}

/// A response body; its connection counts as being answered until hyper has sent it
/// all and drops it.
struct Sending {
    body: Body,
    _answering: Answering,
}

impl http_body::Body for Sending {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// Whether `bytes`, the first bytes read from a connection, hold a whole request line
/// naming an HTTP version other than 1.0 and 1.1 (`HTTP/2.0`), which hyper would answer
/// with 400. A line that comes in pieces, and garbage that names no version, are left to
/// hyper.
fn names_another_version(bytes: &[u8]) -> bool {
    // Blank lines before a request line are allowed (RFC 9112 §2.2).
    let bytes = bytes.trim_ascii_start();
    let Some(end) = memchr::memchr(b'\n', bytes) else {
        return false;
    };
    let line = &bytes[..=end];
    let version = line.trim_ascii_end().rsplit(|&b| b == b' ').next();
    matches!(
        httparse::Request::new(&mut []).parse(line),
        Err(httparse::Error::Version)
    ) && version.is_some_and(|version| version.starts_with(b"HTTP/"))
}

/// The socket as hyper sees it, watched on the way: the first bytes are checked for the
/// HTTP version, and a write that makes no progress for [`WRITE_TIMEOUT`] fails.
struct Watched {
    stream: TcpStream,
    read_any: bool,
    /// The client asked for another HTTP version: hyper sees the end of the input, and
    /// the 505 is sent once it is done.
    another_version: bool,
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Watched {
    fn new(stream: TcpStream) -> Self {
        Self {
            stream,
            read_any: false,
            another_version: false,
            stalled: None,
        }
    }

    fn progress<T>(
        &mut self,
        cx: &mut Context<'_>,
        written: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if written.is_ready() {
            self.stalled = None;
            return written;
        }
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(WRITE_TIMEOUT)));
        ready!(stalled.as_mut().poll(cx));
        Poll::Ready(Err(io::ErrorKind::TimedOut.into()))
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.another_version {
            return Poll::Ready(Ok(()));
        }
        let start = buf.filled().len();
        ready!(Pin::new(&mut this.stream).poll_read(cx, buf))?;
        let arrived = &buf.filled()[start..];
        if !this.read_any && !arrived.is_empty() {
            this.read_any = true;
            this.another_version = names_another_version(arrived);
            if this.another_version {
                buf.set_filled(start);
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.progress(cx, written)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.progress(cx, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.another_version {
            // Not yet: the 505 is still to be written.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_http_version_other_than_1_x_is_refused_by_the_first_read() {
        for other in [
            "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
            "\r\nGET /a HTTP/1.2\r\n",
        ] {
            assert!(names_another_version(other.as_bytes()), "{other:?}");
        }
        for fine in [
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.0\r\n\r\n",
            // Garbage is hyper's to refuse (400), not a version; so is a line in pieces.
            "NOT A REQUEST LINE\r\n\r\n",
            "GET / HTTX/1.1\r\n\r\n",
            "GET / HTTP/2.0",
        ] {
            assert!(!names_another_version(fine.as_bytes()), "{fine:?}");
        }
    }
}
