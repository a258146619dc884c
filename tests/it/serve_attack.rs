//! `hindsight serve` under load and attack, over real sockets against the real binary:
//! idle and slowloris clients, more connections than the server keeps, oversized request
//! lines and headers, tabs that open and close the live-reload long poll a thousand times
//! (its open connections, threads and memory read from /proc), many clients at once, and
//! requests during a long rebuild.
//!
//! Throughput and latency under load are measured by `benches/serve-load.sh` (wrk), not
//! here; these tests check that every client is answered and nothing is held for ever.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixture::{CONFIG, DB_FRONT_MATTER, SiteFixture};
use crate::serve::{REBUILD_TIMEOUT, Server, edit, raw_request};

/// How long a normal request may take while the server is under attack. Generous for a
/// debug build on a busy machine; unprotected, these requests wait for ever (or until the
/// attacker's connections time out), so the bound still tells the two apart.
const PROMPT: Duration = Duration::from_secs(3);

/// The server's head deadline (`Limits::head_timeout`) and some slack.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_nodelay(true).unwrap();
    stream
}

/// Threads of process `pid`.
fn thread_count(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|tasks| tasks.count())
        .unwrap_or(0)
}

/// Sockets process `pid` holds open: its listener and one per connection it keeps.
fn open_sockets(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|fds| {
            fds.filter_map(Result::ok)
                .filter(|fd| {
                    std::fs::read_link(fd.path())
                        .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"))
                })
                .count()
        })
        .unwrap_or(0)
}

/// Resident memory of process `pid`, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

/// Waits until `done` holds, up to `timeout`; whether it did.
fn eventually(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    done()
}

/// A server whose background search indexing has finished, so thread and memory
/// figures are not disturbed by it.
fn settled_server(site: &SiteFixture) -> Server {
    let server = Server::start(site);
    assert!(
        eventually(Duration::from_secs(60), || server
            .stdout()
            .contains("Search index updated")),
        "the search index never finished\n{}",
        server.logs()
    );
    server
}

/// A normal request on a fresh connection, answered promptly.
#[track_caller]
fn assert_prompt_answer(server: &Server, what: &str) {
    let started = Instant::now();
    let reply = server.get("/postmortems/db/");
    let took = started.elapsed();
    assert_eq!(reply.status, 200, "{what}\n{}", server.logs());
    assert!(
        reply.text().contains("Web app down"),
        "{what}: not the page\n{}",
        reply.text()
    );
    assert!(took < PROMPT, "{what}: a normal request took {took:?}");
}

