//! The dev server's HTTP/1.1 connections: accepting, reading requests within limits and
//! deadlines, writing responses.
//!
//! This replaces tiny_http's connection handling, which had no bound on a request line or
//! header (a client could make the server buffer gigabytes), no timeout (an idle or
//! byte-a-second client held a thread forever), an unbounded thread per connection, and an
//! accept loop that stopped for good on the first error (running out of file descriptors
//! left the server refusing every later connection).
//!
//! The model: one thread per connection, at most [`Limits::max_connections`] of them. A
//! request head must arrive whole within [`Limits::head_timeout`] of when the server
//! starts waiting for it, so a slow or idle client costs one thread for a bounded time and
//! never delays another client. When every slot is taken, the connection that has waited
//! longest for a request head is closed to make room (an idle keep-alive or a slowloris
//! client, never one being answered); only when all of them are being answered (long
//! polls, say) is a new connection turned away with 503.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

/// Bounds on what one client can make the server hold.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest request line (method, target, version), in bytes; longer gets 414.
    pub max_request_line: usize,
    /// Largest request head (request line and headers), in bytes; larger gets 431.
    pub max_head: usize,
    /// Most header fields in one request; more gets 431.
    pub max_headers: usize,
    /// Largest request body, read and discarded (the server only answers GET and HEAD);
    /// larger gets 413.
    pub max_body: usize,
    /// A whole request head (and its body) must arrive within this of when the server
    /// starts waiting for it; otherwise the connection is closed (with 408 if part of a
    /// request had arrived).
    pub head_timeout: Duration,
    /// Writing one response may take this long before the client is given up on.
    pub write_timeout: Duration,
    /// Open connections at most (one thread each).
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_request_line: 8 * 1024,
            max_head: 64 * 1024,
            max_headers: 100,
            max_body: 64 * 1024,
            head_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            max_connections: 1000,
        }
    }
}

/// The HTTP version of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// HTTP/1.0: the connection closes after the answer unless asked to stay open.
    Http10,
    /// HTTP/1.1: the connection stays open unless asked to close.
    Http11,
}

/// One request, as read from a connection.
#[derive(Debug)]
pub struct Request<'a> {
    /// The method, as sent (`GET`, `HEAD`, ...).
    pub method: String,
    /// The request target, as sent (still percent-encoded).
    pub target: String,
    /// The HTTP version.
    pub version: Version,
    headers: Vec<(String, String)>,
    stream: &'a TcpStream,
}

impl Request<'_> {
    /// The value of header `name` (case-insensitive); repeated headers are joined with
    /// `, ` as HTTP allows.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// Whether the client has closed the connection (a tab that was closed while its long
    /// poll waited): the waiting thread can give up at once instead of at its timeout.
    pub fn client_gone(&self) -> bool {
        if self.stream.set_nonblocking(true).is_err() {
            return true;
        }
        let mut byte = [0u8; 1];
        let gone = match self.stream.peek(&mut byte) {
            Ok(0) => true,
            // Pipelined bytes of a next request: still there.
            Ok(_) => false,
            Err(err) => err.kind() != ErrorKind::WouldBlock,
        };
        gone || self.stream.set_nonblocking(false).is_err()
    }
}

/// One response. `Content-Length` and `Connection` are added when it is written; a HEAD
/// request gets the headers without the body.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// The body (shared: a page the server keeps is sent without a copy).
    pub body: Arc<[u8]>,
}

impl Response {
    /// A plain-text response.
    pub fn text(status: u16, text: &str) -> Self {
        Self {
            status,
            headers: vec![(
                "Content-Type".to_string(),
                "text/plain; charset=utf-8".to_string(),
            )],
            body: text.as_bytes().into(),
        }
    }
}

