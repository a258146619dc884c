//! What a writer and a reader wait for, measured in a real browser (Debian's headless
//! Chromium, driven over the DevTools protocol):
//!
//! - **save → shown**: `hindsight serve` runs on a copy of a site; a tab shows a
//!   postmortem; the file is saved with a new sentence; the latency is from just before
//!   the write to the moment the reloaded document's DOM was ready
//!   (`performance.timeOrigin + domContentLoadedEventEnd`, read in the page, so polling
//!   from here adds nothing to the figure);
//! - **keystroke → result**: on `/search/`, once the index is loaded, a query is put in
//!   the box as an `input` event and a `MutationObserver` in the page times the moment
//!   the expected postmortem is the first result (the 40 ms typing debounce included).
//!
//! ```text
//! cargo bench --bench browser-latency                      # the example site
//! cargo bench --bench browser-latency -- --root DIR --file content/x.md --page /postmortems/x/
//! cargo bench --bench browser-latency -- --runs 30 --no-search
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr,
    missing_docs,
    reason = "a benchmark program: it reports on stdout and stops on the first failure"
)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use headless_chrome::Tab;

// The tests' Chromium launcher (Debian's chromium, headless, fresh profile, the flags
// this closed network needs), shared rather than copied.
#[path = "../tests/it/chromium.rs"]
#[allow(
    dead_code,
    unreachable_pub,
    reason = "the benchmark uses the launcher, not the tests' lock"
)]
mod chromium;
const TIMEOUT: Duration = Duration::from_secs(60);

/// The example site's searches: a query and the postmortem that must come first.
const QUERIES: &[(&str, &str)] = &[
    ("password mistyped", "/postmortems/mysql-password-mistyped/"),
    (
        "certificate",
        "/postmortems/api-gateway-certificate-expired/",
    ),
    (
        "idempotency",
        "/postmortems/payments-idempotency-key-collision/",
    ),
    ("NXDOMAIN", "/postmortems/dns-zone-migration-nxdomain/"),
    ("evictions", "/postmortems/black-friday-redis-evictions/"),
];

struct Options {
    root: Option<PathBuf>,
    file: String,
    page: String,
    runs: usize,
    search: bool,
}

fn parse_options() -> Options {
    let mut options = Options {
        root: None,
        file: "content/2024/mysql-password-mistyped.md".to_string(),
        page: "/postmortems/mysql-password-mistyped/".to_string(),
        runs: 20,
        search: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--root" => options.root = args.next().map(PathBuf::from),
            "--file" => options.file = args.next().expect("--file REL"),
            "--page" => options.page = args.next().expect("--page /URL/"),
            "--runs" => options.runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            "--no-search" => options.search = false,
            // cargo bench passes --bench to every bench binary.
            "--bench" => {}
            other => panic!("unknown argument {other}; see the top of benches/browser_latency.rs"),
        }
    }
    options
}

/// The repository's example site, copied so edits never touch it.
fn copy_example_site(into: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("site.toml"), into.join("site.toml")).unwrap();
    for entry in walkdir::WalkDir::new(repo.join("content")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(repo).unwrap();
        let to = into.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// `hindsight serve --port 0` on `root`; returns the process and its URL.
fn serve(root: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start hindsight serve");
    let out = child.stdout.take().unwrap();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                let url: String = line[at..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                let _ = send.send(url);
            }
        }
    });
    let url = receive
        .recv_timeout(Duration::from_secs(600))
        .expect("serve printed its URL");
    (child, url.trim_end_matches('/').to_string())
}

fn eval(tab: &Tab, expression: &str, promise: bool) -> serde_json::Value {
    tab.evaluate(expression, promise)
        .unwrap_or_else(|err| panic!("evaluate {expression:?}: {err}"))
        .value
        .unwrap_or(serde_json::Value::Null)
}

