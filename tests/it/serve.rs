//! `hindsight serve` over real HTTP: the real binary on a free port, a fixture site of its
//! own per test, requests made with ureq (or raw over a `TcpStream` when the request must
//! reach the server exactly as written), and edits made to the files while it runs.
//!
//! [`Server`] is shared with `browser_reload`: it starts the binary, reads the URL it
//! prints, and kills it on drop so no test leaves a process behind.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use scraper::Html;

use crate::fixture::{CONFIG, DB_FRONT_MATTER, SiteFixture, first, hrefs, select, text};

/// How long a test waits for a rebuild to show. Generous: debug builds on a busy machine
/// with many servers running at once; a passing test returns as soon as it sees the
/// change.
pub const REBUILD_TIMEOUT: Duration = Duration::from_secs(30);

/// A running `hindsight serve`, killed on drop.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT/`, as printed by the server.
    pub url: String,
    /// The port it listens on.
    pub port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    agent: ureq::Agent,
}

/// One HTTP response.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body as received.
    pub body: Vec<u8>,
}

impl Reply {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `name`.
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as HTML.
    pub fn html(&self) -> Html {
        Html::parse_document(&self.text())
    }

    /// The text of the live-reload overlay, if the page carries one.
    pub fn overlay(&self) -> Option<String> {
        let html = self.html();
        select(&html, "#hindsight-overlay")
            .first()
            .map(|overlay| text(*overlay))
    }
}

impl Server {
    /// Serves `site` on a free port of 127.0.0.1.
    pub fn start(site: &SiteFixture) -> Self {
        Self::start_in(site.root(), &[])
    }

    /// Serves the site at `root` with extra arguments, waiting until it prints its URL.
    pub fn start_in(root: &Path, extra: &[&str]) -> Self {
        let mut command = serve_command(root);
        command.args(["--port", "0"]).args(extra);
        Self::spawn(command)
    }

