//! Live reload: the shared server state, the long-poll endpoint's answer, the injected
//! script and the error overlay.
//!
//! Every rebuild, good or bad, bumps a generation number. Open tabs long-poll
//! `/__hindsight/poll?since=N`; the answer says whether to reload the page, swap the
//! stylesheets, or show the build errors over the last good page.

use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;

use crate::diagnostics::Diagnostics;
use crate::highlight::escape;
use crate::output::Output;
use crate::pipeline::StalePages;

/// Path of the long-poll endpoint.
pub const POLL_PATH: &str = "/__hindsight/poll";
/// Path of the live-reload script.
pub const SCRIPT_PATH: &str = "/__hindsight/live.js";

/// What open tabs should do about the latest generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReloadKind {
    /// Reload the page.
    Reload,
    /// Re-fetch stylesheets only.
    Css,
    /// Only the overlay changed (shown, replaced or removed); the pages are the same.
    Overlay,
}

/// The live-reload status of the site.
///
/// A tab may miss generations (it was reloading, or two saves came close together), so
/// the answer carries the last generation that changed pages and the last that changed
/// stylesheets, not only what the latest one did: a tab that loaded generation `N`
/// reloads when `pages_changed > N` and swaps its stylesheets when `styles_changed > N`.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Bumped on every rebuild, good or bad.
    pub generation: u64,
    /// What the latest rebuild did.
    pub kind: ReloadKind,
    /// The last generation that changed pages (or anything but stylesheets).
    pub pages_changed: u64,
    /// The last generation that changed stylesheets.
    pub styles_changed: u64,
    /// The overlay markup while the site has errors.
    pub overlay: Option<String>,
}

/// Everything the HTTP tasks share with the watch loop. No globals: one value, shared by
/// `Arc`. Requests wait on its two `watch` channels (a long poll for the next
/// generation, a request for a stale page until it is fresh) without holding a thread.
#[derive(Debug)]
pub struct ServerState {
    served: RwLock<Served>,
    status: watch::Sender<Status>,
    /// Bumped each time stale pages become fresh.
    freshened: watch::Sender<u64>,
}

/// The served site, and which of its pages are out of date.
#[derive(Debug, Default)]
pub struct Served {
    /// The files.
    pub output: Output,
    /// Pages that an edit made out of date and that are being rendered again (see
    /// [`ServerState::publish_first`]): a request for one waits until it is fresh, and
    /// so does one for a missing page meanwhile (the edit may create it).
    pub stale: Option<StalePages>,
}

impl Served {
    /// True when a request for `path` (`None`: a missing page) must wait.
    pub fn must_wait_for(&self, path: Option<&str>) -> bool {
        match (&self.stale, path) {
            (None, _) => false,
            (Some(stale), Some(path)) => stale.contains(path),
            (Some(_), None) => true,
        }
    }
}

impl ServerState {
    /// State serving `output` at generation 1.
    pub fn new(output: Output) -> Self {
        Self {
            served: RwLock::new(Served {
                output,
                stale: None,
            }),
            status: watch::Sender::new(Status {
                generation: 1,
                kind: ReloadKind::Reload,
                pages_changed: 1,
                styles_changed: 1,
                overlay: None,
            }),
            freshened: watch::Sender::new(0),
        }
    }

    /// Read access to the served site, held briefly by a request.
    pub fn served(&self) -> std::sync::RwLockReadGuard<'_, Served> {
        self.served.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Served> {
        self.served.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, output: Output, stale: Option<Option<StalePages>>) {
        let mut served = self.write();
        served.output = output;
        if let Some(stale) = stale {
            served.stale = stale;
        }
    }

    /// The current status.
    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// Serves a new site and tells the tabs.
    pub fn publish(&self, output: Output, kind: ReloadKind) {
        self.freshen(output);
        self.bump(kind, None);
    }

    /// Serves a new site in which the pages `stale` are still out of date, and tells the
    /// tabs: the edited page shows at once, and a request for a stale page waits until
    /// [`ServerState::freshen`] serves it as it should be.
    pub fn publish_first(&self, output: Output, kind: ReloadKind, stale: StalePages) {
        self.freshen_partly(output, stale);
        self.bump(kind, None);
    }