/// What answers requests: called on the connection's thread, so it may wait (a long
/// poll) without holding up anyone else.
pub type Handler = dyn Fn(&Request<'_>) -> Response + Send + Sync;

/// A running accept loop; [`Acceptor::stop`] ends it.
#[derive(Debug)]
pub struct Acceptor {
    thread: Option<thread::JoinHandle<()>>,
    stopping: Arc<AtomicBool>,
    wake: std::net::SocketAddr,
}

impl Acceptor {
    /// Accepts connections on `listener` until stopped, each on a thread of its own.
    pub fn start(
        listener: TcpListener,
        limits: Limits,
        handler: Arc<Handler>,
    ) -> std::io::Result<Self> {
        let mut wake = listener.local_addr()?;
        if wake.ip().is_unspecified() {
            wake.set_ip(if wake.is_ipv4() {
                std::net::Ipv4Addr::LOCALHOST.into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            });
        }
        let stopping = Arc::new(AtomicBool::new(false));
        let thread = {
            let stopping = stopping.clone();
            thread::Builder::new()
                .name("hindsight-accept".to_string())
                .spawn(move || accept_loop(&listener, &limits, &handler, &stopping))?
        };
        Ok(Self {
            thread: Some(thread),
            stopping,
            wake,
        })
    }

    /// Stops accepting and waits for the accept loop to end. Connections already open
    /// finish on their own threads (each within its deadlines).
    pub fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // The loop is blocked in accept(): a connection of our own wakes it.
        let _ = TcpStream::connect_timeout(&self.wake, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Acceptor {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.stop_now();
        }
    }
}

/// The open connections: a clone of each socket (to close it from the accept loop) and
/// since when it has been waiting for a request head, if it is.
#[derive(Debug, Default)]
struct Registry {
    next_id: u64,
    open: HashMap<u64, (TcpStream, Option<Instant>)>,
}

fn lock(registry: &Mutex<Registry>) -> MutexGuard<'_, Registry> {
    match registry.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl Registry {
    /// Closes the connection that has waited longest for a request head; false if every
    /// connection is busy being answered.
    fn evict_longest_waiting(&mut self) -> bool {
        let victim = self
            .open
            .iter()
            .filter_map(|(id, (_, since))| since.map(|since| (since, *id)))
            .min();
        match victim.and_then(|(_, id)| self.open.remove(&id)) {
            Some((stream, _)) => {
                // Wakes the connection's blocked read, which then ends the thread.
                let _ = stream.shutdown(Shutdown::Both);
                true
            }
            None => false,
        }
    }
}

/// Removes a connection from the registry however its thread ends.
struct Registered {
    registry: Arc<Mutex<Registry>>,
    id: u64,
}

impl Registered {
    fn waiting(&self, since: Option<Instant>) {
        if let Some(entry) = lock(&self.registry).open.get_mut(&self.id) {
            entry.1 = since;
        }
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        lock(&self.registry).open.remove(&self.id);
    }
}

fn accept_loop(
    listener: &TcpListener,
    limits: &Limits,
    handler: &Arc<Handler>,
    stopping: &AtomicBool,
) {
    let registry = Arc::new(Mutex::new(Registry::default()));
    while !stopping.load(Ordering::SeqCst) {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(err) => {
                // Out of file descriptors or memory, or a connection reset before it was
                // accepted: never a reason to stop serving. Making room and trying again
                // shortly is.
                if !matches!(
                    err.kind(),
                    ErrorKind::ConnectionAborted
                        | ErrorKind::ConnectionReset
                        | ErrorKind::Interrupted
                ) {
                    lock(&registry).evict_longest_waiting();
                    thread::sleep(Duration::from_millis(20));
                }
                continue;
            }
        };
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let id = {
            let mut open = lock(&registry);
            if open.open.len() >= limits.max_connections && !open.evict_longest_waiting() {
                drop(open);
                refuse(stream);
                continue;
            }
            // Out of file descriptors for the clone: make room once, then try again.
            let clone = stream.try_clone().or_else(|_| {
                open.evict_longest_waiting();
                stream.try_clone()
            });
            let Ok(clone) = clone else {
                drop(open);
                refuse(stream);
                continue;
            };
            open.next_id += 1;
            let id = open.next_id;
            open.open.insert(id, (clone, Some(Instant::now())));
            id
        };
        let registered = Registered {
            registry: registry.clone(),
            id,
        };
        let (limits, handler) = (limits.clone(), handler.clone());
        let spawned = thread::Builder::new()
            .name("hindsight-http".to_string())
            .stack_size(512 * 1024)
            .spawn(move || serve_connection(&stream, &registered, &limits, &*handler));
        // A thread that could not be started drops its closure: the socket closes and the
        // registration goes with it.
        let _ = spawned;
    }
}