    /// Runs `command` (a `hindsight serve` on a free port, however it is started),
    /// waiting until it prints its URL.
    pub fn spawn(mut command: Command) -> Self {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("start hindsight serve");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (url_sender, url_receiver) = mpsc::channel();
        let out = child.stdout.take().expect("piped stdout");
        let err = child.stderr.take().expect("piped stderr");
        {
            let stdout = stdout.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    if let Some(at) = line.find("http://") {
                        let url: String = line[at..]
                            .chars()
                            .take_while(|c| !c.is_whitespace())
                            .collect();
                        let _ = url_sender.send(url);
                    }
                    let mut all = stdout.lock().unwrap();
                    all.push_str(&line);
                    all.push('\n');
                }
            });
        }
        {
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    let mut all = stderr.lock().unwrap();
                    all.push_str(&line);
                    all.push('\n');
                }
            });
        }
        let url = match url_receiver.recv_timeout(Duration::from_secs(120)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let status = child.wait();
                panic!(
                    "hindsight serve printed no URL ({status:?})\nstdout:\n{}\nstderr:\n{}",
                    stdout.lock().unwrap(),
                    stderr.lock().unwrap()
                );
            }
        };
        let port = url
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {url}"));
        let agent = http_agent();
        Self {
            child: Some(child),
            url,
            port,
            stdout,
            stderr,
            agent,
        }
    }

    /// The server's process id (for /proc/<pid>/…).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("a running server").id()
    }

    /// Everything the server printed on stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// Everything the server printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url_of(&self, path: &str) -> String {
        format!("{}{path}", self.url.trim_end_matches('/'))
    }

    /// `GET path`.
    #[track_caller]
    pub fn get(&self, path: &str) -> Reply {
        self.get_with(path, &[])
    }

    /// `GET path` with request headers.
    #[track_caller]
    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.agent.get(self.url_of(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = request
            .call()
            .unwrap_or_else(|err| panic!("GET {path}: {err}\n{}", self.logs()));
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    value.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .unwrap_or_else(|err| panic!("GET {path}: reading the body: {err}"));
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Sends `request` (a request line and headers, without the final blank line) exactly
    /// as written, with `Connection: close`, and reads the whole answer.
    #[track_caller]
    pub fn raw(&self, request: &str) -> Reply {
        raw_request(self.port, request)
    }

    /// The server's stdout and stderr, for failure messages.
    pub fn logs(&self) -> String {
        format!(
            "server stdout:\n{}\nserver stderr:\n{}",
            self.stdout(),
            self.stderr()
        )
    }

    /// Polls `path` until `done` accepts the reply; panics after [`REBUILD_TIMEOUT`].
    #[track_caller]
    pub fn wait_for(&self, path: &str, what: &str, done: impl Fn(&Reply) -> bool) -> Reply {
        let started = Instant::now();
        loop {
            let reply = self.get(path);
            if done(&reply) {
                return reply;
            }
            assert!(
                started.elapsed() < REBUILD_TIMEOUT,
                "timed out waiting for {what} on {path}; last reply {}:\n{}\n{}",
                reply.status,
                reply.text(),
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the page at `path` contains `needle` (status 200).
    #[track_caller]
    pub fn wait_for_text(&self, path: &str, needle: &str) -> Reply {
        self.wait_for(path, &format!("{needle:?}"), |r| {
            r.status == 200 && r.text().contains(needle)
        })
    }

    /// Waits until `path` answers with `status`.
    #[track_caller]
    pub fn wait_for_status(&self, path: &str, status: u16) -> Reply {
        self.wait_for(path, &format!("status {status}"), |r| r.status == status)
    }

    /// Sends SIGINT (what Ctrl-C sends) and waits for the process to end.
    pub fn interrupt(mut self) -> ExitStatus {
        let mut child = self.child.take().expect("a running server");
        let killed = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(killed.success(), "kill -INT failed");
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("wait for the server") {
                return status;
            }
            if started.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the server did not stop within 10 s of SIGINT");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `hindsight serve --root <root>` in a clean environment (no `HINDSIGHT_*`, no `TZ`).
pub fn serve_command(root: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hindsight"));
    command.arg("serve").arg("--root").arg(root);
    command.current_dir(root);
    command.env_remove("TZ");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("HINDSIGHT_") {
            command.env_remove(&key);
        }
    }
    command
}

/// Sends a raw request to 127.0.0.1:`port` and reads the answer until the server closes.
#[track_caller]
/// An HTTP client that reports redirects and error statuses as they are (the tests
/// assert on them) and gives up after 30 s.
pub fn http_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

pub fn raw_request(port: u16, request: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let message = format!("{request}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(message.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    // A timeout ends the read too; what arrived is what the server sent.
    let _ = stream.read_to_end(&mut bytes);
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "no complete response to {request:?}: {:?}",
                String::from_utf8_lossy(&bytes)
            )
        });
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let body = bytes[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body,
    }
}

/// Rewrites a file of the site in place, the way most editors save.
#[track_caller]
pub fn edit(site: &SiteFixture, rel: &str, change: impl FnOnce(String) -> String) {
    let path = site.path(rel);
    let before = std::fs::read_to_string(&path).unwrap();
    let after = change(before.clone());
    assert_ne!(before, after, "the edit of {rel} changes nothing");
    std::fs::write(&path, after).unwrap();
}

/// The line (1-based) of the first line of `text` containing `needle`.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"))
}

const DB_TITLE: &str = "Web app down after MySQL password was mistyped";

#[test]
fn serve_answers_each_kind_of_file_with_its_content_type() {
    let site = SiteFixture::standard();
    let png: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let woff2: &[u8] = b"wOF2\0\x01\0\0\0\0\0\0";
    site.file("static/fonts/body.woff2", woff2)
        .file("static/img/pixel.png", png)
        .file(
            "static/img/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .file("static/data/extra.json", "{\"a\":1}")
        .file("static/extra.css", "body { margin: 0 }");
    let server = Server::start(&site);

    for (path, content_type) in [
        ("/", "text/html; charset=utf-8"),
        ("/postmortems/db/", "text/html; charset=utf-8"),
        ("/root-causes/configuration/", "text/html; charset=utf-8"),
        ("/extra.css", "text/css; charset=utf-8"),
        ("/static/syntax-light.css", "text/css; charset=utf-8"),
        ("/__hindsight/live.js", "text/javascript; charset=utf-8"),
        ("/img/logo.svg", "image/svg+xml"),
        ("/atom.xml", "application/xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/postmortems.json", "application/json"),
        ("/data/extra.json", "application/json"),
        ("/fonts/body.woff2", "font/woff2"),
        ("/img/pixel.png", "image/png"),
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}\n{}", server.logs());
        assert_eq!(reply.header("content-type"), Some(content_type), "{path}");
        assert_eq!(reply.header("cache-control"), Some("no-cache"), "{path}");
        assert_eq!(reply.headers_named("cache-control").len(), 1, "{path}");
        assert!(reply.header("etag").is_some(), "{path} has no ETag");
    }
    // Binary files arrive byte for byte.
    assert_eq!(server.get("/img/pixel.png").body, png);
    assert_eq!(server.get("/fonts/body.woff2").body, woff2);
    // The pages are the site's, with the live-reload script added.
    let home = server.get("/").html();
    assert!(hrefs(&home, "a[href]").contains(&"/postmortems/db/".to_string()));
    let page = server.get("/postmortems/db/").html();
    assert_eq!(text(first(&page, "h1")), DB_TITLE);
    let scripts: Vec<_> = select(&page, "script[src]")
        .into_iter()
        .filter_map(|s| s.value().attr("src"))
        .collect();
    assert!(scripts.contains(&"/__hindsight/live.js"), "{scripts:?}");
    let json: serde_json::Value =
        serde_json::from_slice(&server.get("/postmortems.json").body).expect("JSON export");
    assert!(json.to_string().contains(DB_TITLE));
}

#[test]
fn serve_answers_folders_with_index_and_redirects_bare_paths() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    let folder = server.get("/postmortems/db/");
    assert_eq!(folder.status, 200);
    assert_eq!(
        server.get("/postmortems/db/index.html").text(),
        folder.text()
    );
    for (bare, target) in [
        ("/postmortems/db", "/postmortems/db/"),
        ("/root-causes", "/root-causes/"),
        ("/timeline", "/timeline/"),
    ] {
        let reply = server.get(bare);
        assert_eq!(reply.status, 301, "{bare}");
        assert_eq!(reply.header("location"), Some(target), "{bare}");
    }
    // A query string is not part of the path.
    assert_eq!(server.get("/postmortems/db/?x=1").status, 200);
}

#[test]
fn serve_answers_missing_paths_with_the_sites_404_page() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    for path in [
        "/nope/",
        "/postmortems/nope/",
        "/static/nope.css",
        "/nope.html",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(
            reply.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        let html = reply.html();
        // The site's own 404 page: its layout (site title), with live reload.
        assert!(
            text(first(&html, "title")).contains("Fixture incident library"),
            "{path}: {}",
            reply.text()
        );
        assert!(reply.text().contains("/__hindsight/live.js"), "{path}");
    }
}

#[test]
fn serve_answers_head_with_headers_and_no_body() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    for (path, status) in [
        ("/postmortems/db/", 200),
        ("/static/syntax-light.css", 200),
        ("/nope/", 404),
        ("/postmortems/db", 301),
    ] {
        let head = server.raw(&format!("HEAD {path} HTTP/1.1"));
        let get = server.raw(&format!("GET {path} HTTP/1.1"));
        assert_eq!(head.status, status, "HEAD {path}");
        assert_eq!(get.status, status, "GET {path}");
        assert!(
            head.body.is_empty(),
            "HEAD {path} sent a body: {}",
            head.text()
        );
        assert!(!get.body.is_empty(), "GET {path} sent no body");
        assert_eq!(head.header("content-type"), get.header("content-type"));
        assert_eq!(
            head.header("content-length"),
            Some(get.body.len().to_string().as_str()),
            "HEAD {path}"
        );
        assert_eq!(head.header("etag"), get.header("etag"), "HEAD {path}");
    }
    // Anything else is refused.
    let post = server.raw("POST / HTTP/1.1\r\nContent-Length: 0");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
}

