//! Live reload in a real browser: headless Chromium (Debian's `chromium`) driven over the
//! DevTools protocol opens a page of a served fixture site; the test edits the files and
//! checks what the open tab shows, without ever telling it to reload.
//!
//! Without Chromium the tests print why and return; with Chromium installed, a browser
//! that fails to start is a failure, never a skip.

use std::path::Path;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use headless_chrome::Tab;
use headless_chrome::protocol::cdp::Page;

use crate::chromium::{Chromium, ONE_BROWSER};
use crate::fixture::SiteFixture;
use crate::serve::{REBUILD_TIMEOUT, Server, edit, line_of};

/// Evaluates `expression` in the tab and returns its JSON value (null for undefined).
fn eval(tab: &Tab, expression: &str) -> serde_json::Value {
    tab.evaluate(expression, false)
        .unwrap_or_else(|err| panic!("evaluate {expression:?}: {err}"))
        .value
        .unwrap_or(serde_json::Value::Null)
}

/// Polls `expression` until it is `true`; panics with `what` after the rebuild timeout.
#[track_caller]
fn wait_until(tab: &Tab, server: &Server, what: &str, expression: &str) {
    let started = Instant::now();
    loop {
        // The tab may be between documents while it reloads; try again.
        if let Ok(object) = tab.evaluate(expression, false)
            && object.value == Some(serde_json::Value::Bool(true))
        {
            return;
        }
        assert!(
            started.elapsed() < REBUILD_TIMEOUT,
            "timed out waiting for {what} in the browser ({expression})\n{}",
            server.logs()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Marks the current document; the mark is gone once the tab has reloaded.
fn mark_document(tab: &Tab) {
    eval(tab, "window.__hindsightTestMark = 'same document'; true");
}

fn same_document(tab: &Tab) -> bool {
    eval(tab, "window.__hindsightTestMark === 'same document'") == serde_json::Value::Bool(true)
}

const BODY_TEXT: &str = "document.body.innerText";

#[test]
fn browser_shows_a_saved_edit_without_being_told_to_reload() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(chromium) = Chromium::start("browser_shows_a_saved_edit_without_being_told_to_reload")
    else {
        return;
    };
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    let tab = chromium.open(&server.url_of("/postmortems/db/"), REBUILD_TIMEOUT);
    wait_until(
        &tab,
        &server,
        "the page",
        &format!("{BODY_TEXT}.includes('The password was mistyped.')"),
    );
    // The live-reload script is running and waiting on the server.
    wait_until(
        &tab,
        &server,
        "the live-reload script",
        "!!document.querySelector('script[src=\"/__hindsight/live.js\"]')",
    );
    mark_document(&tab);
    edit(&site, "content/2024/db.md", |t| {
        t.replace(
            "The password was mistyped.",
            "The password was mistyped by a tired operator.",
        )
    });
    wait_until(
        &tab,
        &server,
        "the edited text",
        &format!("{BODY_TEXT}.includes('mistyped by a tired operator')"),
    );
    assert!(!same_document(&tab), "the text changed without a reload?");
    // And a second edit: the reloaded page keeps listening.
    edit(&site, "content/2024/db.md", |t| {
        t.replace("tired operator", "rested operator")
    });
    wait_until(
        &tab,
        &server,
        "the second edit",
        &format!("{BODY_TEXT}.includes('mistyped by a rested operator')"),
    );
}

#[test]
fn browser_swaps_styles_after_a_css_edit_without_reloading() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(chromium) = Chromium::start("browser_swaps_styles_after_a_css_edit_without_reloading")
    else {
        return;
    };
    let site = SiteFixture::standard();
    // The site's copy of the theme's stylesheet replaces the built-in one.
    site.file(
        "themes/default/static/style.css",
        "body { background-color: rgb(1, 2, 3); }\n",
    );
    let server = Server::start(&site);
    let tab = chromium.open(&server.url_of("/postmortems/db/"), REBUILD_TIMEOUT);
    let background = "getComputedStyle(document.body).backgroundColor";
    wait_until(
        &tab,
        &server,
        "the first style",
        &format!("{background} === 'rgb(1, 2, 3)'"),
    );
    mark_document(&tab);
    site.file(
        "themes/default/static/style.css",
        "body { background-color: rgb(4, 5, 6); }\n",
    );
    wait_until(
        &tab,
        &server,
        "the new style",
        &format!("{background} === 'rgb(4, 5, 6)'"),
    );
    assert!(
        same_document(&tab),
        "the page was reloaded for a stylesheet change; the styles should be swapped in place"
    );
}

#[test]
fn browser_shows_the_overlay_for_a_broken_save_and_clears_it_after_the_fix() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(chromium) = Chromium::start("browser_shows_the_overlay_for_a_broken_save") else {
        return;
    };
    let site = SiteFixture::standard();
    let server = Server::start(&site);
    let tab = chromium.open(&server.url_of("/postmortems/conn/"), REBUILD_TIMEOUT);
    wait_until(
        &tab,
        &server,
        "the page",
        &format!("{BODY_TEXT}.includes('pointed at the old primary')"),
    );
    mark_document(&tab);
    let original = std::fs::read_to_string(site.path("content/2024/db.md")).unwrap();
    let broken = original.replace("severity: SEV2", "severity: SEV7");
    let line = line_of(&broken, "severity: SEV7");
    std::fs::write(site.path("content/2024/db.md"), &broken).unwrap();
    let overlay = "document.getElementById('hindsight-overlay')";
    wait_until(&tab, &server, "the overlay", &format!("!!{overlay}"));
    let shown = eval(&tab, &format!("{overlay}.innerText"));
    let shown = shown.as_str().unwrap_or_default();
    assert!(
        shown.contains(&format!("content/2024/db.md:{line}:")),
        "{shown}"
    );
    assert!(shown.contains("SEV7"), "{shown}");
    // The overlay is laid over the last good page, which stays visible underneath.
    assert!(same_document(&tab), "the tab reloaded to show the overlay");
    assert!(
        eval(
            &tab,
            &format!("{BODY_TEXT}.includes('pointed at the old primary')")
        ) == true
    );
    let visible = eval(
        &tab,
        &format!(
            "(() => {{ const r = {overlay}.getBoundingClientRect(); return r.width > 0 && r.height > 0; }})()"
        ),
    );
    assert_eq!(visible, true, "the overlay is not visible");

    // A second mistake replaces the overlay's text.
    let worse = broken.replace("root_cause: configuration", "root_cause: confguration");
    std::fs::write(site.path("content/2024/db.md"), &worse).unwrap();
    wait_until(
        &tab,
        &server,
        "the second error",
        &format!("!!{overlay} && {overlay}.innerText.includes('confguration')"),
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('#hindsight-overlay').length"
        ),
        1
    );

    std::fs::write(site.path("content/2024/db.md"), &original).unwrap();
    wait_until(&tab, &server, "the overlay to go", &format!("!{overlay}"));
    wait_until(
        &tab,
        &server,
        "the page after the fix",
        &format!("{BODY_TEXT}.includes('pointed at the old primary')"),
    );
}