/// Turns a connection away without waiting on it: the socket is non-blocking, so a
/// client that does not read cannot hold up the accept loop.
fn refuse(stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let _ = (&stream).write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\nContent-Length: 20\r\nConnection: close\r\n\r\ntoo many connections",
    );
}

/// Why a request could not be read; each but `Closed` is answered before closing.
#[derive(Debug, PartialEq, Eq)]
enum ReadError {
    /// The client closed the connection, or went idle between requests: close quietly.
    Closed,
    /// Status and message to answer with, then close.
    Refuse(u16, &'static str),
}

fn serve_connection(
    stream: &TcpStream,
    registered: &Registered,
    limits: &Limits,
    handler: &Handler,
) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    let mut buffer = Vec::new();
    loop {
        registered.waiting(Some(Instant::now()));
        let deadline = Instant::now() + limits.head_timeout;
        let request = read_request(stream, &mut buffer, limits, deadline);
        registered.waiting(None);
        let (request, keep_alive) = match request {
            Ok(request) => request,
            Err(ReadError::Closed) => return,
            Err(ReadError::Refuse(status, message)) => {
                let response = Response::text(status, &format!("{message}\n"));
                let _ = write_response(stream, &response, Version::Http11, true, false);
                linger(stream);
                return;
            }
        };
        let response = handler(&request);
        let head_only = request.method == "HEAD";
        if write_response(stream, &response, request.version, !keep_alive, head_only).is_err()
            || !keep_alive
        {
            return;
        }
    }
}

/// After refusing a request the client may still be sending it: closing with unread bytes
/// would reset the connection and could destroy the answer before the client reads it. So
/// the write side is closed first and what still comes is read and dropped, briefly.
fn linger(mut stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut sink = [0u8; 16 * 1024];
    let mut drained = 0;
    let started = Instant::now();
    while drained < 4 * 1024 * 1024 && started.elapsed() < Duration::from_secs(2) {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

/// Reads more bytes into `buffer`, waiting until `deadline` at most.
fn fill(mut stream: &TcpStream, buffer: &mut Vec<u8>, deadline: Instant) -> Result<(), ReadError> {
    let timed_out = |buffer: &Vec<u8>| {
        if buffer.iter().all(|b| matches!(b, b'\r' | b'\n')) {
            // Nothing of a request came: an idle connection, closed without a word.
            ReadError::Closed
        } else {
            ReadError::Refuse(408, "request timeout: the request did not arrive in time")
        }
    };
    let remaining = deadline.saturating_duration_since(Instant::now());
    if remaining.is_zero() {
        return Err(timed_out(buffer));
    }
    if stream.set_read_timeout(Some(remaining)).is_err() {
        return Err(ReadError::Closed);
    }
    let mut chunk = [0u8; 8 * 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => return Err(ReadError::Closed),
            Ok(n) => {
                buffer.extend_from_slice(&chunk[..n]);
                return Ok(());
            }
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(timed_out(buffer));
            }
            Err(_) => return Err(ReadError::Closed),
        }
    }
}