#[test]
fn serve_revalidates_with_etags_and_changes_them_after_an_edit() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    for path in ["/postmortems/db/", "/static/syntax-light.css"] {
        let reply = server.get(path);
        let etag = reply.header("etag").expect("an ETag").to_string();
        let again = server.get_with(path, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty(), "{path}");
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        let other = server.get_with(path, &[("If-None-Match", "\"something-else\"")]);
        assert_eq!(other.status, 200, "{path}");
    }

    let before = server.get("/postmortems/db/");
    let old_etag = before.header("etag").unwrap().to_string();
    edit(&site, "content/2024/db.md", |t| {
        t.replace(
            "The password was mistyped.",
            "The password was typed twice.",
        )
    });
    let after = server.wait_for_text("/postmortems/db/", "typed twice");
    let new_etag = after.header("etag").unwrap().to_string();
    assert_ne!(old_etag, new_etag);
    // A browser revalidating its old copy gets the new page, never a 304.
    let revalidated = server.get_with("/postmortems/db/", &[("If-None-Match", &old_etag)]);
    assert_eq!(revalidated.status, 200);
    assert!(revalidated.text().contains("typed twice"));
}

#[test]
fn serve_never_returns_a_file_outside_the_site() {
    let site = SiteFixture::standard();
    // Files of the site folder that are not part of the built site.
    site.file("secret.txt", "SECRET-IN-SITE-ROOT")
        .file("content/notes.txt", "SECRET-IN-CONTENT");
    let server = Server::start(&site);
    let hostile = [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/static/../../secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/%2e%2e%2fsecret.txt",
        "/static/%2e%2e/%2e%2e/secret.txt",
        "/static%2f..%2f..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/static/%252e%252e/%252e%252e/etc/passwd",
        "/..\\secret.txt",
        "/static\\..\\..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/..%5c..%5csecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/./secret.txt",
        "/%2e/secret.txt",
        "/%00/../secret.txt",
        "//etc/passwd",
        "///etc/passwd",
        "/secret.txt",
        "/content/notes.txt",
        "/site.toml",
        "/content/2024/db.md",
        "http://evil/../../etc/passwd",
        "http://127.0.0.1/../secret.txt",
        "http://evil//etc/passwd",
        "../secret.txt",
        "secret.txt",
        "*",
    ];
    for target in hostile {
        for method in ["GET", "HEAD"] {
            let reply = server.raw(&format!("{method} {target} HTTP/1.1"));
            let body = reply.text();
            assert!(
                matches!(reply.status, 400 | 404),
                "{method} {target} answered {}:\n{body}",
                reply.status
            );
            for secret in ["SECRET-IN", "root:x:0:0", "[root_causes]", "title: Web app"] {
                assert!(
                    !body.contains(secret),
                    "{method} {target} leaked {secret:?}:\n{body}"
                );
            }
        }
    }
    // HTTP/1.0 and a request line without a version are refused or answered safely too.
    for request in [
        "GET /../secret.txt HTTP/1.0",
        "GET /%2e%2e/secret.txt HTTP/1.0",
    ] {
        let reply = server.raw(request);
        assert!(!reply.text().contains("SECRET-IN"), "{request}");
        assert!(
            matches!(reply.status, 400 | 404),
            "{request}: {}",
            reply.status
        );
    }
    // The server is still up and serving the site.
    assert_eq!(server.get("/postmortems/db/").status, 200);
}

