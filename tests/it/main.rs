//! Integration tests: real sites built in temp dirs, checked by parsing the HTML.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests assert by panicking"
)]
#![allow(missing_docs, unreachable_pub, reason = "test helpers")]

mod action_items;
mod assembly;
mod audience;
mod browse;
mod browser_reload;
mod browser_search;
mod build;
mod cache;
mod check;
mod chromium;
mod duration;
mod errors;
mod escaping;
mod fixture;
mod hardening;
mod hostile;
mod import_cli;
mod insights;
mod large_imports;
mod large_inputs;
mod output;
mod output_interrupted;
mod pagination;
mod rebuilds;
mod related;
mod scaffold;
mod secrets;
mod serve;
mod serve_attack;
mod taxonomy;
mod timeline;
mod timeline_days;