/// Reads one request (head and any body) from the connection; `buffer` carries bytes of
/// the next pipelined request over. Returns the request and whether the connection stays
/// open after the answer.
fn read_request<'a>(
    stream: &'a TcpStream,
    buffer: &mut Vec<u8>,
    limits: &Limits,
    deadline: Instant,
) -> Result<(Request<'a>, bool), ReadError> {
    let head_end = loop {
        // Blank lines before a request line are allowed (RFC 9112 §2.2).
        let start = buffer
            .iter()
            .position(|b| !matches!(b, b'\r' | b'\n'))
            .unwrap_or(buffer.len());
        buffer.drain(..start);
        let line_end = buffer.iter().position(|&b| b == b'\n');
        if line_end.unwrap_or(buffer.len()) > limits.max_request_line {
            return Err(ReadError::Refuse(
                414,
                "request line too long: at most 8 KiB",
            ));
        }
        let head_end = find_head_end(buffer);
        if head_end.unwrap_or(buffer.len()) > limits.max_head {
            return Err(ReadError::Refuse(
                431,
                "request headers too large: at most 64 KiB",
            ));
        }
        if let Some(end) = head_end {
            break end;
        }
        fill(stream, buffer, deadline)?;
    };
    let head: Vec<u8> = buffer.drain(..head_end).collect();
    let (method, target, version, headers) = parse_head(&head, limits)?;
    let keep_alive = keeps_alive(version, &headers);

    if headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("Transfer-Encoding"))
    {
        return Err(ReadError::Refuse(
            501,
            "request bodies with Transfer-Encoding are not supported",
        ));
    }
    let lengths: Vec<&str> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
        .map(|(_, v)| v.as_str())
        .collect();
    let body_length = match lengths.as_slice() {
        [] => 0,
        [first, rest @ ..] if rest.iter().all(|v| v == first) => first
            .parse::<usize>()
            .map_err(|_| ReadError::Refuse(400, "bad Content-Length"))?,
        _ => return Err(ReadError::Refuse(400, "conflicting Content-Length headers")),
    };
    if body_length > limits.max_body {
        return Err(ReadError::Refuse(413, "request body too large"));
    }
    while buffer.len() < body_length {
        fill(stream, buffer, deadline).map_err(|err| match err {
            ReadError::Closed => ReadError::Closed,
            ReadError::Refuse(..) => {
                ReadError::Refuse(408, "request timeout: the body did not arrive in time")
            }
        })?;
    }
    // The server answers only GET and HEAD; a body is read so the next request starts
    // where it should, then dropped.
    buffer.drain(..body_length);
    Ok((
        Request {
            method,
            target,
            version,
            headers,
            stream,
        },
        keep_alive,
    ))
}

/// The length of the head (through its blank line), if all of it is in `buffer`.
fn find_head_end(buffer: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(offset) = buffer[at..].iter().position(|&b| b == b'\n') {
        let newline = at + offset;
        let next = newline + 1;
        if buffer.get(next) == Some(&b'\n') {
            return Some(next + 1);
        }
        if buffer.get(next) == Some(&b'\r') && buffer.get(next + 1) == Some(&b'\n') {
            return Some(next + 2);
        }
        at = next;
    }
    None
}

type Head = (String, String, Version, Vec<(String, String)>);

fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn parse_head(head: &[u8], limits: &Limits) -> Result<Head, ReadError> {
    let bad = |message| ReadError::Refuse(400, message);
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .take_while(|line| !line.is_empty());
    let request_line = lines.next().ok_or(bad("empty request"))?;
    let request_line = std::str::from_utf8(request_line)
        .ok()
        .filter(|line| line.is_ascii())
        .ok_or(bad("the request line is not ASCII"))?;
    let parts: Vec<&str> = request_line.split(' ').collect();
    let [method, target, version] = parts.as_slice() else {
        return Err(bad("malformed request line"));
    };
    if !is_token(method) {
        return Err(bad("malformed method"));
    }
    if target.is_empty() || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad("malformed request target"));
    }
    let version = match *version {
        "HTTP/1.1" => Version::Http11,
        "HTTP/1.0" => Version::Http10,
        other
            if other.len() == 8
                && other.starts_with("HTTP/")
                && other.as_bytes()[5].is_ascii_digit()
                && other.as_bytes()[6] == b'.'
                && other.as_bytes()[7].is_ascii_digit() =>
        {
            return Err(ReadError::Refuse(
                505,
                "HTTP version not supported: use HTTP/1.1",
            ));
        }
        _ => return Err(bad("malformed HTTP version")),
    };
    let mut headers = Vec::new();
    for line in lines {
        if headers.len() >= limits.max_headers {
            return Err(ReadError::Refuse(431, "too many request headers"));
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or(bad("malformed header line"))?;
        let name = std::str::from_utf8(&line[..colon])
            .ok()
            .filter(|name| is_token(name))
            .ok_or(bad("malformed header name"))?;
        let value = &line[colon + 1..];
        if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(bad("control character in a header value"));
        }
        let value = String::from_utf8_lossy(value)
            .trim_matches([' ', '\t'])
            .to_string();
        headers.push((name.to_string(), value));
    }
    Ok((method.to_string(), target.to_string(), version, headers))
}

