//! hindsight: a static site generator for postmortem knowledge bases.
//!
//! ```text
//! cli ─► pipeline::load: config (site.toml) ─► content (walk + front matter + markdown)
//!        ─► site model (postmortems, taxonomies, timeline, metrics) + theme + static/
//!    ─► pipeline::assemble: pages (render: tera, theme) ─► assets ─► search (Pagefind
//!        bundle) ─► the site's own static/ (wins everywhere) ─► a Sink, which is
//!   build: the staging folder ─► output (atomic swap); cache: each page's context is
//!          fingerprinted, and a page whose fingerprint is unchanged is hard-linked
//!          from the last build instead of rendered
//!   serve: memory, each page's context fingerprint kept ─► http (axum) + live reload;
//!          watcher ─► changes ─► the model again ─► the pages whose fingerprint changed
//!          re-rendered; search re-indexed in the background
//!   check: memory ─► lint rules over the model and the output
//! ```
//!
//! Each stage is a module with one entry function taking and returning plain data;
//! [`pipeline`] is the only place they are chained, and [`urls`] the only place the URL
//! layout is spelled out. User mistakes are collected as [`diagnostics::Diagnostic`]s;
//! other failures are [`error::Error`].

pub mod audience;
pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod error;
pub mod highlight;
mod html_depth;
pub mod import;
pub mod import_command;
pub mod keys;
pub mod markdown;
pub mod output;
pub mod personal_data;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod secrets;
pub mod serve;
pub mod site;
pub mod text;
pub mod urls;