#[test]
fn idle_and_slowloris_clients_do_not_delay_other_clients_and_are_closed() {
    let site = SiteFixture::standard();
    let server = settled_server(&site);
    let pid = server.pid();
    let baseline = open_sockets(pid);
    let baseline_threads = thread_count(pid);

    // 200 clients that connect and send nothing.
    let idle: Vec<TcpStream> = (0..200).map(|_| connect(server.port)).collect();
    // 50 slowloris clients: a request line, then one header byte every 200 ms, for ever.
    let slow = {
        let port = server.port;
        std::thread::spawn(move || {
            let mut streams: Vec<TcpStream> = (0..50).map(|_| connect(port)).collect();
            for stream in &mut streams {
                stream.write_all(b"GET / HTTP/1.1\r\nX-Slow: ").unwrap();
            }
            // Each round sends a byte to every client still open and collects what the
            // server said to it; a client is done once the server has closed it.
            let started = Instant::now();
            let mut answers = vec![Vec::new(); streams.len()];
            let mut done = vec![false; streams.len()];
            while done.iter().any(|d| !d) && started.elapsed() < HEAD_DEADLINE * 3 {
                for (i, stream) in streams.iter_mut().enumerate() {
                    if done[i] {
                        continue;
                    }
                    let _ = stream.write_all(b"a");
                    stream
                        .set_read_timeout(Some(Duration::from_millis(1)))
                        .unwrap();
                    let mut buffer = [0u8; 1024];
                    match stream.read(&mut buffer) {
                        Ok(0) => done[i] = true,
                        Ok(n) => answers[i].extend_from_slice(&buffer[..n]),
                        Err(err)
                            if matches!(
                                err.kind(),
                                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                            ) => {}
                        Err(_) => done[i] = true,
                    }
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            let answers: Vec<String> = answers
                .iter()
                .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
                .collect();
            (started.elapsed(), answers)
        })
    };
    assert!(
        eventually(Duration::from_secs(10), || open_sockets(pid)
            >= baseline + 200),
        "the attack did not reach the server ({} sockets, baseline {baseline})",
        open_sockets(pid)
    );

    for attempt in 0..5 {
        assert_prompt_answer(&server, &format!("request {attempt} during the attack"));
    }

    // The server closes the idle clients itself once the head deadline passes.
    let started = Instant::now();
    for mut stream in idle {
        stream
            .set_read_timeout(Some(HEAD_DEADLINE + Duration::from_secs(10)))
            .unwrap();
        let mut bytes = Vec::new();
        let closed = stream.read_to_end(&mut bytes);
        assert!(
            closed.is_ok() && bytes.is_empty(),
            "an idle client was not closed quietly: {closed:?} {:?}",
            String::from_utf8_lossy(&bytes)
        );
    }
    assert!(
        started.elapsed() < HEAD_DEADLINE + Duration::from_secs(10),
        "idle clients were held {:?}",
        started.elapsed()
    );
    // The slow clients, still sending, get 408 and are closed too.
    let (slow_for, answers) = slow.join().unwrap();
    assert!(
        slow_for < HEAD_DEADLINE + Duration::from_secs(10),
        "{slow_for:?}"
    );
    for answer in &answers {
        assert!(
            answer.starts_with("HTTP/1.1 408 "),
            "a slowloris client got {answer:?}"
        );
    }
    // Every connection they held is gone, and no thread was left behind either.
    assert!(
        eventually(Duration::from_secs(5), || open_sockets(pid) <= baseline + 2),
        "sockets after the attack: {}, baseline {baseline}",
        open_sockets(pid)
    );
    assert!(
        thread_count(pid) <= baseline_threads + 2,
        "threads after the attack: {}, baseline {baseline_threads}",
        thread_count(pid)
    );
    assert_prompt_answer(&server, "after the attack");
}

#[test]
fn more_connections_than_the_server_keeps_still_let_a_request_through() {
    let site = SiteFixture::standard();
    // A low limit of open files, as on many machines: the server keeps fewer connections
    // than that allows, and closes the longest-idle one to make room for a new one.
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("ulimit -n 256 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_hindsight"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .current_dir(site.root())
        .env_remove("TZ")
        .stdin(Stdio::null());
    let server = Server::spawn(command);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.pid())).unwrap();
    assert!(
        limits
            .lines()
            .any(|l| l.starts_with("Max open files") && l.contains(" 256 ")),
        "the fd limit was not applied:\n{limits}"
    );

    // 400 connections that send nothing: far more than 256 descriptors allow.
    let mut idle = Vec::new();
    let connecting = Instant::now();
    for _ in 0..400 {
        if connecting.elapsed() > Duration::from_secs(30) {
            break;
        }
        if let Ok(stream) = TcpStream::connect_timeout(
            &([127, 0, 0, 1], server.port).into(),
            Duration::from_secs(2),
        ) {
            idle.push(stream);
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    for attempt in 0..5 {
        assert_prompt_answer(
            &server,
            &format!("request {attempt} past the connection limit"),
        );
    }
    // A rebuild still finds the descriptors it needs.
    edit(&site, "content/2024/db.md", |t| {
        t.replace("mistyped.", "mistyped!")
    });
    server.wait_for_text("/postmortems/db/", "mistyped!");
    drop(idle);
    assert_prompt_answer(&server, "after the idle clients left");
}

#[test]
fn oversized_request_lines_and_headers_are_refused() {
    let site = SiteFixture::standard();
    let server = settled_server(&site);
    let pid = server.pid();

    // Within the limits: answered as usual.
    let long_path = format!("/{}", "a".repeat(7 * 1024));
    assert_eq!(server.raw(&format!("GET {long_path} HTTP/1.1")).status, 404);
    let many = (0..90)
        .map(|i| format!("X-Header-{i}: {}", "v".repeat(100)))
        .collect::<Vec<_>>()
        .join("\r\n");
    assert_eq!(server.raw(&format!("GET / HTTP/1.1\r\n{many}")).status, 200);

    // A request line over 8 KiB.
    let too_long = format!("/{}", "a".repeat(9 * 1024));
    let reply = server.raw(&format!("GET {too_long} HTTP/1.1"));
    assert_eq!(reply.status, 414, "{}", reply.text());
    assert_eq!(reply.header("connection"), Some("close"));
    // One header of 70 KiB; headers adding up to more than 64 KiB; too many headers.
    let big = format!("GET / HTTP/1.1\r\nX-Big: {}", "b".repeat(70 * 1024));
    assert_eq!(server.raw(&big).status, 431);
    let lots = (0..100)
        .map(|i| format!("X-Header-{i}: {}", "v".repeat(1000)))
        .collect::<Vec<_>>()
        .join("\r\n");
    assert_eq!(server.raw(&format!("GET / HTTP/1.1\r\n{lots}")).status, 431);
    let count = (0..150)
        .map(|i| format!("X-{i}: v"))
        .collect::<Vec<_>>()
        .join("\r\n");
    assert_eq!(
        server.raw(&format!("GET / HTTP/1.1\r\n{count}")).status,
        431
    );

    // A header that never ends, 64 MiB of it: the server stops reading early, answers
    // 431 or closes, and holds none of it.
    let before = rss_kib(pid);
    let mut stream = connect(server.port);
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nX-Endless: ").unwrap();
    let chunk = vec![b'e'; 1024 * 1024];
    let mut sent = 0;
    for _ in 0..64 {
        if stream.write_all(&chunk).is_err() {
            break;
        }
        sent += 1;
    }
    assert!(sent < 64, "the server read 64 MiB of one header");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431 "),
        "{answer}"
    );
    let grew = rss_kib(pid).saturating_sub(before);
    assert!(grew < 8 * 1024, "the server grew by {grew} KiB");

    // HTTP/2 prefaces and other versions get 505, garbage gets 400; the server goes on.
    assert_eq!(raw_request(server.port, "GET / HTTP/2.0").status, 505);
    assert_eq!(raw_request(server.port, "NOT A REQUEST LINE").status, 400);
    assert_prompt_answer(&server, "after the oversized requests");
}

#[test]
#[allow(clippy::print_stdout, reason = "reports the thread and memory figures")]
fn live_reload_tabs_coming_and_going_leak_no_threads_or_memory() {
    let site = SiteFixture::standard();
    let server = settled_server(&site);
    let pid = server.pid();
    let status: serde_json::Value =
        serde_json::from_slice(&server.get("/__hindsight/poll?since=0").body).unwrap();
    let generation = status["generation"].as_u64().unwrap();
    let poll = format!(
        "GET /__hindsight/poll?since={generation} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n"
    );
    // Tabs open in batches of 50: each sends its poll, the server waits on it, then the
    // tab is closed before any answer (it never will be: nothing changes).
    let cycles = |batches: usize| {
        let mut peak = 0;
        for _ in 0..batches {
            let tabs: Vec<TcpStream> = (0..50)
                .map(|_| {
                    let mut tab = connect(server.port);
                    tab.write_all(poll.as_bytes()).unwrap();
                    tab
                })
                .collect();
            std::thread::sleep(Duration::from_millis(60));
            peak = peak.max(open_sockets(pid));
            drop(tabs);
        }
        peak
    };
    let at_rest = open_sockets(pid);
    let threads_at_rest = thread_count(pid);
    // A first round lets the allocator reach its working size.
    cycles(4);
    assert!(
        eventually(Duration::from_secs(5), || open_sockets(pid) <= at_rest),
        "sockets after the warm-up: {}, at rest {at_rest}",
        open_sockets(pid)
    );
    let rss_before = rss_kib(pid);

    let peak = cycles(20); // 1,000 tabs in all
    assert!(
        peak >= at_rest + 25,
        "the polls never waited on the server (peak {peak} sockets, at rest {at_rest})"
    );
    assert!(
        eventually(Duration::from_secs(5), || open_sockets(pid) <= at_rest),
        "sockets after 1,000 tabs came and went: {}, at rest {at_rest}",
        open_sockets(pid)
    );
    assert!(
        thread_count(pid) <= threads_at_rest,
        "threads after 1,000 tabs came and went: {}, at rest {threads_at_rest}",
        thread_count(pid)
    );
    let grew = rss_kib(pid).saturating_sub(rss_before);
    println!(
        "1,000 tabs: {at_rest} sockets at rest, {peak} at the peak, {} after; {threads_at_rest} threads at rest, {} after; RSS {rss_before} KiB before, grew {grew} KiB",
        open_sockets(pid),
        thread_count(pid)
    );
    assert!(grew < 4 * 1024, "RSS grew by {grew} KiB over 1,000 tabs");

    // The endpoint still works: a poll waiting now hears about the next change.
    let url = server.url_of(&format!("/__hindsight/poll?since={generation}"));
    let waiting = std::thread::spawn(move || ureq::get(&url).call().map(|r| r.status().as_u16()));
    std::thread::sleep(Duration::from_millis(300));
    edit(&site, "content/2024/disk.md", |t| {
        t.replace("filled up", "filled right up")
    });
    assert_eq!(waiting.join().unwrap().unwrap(), 200);
}

#[test]
fn many_clients_at_once_are_all_answered() {
    let site = SiteFixture::standard();
    let server = settled_server(&site);
    let paths = [
        "/",
        "/postmortems/db/",
        "/timeline/",
        "/static/style.css",
        "/nope/",
        "/postmortems/db",
    ];
    let clients: Vec<_> = (0..64)
        .map(|client| {
            let base = server.url.trim_end_matches('/').to_string();
            std::thread::spawn(move || {
                // One keep-alive connection per client, as a browser or wrk uses.
                let agent = super::serve::http_agent();
                let mut statuses = Vec::new();
                for i in 0..50 {
                    let path = paths[(client + i) % paths.len()];
                    let status = agent
                        .get(format!("{base}{path}"))
                        .call()
                        .map(|mut r| {
                            let status = r.status().as_u16();
                            let _ = r.body_mut().read_to_vec();
                            status
                        })
                        .map_err(|err| format!("{path}: {err}"));
                    statuses.push((path, status));
                }
                statuses
            })
        })
        .collect();
    let mut answered = 0;
    for client in clients {
        for (path, status) in client.join().unwrap() {
            let expected = match path {
                "/nope/" => 404,
                "/postmortems/db" => 301,
                _ => 200,
            };
            assert_eq!(status, Ok(expected), "{path}");
            answered += 1;
        }
    }
    assert_eq!(answered, 64 * 50);
}

#[test]
#[allow(clippy::print_stdout, reason = "reports what the rebuild took")]
fn requests_during_a_long_rebuild_are_answered_from_the_last_good_site() {
    // Enough postmortems that a full rebuild takes a while.
    let site = SiteFixture::new();
    for i in 0..800 {
        site.postmortem(
            &format!("gen/p{i:04}.md"),
            &DB_FRONT_MATTER.replace(
                "Web app down after MySQL password was mistyped",
                &format!("Generated incident number {i}"),
            ),
            "## Summary\n\nA generated incident.\n",
        );
    }
    site.postmortem(
        "2024/db.md",
        DB_FRONT_MATTER,
        "## Summary\n\nThe page under test.\n",
    );
    let server = Server::start(&site);
    assert_eq!(server.get("/postmortems/db/").status, 200);

    // A config edit rebuilds every page.
    site.config(&CONFIG.replace("Fixture incident library", "Retitled library"));
    let edited = Instant::now();
    let mut during = Vec::new();
    loop {
        let started = Instant::now();
        let reply = server.get("/postmortems/db/");
        let took = started.elapsed();
        assert_eq!(reply.status, 200, "{}", server.logs());
        let text = reply.text();
        if text.contains("Retitled library") {
            break;
        }
        assert!(
            text.contains("Fixture incident library"),
            "neither the old nor the new site:\n{text}"
        );
        during.push(took);
        assert!(
            edited.elapsed() < REBUILD_TIMEOUT * 4,
            "the rebuild never finished\n{}",
            server.logs()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let rebuild = edited.elapsed();
    let slowest = during.iter().max().copied().unwrap_or_default();
    println!(
        "rebuild of 801 postmortems took {rebuild:?}; {} requests answered meanwhile, slowest {slowest:?}",
        during.len()
    );
    assert!(
        during.len() >= 5,
        "the rebuild was too quick to test anything ({rebuild:?}, {} requests)",
        during.len()
    );
    assert!(
        slowest < PROMPT,
        "a request during the rebuild took {slowest:?}"
    );
}

/// Sends `request` (the whole head, blank line included) and reads the answer until the
/// server closes.
fn exchange(port: u16, request: &str) -> String {
    let mut stream = connect(port);
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn requests_for_another_host_name_are_refused_against_dns_rebinding() {
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    let port = server.port;
    let get = |host: &str| {
        exchange(
            port,
            &format!("GET /postmortems/db/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
    };
    // A page on evil.example whose name now points at 127.0.0.1 sends its own name.
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("localhost.evil.example:{port}"),
    ] {
        let answer = get(&host);
        assert!(
            answer.starts_with("HTTP/1.1 403 "),
            "Host: {host}\n{answer}"
        );
        assert!(
            !answer.contains("Web app down"),
            "Host: {host} got the page"
        );
    }
    // Two Host headers are refused too, whatever the second says.
    let twice = exchange(
        port,
        &format!(
            "GET / HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(twice.starts_with("HTTP/1.1 403 "), "{twice}");
    // The names of this machine work.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("preview.localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let answer = get(&host);
        assert!(
            answer.starts_with("HTTP/1.1 200 "),
            "Host: {host}\n{answer}"
        );
        assert!(answer.contains("Web app down"), "Host: {host}");
    }
}

#[test]
fn folders_are_never_listed() {
    let site = SiteFixture::standard();
    site.file("static/fonts/a.woff2", "font")
        .file("static/img/b.png", "png");
    let server = Server::start(&site);
    // The files are served (a site's static/ goes to the root of the site), the folders
    // that hold them are not listed.
    assert_eq!(server.get("/fonts/a.woff2").status, 200);
    assert_eq!(server.get("/static/style.css").status, 200);
    for folder in ["/static/", "/fonts/", "/img/", "/postmortems/"] {
        let reply = server.get(folder);
        let body = reply.text();
        assert!(
            reply.status == 404 || body.contains("<h1"),
            "{folder}: {}",
            reply.status
        );
        for name in ["a.woff2", "b.png"] {
            assert!(!body.contains(name), "{folder} lists {name}:\n{body}");
        }
    }
}