#[test]
fn serve_shows_an_edit_on_every_page_that_depends_on_it() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    let dependants = [
        "/",
        "/postmortems/db/",
        "/root-causes/configuration/",
        "/services/mysql/",
        "/services/web-app/",
        "/timeline/2024/",
        "/atom.xml",
        "/postmortems.json",
    ];
    for path in dependants {
        assert!(
            server.get(path).text().contains(DB_TITLE),
            "{path} does not show the title before the edit"
        );
    }
    edit(&site, "content/2024/db.md", |t| {
        t.replace(
            DB_TITLE,
            "Checkout down after the MySQL password was mistyped",
        )
    });
    server.wait_for_text("/postmortems/db/", "Checkout down after");
    for path in dependants {
        let page = server.get(path).text();
        assert!(
            page.contains("Checkout down after") && !page.contains(DB_TITLE),
            "{path} still shows the old title after the edit:\n{page}"
        );
    }
    // A page that does not depend on it is unchanged and still served.
    assert!(
        server
            .get("/postmortems/disk/")
            .text()
            .contains("Disk full")
    );
    // The line is printed when the whole rebuild is done, which may be after the pages
    // that list the postmortem are served (they are released first).
    let deadline = std::time::Instant::now() + REBUILD_TIMEOUT;
    while !server.stdout().contains("Rebuilt") && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        server.stdout().contains("Rebuilt"),
        "the terminal says nothing about the rebuild:\n{}",
        server.logs()
    );
}

#[test]
fn serve_shows_an_edit_at_the_end_of_a_long_body_and_keeps_the_other_pages() {
    // Past the start of the body that related incidents read, an edit changes only the
    // postmortem's own page (the server renders that page alone).
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    let padding = "Nothing else to add in this sentence. ".repeat(20);
    edit(&site, "content/2024/db.md", |t| {
        format!("{t}\n\n{padding}\n\nFirst ending.\n")
    });
    server.wait_for_text("/postmortems/db/", "First ending.");
    edit(&site, "content/2024/db.md", |t| {
        t.replace("First ending.", "Second ending.")
    });
    let page = server.wait_for_text("/postmortems/db/", "Second ending.");
    assert!(!page.text().contains("First ending."));
    for path in [
        "/",
        "/root-causes/configuration/",
        "/services/mysql/",
        "/timeline/2024/",
        "/postmortems.json",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert!(
            reply.text().contains(DB_TITLE),
            "{path} lost the postmortem"
        );
    }
}

#[test]
fn serve_picks_up_a_save_by_rename() {
    // Many editors write a temporary file and rename it over the original.
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    let text = std::fs::read_to_string(site.path("content/2024/db.md")).unwrap();
    let temp = site.path("content/2024/.db.md.tmp-1234");
    std::fs::write(&temp, text.replace("mistyped.", "mistyped again.")).unwrap();
    std::fs::rename(&temp, site.path("content/2024/db.md")).unwrap();
    server.wait_for_text("/postmortems/db/", "mistyped again");
}

const CACHE_FRONT_MATTER: &str = r#"
    title: Cache stampede after a cold restart
    started: 2024-10-01T12:00:00Z
    resolved: 2024-10-01T12:40:00Z
    severity: SEV3
    services: [cache]
    root_cause: capacity
