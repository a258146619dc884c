//! Live reload: the shared server state, the long-poll endpoint's answer, the injected
//! script and the error overlay.
//!
//! Every rebuild, good or bad, bumps a generation number. Open tabs long-poll
//! `/__hindsight/poll?since=N`; the answer says whether to reload the page, swap the
//! stylesheets, or show the build errors over the last good page.

use std::sync::{Condvar, Mutex, RwLock};
use std::time::Duration;

use serde::Serialize;

use crate::diagnostics::Diagnostics;
use crate::highlight::escape;
use crate::output::Output;

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
    /// Show the overlay; the page itself is unchanged.
    Errors,
}

/// The live-reload status of the site.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Bumped on every rebuild.
    pub generation: u64,
    /// What changed in the last one.
    pub kind: ReloadKind,
    /// The overlay markup while the site has errors.
    pub overlay: Option<String>,
}

/// Everything the HTTP threads share with the watch loop. No globals: one value,
/// shared by `Arc`.
#[derive(Debug)]
pub struct ServerState {
    output: RwLock<Output>,
    status: Mutex<Status>,
    changed: Condvar,
}

impl ServerState {
    /// State serving `output` at generation 1.
    pub fn new(output: Output) -> Self {
        Self {
            output: RwLock::new(output),
            status: Mutex::new(Status {
                generation: 1,
                kind: ReloadKind::Reload,
                overlay: None,
            }),
            changed: Condvar::new(),
        }
    }

    /// A cheap snapshot of the served site (the bytes are shared).
    pub fn output(&self) -> Output {
        match self.output.read() {
            Ok(output) => output.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Read access to the served site, held briefly by a request.
    pub fn output_guard(&self) -> std::sync::RwLockReadGuard<'_, Output> {
        match self.output.read() {
            Ok(output) => output,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The current status.
    pub fn status(&self) -> Status {
        match self.status.lock() {
            Ok(status) => status.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Serves a new site and tells the tabs.
    pub fn publish(&self, output: Output, kind: ReloadKind) {
        match self.output.write() {
            Ok(mut current) => *current = output,
            Err(poisoned) => *poisoned.into_inner() = output,
        }
        self.bump(kind, None);
    }

    /// Keeps the last good site and shows `diagnostics` over it.
    pub fn show_errors(&self, overlay: String) {
        self.bump(ReloadKind::Errors, Some(overlay));
    }

    fn bump(&self, kind: ReloadKind, overlay: Option<String>) {
        let mut status = match self.status.lock() {
            Ok(status) => status,
            Err(poisoned) => poisoned.into_inner(),
        };
        status.generation += 1;
        status.kind = kind;
        status.overlay = overlay;
        self.changed.notify_all();
    }

    /// Waits until the generation differs from `since`, or `timeout` passes.
    pub fn wait_for_change(&self, since: u64, timeout: Duration) -> Status {
        let status = match self.status.lock() {
            Ok(status) => status,
            Err(poisoned) => poisoned.into_inner(),
        };
        let result = self
            .changed
            .wait_timeout_while(status, timeout, |s| s.generation == since);
        match result {
            Ok((status, _)) => status.clone(),
            Err(poisoned) => poisoned.into_inner().0.clone(),
        }
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
    match text.rfind("</body>") {
        Some(at) => {
            let mut out = String::with_capacity(text.len() + tag.len());
            out.push_str(&text[..at]);
            out.push_str(&tag);
            out.push_str(&text[at..]);
            out.into_bytes()
        }
        None => {
            let mut out = text.into_owned();
            out.push_str(&tag);
            out.into_bytes()
        }
    }
}

/// The script every served page loads.
pub const SCRIPT: &str = r#"// hindsight live reload: long-polls the dev server and reloads on change.
(function () {
  "use strict";
  var script = document.currentScript;
  var generation = script ? script.getAttribute("data-generation") : null;
  function showOverlay(html) {
    var old = document.getElementById("hindsight-overlay");
    if (old) { old.remove(); }
    if (html) { document.body.insertAdjacentHTML("beforeend", html); }
  }
  function reloadStyles(next) {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("hindsight", next);
      link.href = url.toString();
    });
  }
  function poll() {
    fetch("/__hindsight/poll?since=" + encodeURIComponent(generation || ""), { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        var next = String(status.generation);
        if (generation !== null && next !== generation) {
          if (status.kind === "reload") { location.reload(); return; }
          if (status.kind === "css") { reloadStyles(next); showOverlay(null); }
          if (status.kind === "errors") { showOverlay(status.overlay); }
        }
        generation = next;
        poll();
      })
      .catch(function () { setTimeout(poll, 300); });
  }
  poll();
})();
"#;

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
            overlay: None,
        };
        let out =
            String::from_utf8(inject(b"<html><body><p>x</p></body></html>", &status)).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__hindsight/live.js\" data-generation=\"7\" defer></script></body></html>"
        );
    }

    #[test]
    fn waiting_returns_at_once_when_the_generation_moved() {
        let state = ServerState::new(Output::default());
        state.publish(Output::default(), ReloadKind::Css);
        let status = state.wait_for_change(1, Duration::from_secs(5));
        assert_eq!(status.generation, 2);
        assert_eq!(status.kind, ReloadKind::Css);
    }
}