/// Whether the connection stays open after this request (RFC 9112 §9.3).
fn keeps_alive(version: Version, headers: &[(String, String)]) -> bool {
    let has = |token: &str| {
        headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("Connection"))
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    match version {
        Version::Http11 => !has("close"),
        Version::Http10 => has("keep-alive"),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

fn write_response(
    mut stream: &TcpStream,
    response: &Response,
    version: Version,
    close: bool,
    head_only: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        // Names and values are the server's own; a stray line break would still never
        // split a header.
        if !name.contains(['\r', '\n']) && !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    // A 304 has no body, and its length would have to be the one it stands for.
    if response.status != 304 && response.status != 204 {
        head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    }
    if close {
        head.push_str("Connection: close\r\n");
    } else if version == Version::Http10 {
        head.push_str("Connection: keep-alive\r\n");
    }
    head.push_str("\r\n");
    let body: &[u8] = if head_only || matches!(response.status, 204 | 304) {
        &[]
    } else {
        &response.body
    };
    if body.len() <= 16 * 1024 {
        // One write, one packet for the common small answer.
        let mut all = head.into_bytes();
        all.extend_from_slice(body);
        stream.write_all(&all)?;
    } else {
        stream.write_all(head.as_bytes())?;
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(head: &str) -> Result<Head, ReadError> {
        parse_head(head.as_bytes(), &Limits::default())
    }

    #[test]
    fn a_request_head_is_parsed() {
        let (method, target, version, headers) =
            parse("GET /a?b HTTP/1.1\r\nHost: x\r\nAccept:  text/html \r\n\r\n").unwrap();
        assert_eq!((method.as_str(), target.as_str()), ("GET", "/a?b"));
        assert_eq!(version, Version::Http11);
        assert_eq!(headers[1], ("Accept".to_string(), "text/html".to_string()));
    }

    #[test]
    fn malformed_heads_are_refused() {
        for (head, status) in [
            ("GET / HTTP/1.1 extra\r\n\r\n", 400),
            ("GET  / HTTP/1.1\r\n\r\n", 400),
            ("GET /\r\n\r\n", 400),
            ("G(T / HTTP/1.1\r\n\r\n", 400),
            ("GET / HTTP/2.0\r\n\r\n", 505),
            ("GET / HTTX/1.1\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nNo colon\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nBad name: x\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\n folded: x\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n", 400),
            ("GET /\x7f HTTP/1.1\r\n\r\n", 400),
        ] {
            match parse(head) {
                Err(ReadError::Refuse(got, _)) => assert_eq!(got, status, "{head:?}"),
                other => panic!("{head:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn too_many_headers_are_refused() {
        let mut head = String::from("GET / HTTP/1.1\r\n");
        for i in 0..101 {
            head.push_str(&format!("X-{i}: y\r\n"));
        }
        head.push_str("\r\n");
        assert!(matches!(parse(&head), Err(ReadError::Refuse(431, _))));
    }

    #[test]
    fn the_head_ends_at_the_first_blank_line_with_either_line_ending() {
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n\r\nrest"), Some(18));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\n\nrest"), Some(16));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
    }

    #[test]
    fn connections_persist_by_version_and_connection_header() {
        let header = |v: &str| vec![("connection".to_string(), v.to_string())];
        assert!(keeps_alive(Version::Http11, &[]));
        assert!(!keeps_alive(Version::Http11, &header("Close")));
        assert!(!keeps_alive(Version::Http10, &[]));
        assert!(keeps_alive(Version::Http10, &header("keep-alive")));
    }
}