"#;

#[test]
fn serve_adds_a_created_postmortem() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    assert_eq!(server.get("/postmortems/cache/").status, 404);
    site.postmortem(
        "2024/cache.md",
        CACHE_FRONT_MATTER,
        "Everything missed at once.\n",
    );
    let page = server.wait_for_status("/postmortems/cache/", 200);
    assert_eq!(
        text(first(&page.html(), "h1")),
        "Cache stampede after a cold restart"
    );
    let home = server.get("/").html();
    assert!(hrefs(&home, "a[href]").contains(&"/postmortems/cache/".to_string()));
    assert_eq!(server.get("/services/cache/").status, 200);
    assert!(
        server
            .get("/root-causes/capacity/")
            .text()
            .contains("Cache stampede")
    );
}

#[test]
fn serve_drops_a_deleted_postmortem() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    let home = server.get("/").html();
    assert!(hrefs(&home, "a[href]").contains(&"/postmortems/disk/".to_string()));
    site.remove("content/2024/disk.md");
    server.wait_for_status("/postmortems/disk/", 404);
    let home = server.get("/").html();
    assert!(!hrefs(&home, "a[href]").contains(&"/postmortems/disk/".to_string()));
    assert!(
        !server
            .get("/root-causes/capacity/")
            .text()
            .contains("Disk full")
    );
    assert_eq!(server.get("/postmortems/db/").status, 200);
}

#[test]
fn serve_follows_a_renamed_postmortem() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    std::fs::rename(
        site.path("content/2024/disk.md"),
        site.path("content/2024/log-disk-full.md"),
    )
    .unwrap();
    server.wait_for_status("/postmortems/log-disk-full/", 200);
    assert_eq!(server.get("/postmortems/disk/").status, 404);
    let links = hrefs(&server.get("/").html(), "a[href]");
    assert!(links.contains(&"/postmortems/log-disk-full/".to_string()));
    assert!(!links.contains(&"/postmortems/disk/".to_string()));
}

#[test]
fn serve_follows_a_renamed_folder() {
    // `2024/db.md` links to `../2023/conn.md`: renaming the folder breaks that link, which
    // must be reported; renaming it back fixes it. A folder rename is one event for the
    // folder, none for the files in it.
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    std::fs::rename(site.path("content/2023"), site.path("content/archive")).unwrap();
    let page = server.wait_for("/", "the overlay", |r| r.overlay().is_some());
    let overlay = page.overlay().unwrap();
    assert!(overlay.contains("content/2024/db.md:"), "{overlay}");
    std::fs::rename(site.path("content/archive"), site.path("content/2023")).unwrap();
    server.wait_for("/", "the overlay to go", |r| r.overlay().is_none());
    assert_eq!(server.get("/postmortems/conn/").status, 200);
}

#[test]
fn serve_keeps_the_last_good_site_and_shows_the_errors_until_fixed() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    let original = std::fs::read_to_string(site.path("content/2024/db.md")).unwrap();
    let broken = original
        .replace("root_cause: configuration", "root_cause: confguration")
        .replace("mistyped.", "mistyped, and this text is new.");
    let line = line_of(&broken, "root_cause: confguration");
    std::fs::write(site.path("content/2024/db.md"), &broken).unwrap();

    let expected = format!("content/2024/db.md:{line}:");
    let pages = [
        "/",
        "/postmortems/db/",
        "/postmortems/conn/",
        "/root-causes/configuration/",
        "/nope/",
    ];
    server.wait_for("/", "the overlay", |r| r.overlay().is_some());
    for path in pages {
        let reply = server.get(path);
        let overlay = reply
            .overlay()
            .unwrap_or_else(|| panic!("{path} has no overlay:\n{}", reply.text()));
        assert!(overlay.contains(&expected), "{path}: {overlay}");
        assert!(
            overlay.contains("unknown root cause \"confguration\""),
            "{path}: {overlay}"
        );
        assert!(
            overlay.contains("did you mean \"configuration\""),
            "{path}: {overlay}"
        );
    }
    // The last good page is what is served under the overlay.
    let page = server.get("/postmortems/db/");
    assert_eq!(page.status, 200);
    assert_eq!(text(first(&page.html(), "h1")), DB_TITLE);
    assert!(!page.text().contains("this text is new"));
    // The terminal shows the same diagnostic.
    let stderr_line = format!("error: {expected}");
    let started = Instant::now();
    while !server.stderr().contains(&stderr_line) && started.elapsed() < REBUILD_TIMEOUT {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.stderr().contains(&stderr_line), "{}", server.logs());

    // Fixing the file removes the overlay everywhere and shows the edit.
    std::fs::write(
        site.path("content/2024/db.md"),
        broken.replace("confguration", "configuration"),
    )
    .unwrap();
    server.wait_for_text("/postmortems/db/", "this text is new");
    for path in pages {
        let reply = server.get(path);
        assert!(
            reply.overlay().is_none(),
            "{path} still shows the overlay after the fix"
        );
    }
}