    /// Serves `output`, in which only the pages `stale` are still out of date (the others
    /// are as they should be now), without telling the tabs again.
    pub fn freshen_partly(&self, output: Output, stale: StalePages) {
        self.set(output, Some(Some(stale)));
        self.notify_fresh();
    }

    /// Serves `output`, in which no page is stale any more, without telling the tabs
    /// again (they were told by [`ServerState::publish_first`]).
    pub fn freshen(&self, output: Output) {
        self.set(output, Some(None));
        self.notify_fresh();
    }

    /// Serves `output` without telling the tabs: for files no open page shows as it is
    /// (a new search index, which the search page fetches on its next query).
    pub fn replace_output(&self, output: Output) {
        self.set(output, None);
    }

    fn notify_fresh(&self) {
        self.freshened.send_modify(|count| *count += 1);
    }

    /// Hears when stale pages become fresh: taken before looking at
    /// [`ServerState::served`], its `changed()` cannot miss a change made in between.
    pub fn freshness(&self) -> watch::Receiver<u64> {
        self.freshened.subscribe()
    }

    /// Keeps the last good site and shows `diagnostics` over it.
    pub fn show_errors(&self, overlay: String) {
        self.bump(ReloadKind::Overlay, Some(overlay));
    }

    fn bump(&self, kind: ReloadKind, overlay: Option<String>) {
        self.status.send_modify(|status| {
            status.generation += 1;
            status.kind = kind;
            match kind {
                ReloadKind::Reload => status.pages_changed = status.generation,
                ReloadKind::Css => status.styles_changed = status.generation,
                ReloadKind::Overlay => {}
            }
            status.overlay = overlay;
        });
    }

    /// Waits until the generation differs from `since`, or `timeout` passes.
    pub async fn wait_for_change(&self, since: u64, timeout: Duration) -> Status {
        let mut status = self.status.subscribe();
        let _ = tokio::time::timeout(timeout, status.wait_for(|s| s.generation != since)).await;
        self.status()
    }
}

/// The overlay shown over every page while the site has errors: the same diagnostics
/// as the terminal, escaped.
pub fn overlay_html(diagnostics: &Diagnostics, fatal: Option<&str>) -> String {
    let mut text = diagnostics.to_string();
    if let Some(fatal) = fatal {
        text.push_str(&format!("error: {fatal}\n"));
    }
    let count = diagnostics.error_count().max(usize::from(fatal.is_some()));
    format!(
        "<div id=\"hindsight-overlay\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;z-index:2147483647;background:#1b1b1f;color:#f5f5f5;border-bottom:4px solid #e5484d;padding:1rem 1.5rem;font:14px/1.5 ui-monospace,monospace;box-shadow:0 4px 24px rgba(0,0,0,.5)\">\
<strong style=\"color:#ff8b8b;font-size:16px\">hindsight: the site has {count} error{}</strong>\
<pre style=\"white-space:pre-wrap;margin:.75rem 0;color:inherit;background:none;border:0;padding:0\">{}</pre>\
<small>The last good version of the site is still served below. Fix the file and save: this message goes away by itself.</small></div>",
        if count == 1 { "" } else { "s" },
        escape(&text)
    )
}

/// Inserts the live-reload script (and the overlay, while there are errors) into an HTML
/// page, before `</body>` or at the end.
pub fn inject(html: &[u8], status: &Status) -> Vec<u8> {
    let mut tag = format!(
        "<script src=\"{SCRIPT_PATH}\" data-generation=\"{}\" defer></script>",
        status.generation
    );
    if let Some(overlay) = &status.overlay {
        tag.push_str(overlay);
    }
    let text = String::from_utf8_lossy(html);
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + tag.len());
    out.push_str(&text[..at]);
    out.push_str(&tag);
    out.push_str(&text[at..]);
    out.into_bytes()
}