/// Polls `expression` until it is true (the tab may be between documents meanwhile).
fn wait_until(tab: &Tab, what: &str, expression: &str) {
    let started = Instant::now();
    loop {
        if let Ok(object) = tab.evaluate(expression, false)
            && object.value == Some(serde_json::Value::Bool(true))
        {
            return;
        }
        assert!(started.elapsed() < TIMEOUT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

/// Median, p90 and max of `values` (nearest rank), in ms.
fn summary(values: &mut [f64]) -> String {
    values.sort_by(f64::total_cmp);
    let rank =
        |p: f64| values[((p * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1];
    format!(
        "median {:.1} ms, p90 {:.1} ms, max {:.1} ms ({} runs)",
        rank(0.5),
        rank(0.9),
        values[values.len() - 1],
        values.len()
    )
}

fn save_to_shown(tab: &Tab, base: &str, file: &Path, page: &str, runs: usize) -> Vec<f64> {
    tab.navigate_to(&format!("{base}{page}")).unwrap();
    tab.wait_until_navigated().unwrap();
    let original = std::fs::read_to_string(file).unwrap();
    let mut latencies = Vec::with_capacity(runs);
    for run in 0..=runs {
        wait_until(
            tab,
            "the live-reload script",
            "!!document.querySelector('script[src$=\"/__hindsight/live.js\"]')",
        );
        // Give the page's long poll time to be waiting on the server, as a writer's tab is.
        std::thread::sleep(Duration::from_millis(300));
        let probe = format!("Latency probe {run} of this benchmark.");
        let text = format!("{original}\n\n{probe}\n");
        let saved_at = epoch_ms();
        std::fs::write(file, text).unwrap();
        wait_until(
            tab,
            "the saved text",
            &format!("document.body.innerText.includes({probe:?})"),
        );
        let shown_at = eval(
            tab,
            "performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd",
            false,
        )
        .as_f64()
        .unwrap();
        // The first run warms the page cache and the server's threads; it is not counted.
        if run > 0 {
            latencies.push(shown_at - saved_at);
        }
    }
    std::fs::write(file, original).unwrap();
    latencies
}

fn keystroke_to_result(tab: &Tab, base: &str, runs: usize) -> Vec<f64> {
    tab.navigate_to(&format!("{base}/search/")).unwrap();
    tab.wait_until_navigated().unwrap();
    wait_until(
        tab,
        "the search index",
        "document.getElementById('search-app')?.dataset.loaded === 'true'",
    );
    let mut latencies = Vec::new();
    for run in 0..=runs {
        for (query, expected) in QUERIES {
            let script = format!(
                r#"new Promise((resolve, reject) => {{
                    const input = document.getElementById('search-q');
                    const list = document.getElementById('search-results');
                    input.value = '';
                    list.replaceChildren();
                    const first = () => list.querySelector('a[href]');
                    const done = () => {{
                        const a = first();
                        return a && new URL(a.href).pathname.endsWith({expected:?});
                    }};
                    let start;
                    const observer = new MutationObserver(() => {{
                        if (done()) {{ observer.disconnect(); resolve(performance.now() - start); }}
                    }});
                    observer.observe(list, {{ childList: true, subtree: true, attributes: true }});
                    setTimeout(() => {{ observer.disconnect(); reject('no result for ' + {query:?}); }}, 10000);
                    start = performance.now();
                    input.value = {query:?};
                    input.dispatchEvent(new Event('input', {{ bubbles: true }}));
                }})"#
            );
            let ms = eval(tab, &script, true).as_f64().unwrap();
            // The first round loads each query's index chunks; after it, the index is loaded.
            if run > 0 {
                latencies.push(ms);
            }
        }
    }
    latencies
}

fn main() {
    let options = parse_options();
    let Some(chromium) = chromium::Chromium::start("browser-latency") else {
        std::process::exit(2);
    };
    let scratch = tempfile::tempdir().unwrap();
    let root = match &options.root {
        Some(root) => root.clone(),
        None => {
            copy_example_site(scratch.path());
            scratch.path().to_path_buf()
        }
    };
    let (mut server, base) = serve(&root);
    let tab = chromium.browser.new_tab().unwrap();
    tab.set_default_timeout(TIMEOUT);

    let mut saves = save_to_shown(
        &tab,
        &base,
        &root.join(&options.file),
        &options.page,
        options.runs,
    );
    println!(
        "save → shown in Chromium ({}): {}",
        options.page,
        summary(&mut saves)
    );
    if options.search {
        let mut searches = keystroke_to_result(&tab, &base, options.runs.div_ceil(QUERIES.len()));
        println!(
            "keystroke → expected first result: {}",
            summary(&mut searches)
        );
    }
    let _ = server.kill();
    let _ = server.wait();
}