#[test]
fn serve_survives_a_broken_config_and_recovers() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    let config = CONFIG.replace(
        "description = \"Postmortems written for the tests\"",
        "description = \"Postmortems written for the tests\"\ndescriptoin = \"typo\"",
    );
    let line = line_of(&config, "descriptoin");
    site.config(&config);
    let reply = server.wait_for("/postmortems/db/", "the overlay", |r| r.overlay().is_some());
    let overlay = reply.overlay().unwrap();
    assert!(overlay.contains(&format!("site.toml:{line}:")), "{overlay}");
    assert_eq!(text(first(&reply.html(), "h1")), DB_TITLE);
    site.config(&CONFIG.replace("Fixture incident library", "Renamed library"));
    let reply = server.wait_for_text("/postmortems/db/", "Renamed library");
    assert!(reply.overlay().is_none());
}

#[test]
fn serve_starts_on_a_broken_site_and_comes_up_when_it_is_fixed() {
    let site = SiteFixture::standard();
    let original = std::fs::read_to_string(site.path("content/2024/db.md")).unwrap();
    site.file(
        "content/2024/db.md",
        original.replace("severity: SEV2", "severity: SEV9"),
    );
    let server = Server::start(&site);
    // No page was ever built, yet every path shows what is wrong and reloads itself.
    for path in ["/", "/postmortems/db/"] {
        let reply = server.get(path);
        let overlay = reply
            .overlay()
            .unwrap_or_else(|| panic!("{path} has no overlay:\n{}", reply.text()));
        assert!(overlay.contains("content/2024/db.md:"), "{overlay}");
        assert!(reply.text().contains("/__hindsight/live.js"));
    }
    site.file("content/2024/db.md", original);
    let reply = server.wait_for_status("/postmortems/db/", 200);
    assert!(reply.overlay().is_none());
    assert_eq!(text(first(&reply.html(), "h1")), DB_TITLE);
}

#[test]
fn serve_rebuilds_every_page_after_a_template_edit() {
    let site = SiteFixture::standard();
    let base = crate::fixture::default_template("base.html");
    assert!(base.contains("</body>"));
    let with_marker = |marker: &str| {
        base.replacen(
            "</body>",
            &format!("<p id=\"template-marker\">{marker}</p></body>"),
            1,
        )
    };
    site.file("templates/base.html", with_marker("first version"));
    let server = Server::start(&site);
    let pages = [
        "/",
        "/postmortems/db/",
        "/postmortems/conn/",
        "/root-causes/",
        "/services/mysql/",
        "/timeline/",
        "/nope/",
    ];
    for path in pages {
        let html = server.get(path).html();
        assert_eq!(text(first(&html, "#template-marker")), "first version");
    }
    site.file("templates/base.html", with_marker("second version"));
    server.wait_for_text("/", "second version");
    for path in pages {
        let html = server.get(path).html();
        assert_eq!(
            text(first(&html, "#template-marker")),
            "second version",
            "{path}"
        );
    }
}

#[test]
fn serve_rebuilds_every_page_after_a_config_edit() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    site.config(&CONFIG.replace("Fixture incident library", "Renamed incident library"));
    server.wait_for_text("/", "Renamed incident library");
    for path in [
        "/postmortems/db/",
        "/postmortems/disk/",
        "/root-causes/capacity/",
        "/services/",
        "/timeline/",
        "/nope/",
        "/atom.xml",
    ] {
        let page = server.get(path).text();
        assert!(page.contains("Renamed incident library"), "{path}:\n{page}");
        assert!(!page.contains("Fixture incident library"), "{path}");
    }
}

#[test]
fn serve_reloads_styles_after_a_static_edit() {
    let site = SiteFixture::standard();
    site.file("static/extra.css", "body { color: red }");
    let server = Server::start(&site);
    let generation = poll_status(&server, "0")["generation"].as_u64().unwrap();
    site.file("static/extra.css", "body { color: blue }");
    let reply = server.wait_for_text("/extra.css", "blue");
    assert_eq!(
        reply.header("content-type"),
        Some("text/css; charset=utf-8")
    );
    let status = poll_status(&server, &generation.to_string());
    assert!(status["generation"].as_u64().unwrap() > generation);
    assert_eq!(status["kind"], "css", "{status}");
}