/// The script every served page loads.
///
/// It long-polls [`POLL_PATH`] with the last generation it has seen. It reloads the page
/// when pages changed after the generation it was loaded at, swaps the stylesheets
/// (without a reload, so the scroll position and open details stay) when only they
/// changed, and shows or removes the error overlay to match the server. A server that went
/// away is polled again every 300 ms; one that came back with a lower generation was
/// restarted, and the page reloads.
pub const SCRIPT: &str = r##"// hindsight live reload: long-polls the dev server and follows its changes.
(function () {
  "use strict";
  var script = document.currentScript;
  var loaded = Number(script && script.getAttribute("data-generation")) || 0;
  var seen = loaded;
  var styles = loaded;
  var overlay;
  function showOverlay(html) {
    if (html === overlay) { return; }
    overlay = html;
    document.querySelectorAll("#hindsight-overlay").forEach(function (old) { old.remove(); });
    if (html) { document.body.insertAdjacentHTML("beforeend", html); }
  }
  function reloadStyles(generation) {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) { return; }
      url.searchParams.set("hindsight", generation);
      // The old sheet stays until the new one has loaded: no flash of unstyled page.
      var fresh = link.cloneNode();
      fresh.href = url.toString();
      fresh.onload = fresh.onerror = function () { link.remove(); };
      link.after(fresh);
    });
  }
  function poll() {
    fetch("/__hindsight/poll?since=" + seen, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.generation < seen || status.pages_changed > loaded) {
          location.reload();
          return;
        }
        if (status.styles_changed > styles) {
          styles = status.styles_changed;
          reloadStyles(styles);
        }
        showOverlay(status.overlay);
        seen = status.generation;
        poll();
      })
      .catch(function () { setTimeout(poll, 300); });
  }
  poll();
})();
"##;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostic;

    #[test]
    fn overlay_escapes_diagnostics() {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(Diagnostic::error("content/<x>.md", None, "bad <script>"));
        let html = overlay_html(&diagnostics, None);
        assert!(html.contains("content/&lt;x&gt;.md"));
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn script_goes_before_body_end() {
        let status = Status {
            generation: 7,
            kind: ReloadKind::Reload,
            pages_changed: 7,
            styles_changed: 1,
            overlay: None,
        };
        let out =
            String::from_utf8(inject(b"<html><body><p>x</p></body></html>", &status)).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__hindsight/live.js\" data-generation=\"7\" defer></script></body></html>"
        );
    }

    fn wait_for_change(state: &ServerState, since: u64, timeout: Duration) -> Status {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(state.wait_for_change(since, timeout))
    }

    #[test]
    fn waiting_returns_at_once_when_the_generation_moved() {
        let state = ServerState::new(Output::default());
        state.publish(Output::default(), ReloadKind::Css);
        let status = wait_for_change(&state, 1, Duration::from_secs(5));
        assert_eq!(status.generation, 2);
        assert_eq!(status.kind, ReloadKind::Css);
    }

    #[test]
    fn a_waiting_poll_hears_a_change_made_while_it_waits() {
        let state = std::sync::Arc::new(ServerState::new(Output::default()));
        let publisher = {
            let state = state.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                state.publish(Output::default(), ReloadKind::Reload);
            })
        };
        let started = std::time::Instant::now();
        let status = wait_for_change(&state, 1, Duration::from_secs(20));
        assert_eq!(status.generation, 2);
        assert!(started.elapsed() < Duration::from_secs(10));
        publisher.join().unwrap();
    }

    #[test]
    fn a_tab_that_missed_generations_still_learns_that_pages_changed() {
        // A page edit then a stylesheet edit: the latest kind is "css", but a tab loaded
        // at generation 1 must reload, not only swap its styles.
        let state = ServerState::new(Output::default());
        state.publish(Output::default(), ReloadKind::Reload);
        state.publish(Output::default(), ReloadKind::Css);
        state.show_errors("<div id=\"hindsight-overlay\"></div>".to_string());
        let status = wait_for_change(&state, 1, Duration::from_secs(5));
        assert_eq!(status.generation, 4);
        assert_eq!(status.kind, ReloadKind::Overlay);
        assert_eq!(status.pages_changed, 2);
        assert_eq!(status.styles_changed, 3);
        assert!(status.overlay.is_some());
    }

    #[test]
    fn waiting_times_out_without_a_change() {
        let state = ServerState::new(Output::default());
        let started = std::time::Instant::now();
        let status = wait_for_change(&state, 1, Duration::from_millis(50));
        assert!(started.elapsed() >= Duration::from_millis(50));
        assert_eq!(status.generation, 1);
    }
}