/// Runs in every new document of the tab: records (in `sessionStorage`, which survives
/// the reload) the wall-clock time at which the page's DOM first contains the text stored
/// under `hindsight-probe`.
const PROBE_SCRIPT: &str = r#"(function () {
  function check() {
    var probe = sessionStorage.getItem("hindsight-probe");
    if (!probe || sessionStorage.getItem("hindsight-seen")) { return; }
    if (document.body && document.body.textContent.indexOf(probe) >= 0) {
      sessionStorage.setItem("hindsight-seen", String(performance.timeOrigin + performance.now()));
    }
  }
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
  document.addEventListener("DOMContentLoaded", check);
  check();
})();"#;

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

/// Copies the example site of the repository (the crate root) into a temp dir.
fn example_site() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::Builder::new()
        .prefix("hindsight-example-")
        .tempdir()
        .unwrap();
    std::fs::copy(repo.join("site.toml"), dir.path().join("site.toml")).unwrap();
    for folder in ["content", "themes", "templates", "static"] {
        copy_dir(&repo.join(folder), &dir.path().join(folder));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    if !from.is_dir() {
        return;
    }
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Save → visible latency on the example site, in a real Chromium tab: the time from the
/// file write to the tab's DOM containing the new text, over several trials. Run with
///
/// ```sh
/// cargo test --release --test it -- --ignored --nocapture live_reload_latency
/// ```
#[test]
#[ignore = "benchmark: run with --release --ignored --nocapture; see BENCHMARKS.md"]
#[allow(clippy::print_stdout, reason = "the benchmark reports its figures")]
fn live_reload_latency_on_the_example_site() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(chromium) = Chromium::start("live_reload_latency_on_the_example_site") else {
        return;
    };
    let trials: usize = std::env::var("LIVE_RELOAD_TRIALS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let site = example_site();
    let rel = "content/2024/mysql-password-mistyped.md";
    let file = site.path().join(rel);
    let original = std::fs::read_to_string(&file)
        .unwrap_or_else(|err| panic!("the example site has no {rel}: {err}"));
    let server = Server::start_in(site.path(), &[]);
    let slug = Path::new(rel).file_stem().unwrap().to_string_lossy();
    let tab = chromium.browser.new_tab().unwrap();
    tab.set_default_timeout(REBUILD_TIMEOUT);
    tab.call_method(Page::AddScriptToEvaluateOnNewDocument {
        source: PROBE_SCRIPT.to_string(),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .unwrap();
    tab.navigate_to(&server.url_of(&format!("/postmortems/{slug}/")))
        .unwrap();
    tab.wait_until_navigated().unwrap();

    let mut latencies = Vec::new();
    for trial in 0..=trials {
        let probe = format!("Latency probe {trial} {}", now_ms() as u64);
        // Let the page settle: the live-reload script must be waiting on the server.
        std::thread::sleep(Duration::from_millis(400));
        eval(
            &tab,
            &format!(
                "sessionStorage.removeItem('hindsight-seen'); sessionStorage.setItem('hindsight-probe', '{probe}'); true"
            ),
        );
        let text = format!("{original}\n{probe}.\n");
        let written = now_ms();
        std::fs::write(&file, text).unwrap();
        let started = Instant::now();
        let seen = loop {
            if let Ok(object) = tab.evaluate("sessionStorage.getItem('hindsight-seen')", false)
                && let Some(serde_json::Value::String(at)) = object.value
            {
                break at.parse::<f64>().unwrap();
            }
            assert!(
                started.elapsed() < REBUILD_TIMEOUT,
                "trial {trial}: the probe never showed\n{}",
                server.logs()
            );
            std::thread::sleep(Duration::from_millis(5));
        };
        // Trial 0 warms the browser's cache and the server up; it is not counted.
        if trial > 0 {
            latencies.push(seen - written);
        }
    }
    latencies.sort_by(f64::total_cmp);
    let median = latencies[latencies.len() / 2];
    let max = latencies[latencies.len() - 1];
    let min = latencies[0];
    println!(
        "live reload on the example site, {} trials: median {median:.1} ms, min {min:.1} ms, max {max:.1} ms",
        latencies.len()
    );
    println!(
        "each (ms): {}",
        latencies
            .iter()
            .map(|l| format!("{l:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rebuilds: Vec<_> = server
        .stdout()
        .lines()
        .filter(|l| l.starts_with("Rebuilt"))
        .map(str::to_string)
        .collect();
    println!("server: {}", rebuilds.join("; "));
    assert!(median < 100.0, "median save → visible {median:.1} ms");
}