#[test]
fn serve_watches_folders_created_after_it_started() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    site.file("static/late.css", "p { color: red }");
    server.wait_for_text("/late.css", "red");
    // Edits inside the new folder are seen too.
    site.file("static/late.css", "p { color: green }");
    server.wait_for_text("/late.css", "green");
    site.file("static/more/later.css", "p { color: blue }");
    server.wait_for_text("/more/later.css", "blue");
}

/// The answer of the long-poll endpoint for `since`.
fn poll_status(server: &Server, since: &str) -> serde_json::Value {
    let reply = server.get(&format!("/__hindsight/poll?since={since}"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    serde_json::from_slice(&reply.body).expect("poll JSON")
}

#[test]
fn serve_long_poll_answers_when_the_site_changes() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    let status = poll_status(&server, "0");
    let generation = status["generation"].as_u64().unwrap();
    assert_eq!(status["kind"], "reload");
    assert!(status["overlay"].is_null());

    let url = server.url_of(&format!("/__hindsight/poll?since={generation}"));
    let (sender, receiver) = mpsc::channel();
    // Taken before the thread starts: a thread that starts late on a busy machine would
    // otherwise count less than the 500 ms the edit waits below.
    let started = Instant::now();
    std::thread::spawn(move || {
        let body = ureq::get(&url)
            .call()
            .and_then(|mut r| r.body_mut().read_to_string());
        let _ = sender.send((body, started.elapsed()));
    });
    // The poll waits while nothing changes.
    assert!(receiver.recv_timeout(Duration::from_millis(500)).is_err());
    edit(&site, "content/2024/db.md", |t| {
        t.replace("mistyped.", "mistyped!")
    });
    let (body, elapsed) = receiver
        .recv_timeout(REBUILD_TIMEOUT)
        .expect("the poll answered");
    let status: serde_json::Value = serde_json::from_str(&body.unwrap()).unwrap();
    assert!(status["generation"].as_u64().unwrap() > generation);
    assert_eq!(status["kind"], "reload");
    assert!(elapsed >= Duration::from_millis(500));
}

#[test]
fn serve_shows_drafts_with_a_banner() {
    let site = SiteFixture::standard();
    site.postmortem(
        "2024/cache.md",
        &format!("{CACHE_FRONT_MATTER}\n    status: draft\n"),
        "Still being written.\n",
    );
    // `build` leaves drafts out; `serve` shows them, marked.
    site.build(&[]);
    assert!(!site.public().join("postmortems/cache").exists());
    let server = Server::start(&site);
    let page = server.get("/postmortems/cache/");
    assert_eq!(page.status, 200);
    let html = page.html();
    let banner = first(&html, ".banner-draft");
    assert!(text(banner).contains("Draft"), "{}", text(banner));
    assert!(select(&server.get("/postmortems/db/").html(), ".banner-draft").is_empty());
    // serve never touches the site's public/.
    assert!(!site.public().join("postmortems/cache").exists());
}

#[test]
fn serve_serves_a_sub_path_site_at_the_root() {
    let site = SiteFixture::standard();
    site.config(&CONFIG.replace(
        "https://example.org/",
        "https://acme.github.io/postmortems/",
    ));
    let server = Server::start(&site);
    assert_eq!(server.get("/").status, 200);
    let mut checked = 0;
    for page in ["/", "/postmortems/db/", "/root-causes/configuration/"] {
        let html = server.get(page).html();
        let mut links = hrefs(&html, "a[href]");
        links.extend(hrefs(&html, "link[href]"));
        for script in select(&html, "script[src]") {
            links.extend(script.value().attr("src").map(str::to_string));
        }
        for link in links {
            let path = link.split('#').next().unwrap_or_default();
            if !path.starts_with('/') || path.starts_with("//") {
                continue;
            }
            assert!(
                !path.starts_with("/postmortems/postmortems/"),
                "{page}: {link}"
            );
            let reply = server.get(path);
            assert_eq!(reply.status, 200, "{page} links to {link}");
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} links checked");
}

#[test]
fn serve_binds_to_loopback_by_default() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    assert_eq!(server.get("/").status, 200);
    // Bound to 127.0.0.1 itself, not to every address: another loopback address of the
    // machine (all of 127/8 is loopback on Linux) is refused.
    if cfg!(target_os = "linux") {
        let other = TcpStream::connect_timeout(
            &std::net::SocketAddr::from(([127, 0, 0, 2], server.port)),
            Duration::from_secs(2),
        );
        assert!(other.is_err(), "the server answers on 127.0.0.2");
    }
}

#[test]
fn serve_reports_a_busy_port_and_exits_1() {
    let site = SiteFixture::standard();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let output = serve_command(site.root())
        .args(["--port", &port.to_string()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("already in use"), "{stderr}");
    assert!(stderr.contains(&port.to_string()), "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    drop(taken);
}

#[test]
fn serve_stops_cleanly_on_sigint() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    assert_eq!(server.get("/").status, 200);
    // A tab waiting on the poll endpoint must not keep the server alive.
    let url = server.url_of("/__hindsight/poll?since=1");
    std::thread::spawn(move || {
        let _ = ureq::get(&url).call();
    });
    std::thread::sleep(Duration::from_millis(200));
    let status = server.interrupt();
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn serve_front_matter_edit_on_a_related_page_updates_it() {
    // `conn` shares a root cause and a service with `db`, so it lists `db` as related;
    // retitling `db` must re-render `conn`'s page too.
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    let conn = server.get("/postmortems/conn/").text();
    assert!(conn.contains(DB_TITLE), "conn does not list db as related");
    site.postmortem(
        "2024/db.md",
        &DB_FRONT_MATTER.replace(DB_TITLE, "Retitled database outage"),
        "Short body.\n",
    );
    server.wait_for_text("/postmortems/db/", "Retitled database outage");
    let conn = server.get("/postmortems/conn/").text();
    assert!(
        conn.contains("Retitled database outage") && !conn.contains(DB_TITLE),
        "conn still lists db by its old title"
    );
}

/// After a front-matter edit the server shows the edited page first and renders the pages
/// that depend on it right after; a request for one of those in between must wait for
/// it, never get the page as it was before the edit. With hundreds of postmortems under
/// one root cause its page and the home page take long enough to render again that the
/// requests below arrive while they are stale.
#[test]
fn serve_never_answers_a_dependent_page_as_it_was_before_an_edit() {
    let site = SiteFixture::standard();
    site.config(&format!("search = false\n{CONFIG}"));
    for i in 0..600 {
        site.postmortem(
            &format!("library/p{i:03}.md"),
            &format!(
                "title: Replication lag {i}\nstarted: 2022-{:02}-{:02}T10:00:00Z\nresolved: 2022-{:02}-{:02}T10:30:00Z\nseverity: SEV{}\nservices: [mysql]\nroot_cause: configuration\n",
                i % 12 + 1,
                i % 28 + 1,
                i % 12 + 1,
                i % 28 + 1,
                i % 3 + 1
            ),
            "The replica fell behind.\n",
        );
    }
    let server = Server::start(&site);
    let new_title = "Checkout down after the MySQL password was mistyped";
    edit(&site, "content/2024/db.md", |t| {
        t.replace(DB_TITLE, new_title)
    });
    let started = Instant::now();
    loop {
        let reply = server.get("/postmortems/db/");
        if reply.status == 200 && reply.text().contains(new_title) {
            break;
        }
        assert!(
            started.elapsed() < REBUILD_TIMEOUT,
            "the edit never showed:\n{}",
            server.logs()
        );
    }
    // At once, the pages that list it.
    for path in [
        "/root-causes/configuration/",
        "/",
        "/services/mysql/",
        "/timeline/2024/",
        "/postmortems.json",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}");
        let page = reply.text();
        assert!(
            page.contains(new_title) && !page.contains(DB_TITLE),
            "{path} was answered as it was before the edit"
        );
    }
    // The edited page was indeed served before the rest.
    server.wait_for_text("/postmortems/db/", new_title);
    let deadline = Instant::now() + REBUILD_TIMEOUT;
    while !server.stdout().contains("the edited page first") {
        assert!(
            Instant::now() < deadline,
            "the edited page was not served first:\n{}",
            server.logs()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Issue 22 item 17: a render that never finishes is stopped past its limit with an
/// overlay naming the template, and a later save is applied.
#[test]
fn serve_stops_a_template_that_never_finishes_and_applies_the_next_save() {
    let site = SiteFixture::standard();
    let page = crate::fixture::default_template("postmortem.html");
    let server = Server::start(&site);
    site.file(
        "templates/postmortem.html",
        crate::hardening::template_that_never_finishes(),
    );
    let reply = server.wait_for("/postmortems/db/", "the overlay", |r| r.overlay().is_some());
    let overlay = reply.overlay().unwrap_or_default();
    assert!(overlay.contains("postmortem.html"), "{overlay}");
    assert!(overlay.contains("ran longer than 10 s"), "{overlay}");
    // The last good page is still what is served under the overlay.
    assert_eq!(text(first(&reply.html(), "h1")), DB_TITLE);

    site.file(
        "templates/postmortem.html",
        page.replacen("</h1>", "</h1><p id=\"fixed-marker\">fixed</p>", 1),
    );
    let fixed = server.wait_for("/postmortems/db/", "the fixed template", |r| {
        r.status == 200 && r.overlay().is_none() && r.text().contains("fixed-marker")
    });
    assert_eq!(text(first(&fixed.html(), "#fixed-marker")), "fixed");
}
