//! hindsight: a static site generator for postmortem knowledge bases.
//!
//! ```text
//! cli ─► config (site.toml) ─► content (walk + front matter + markdown) ─► site model
//!        (postmortems, taxonomies, timeline, metrics) ─► render (tera, theme) ─► output (atomic write)
//! serve = build in a loop: watcher ─► changes → affected pages ─► re-render ─► http + live reload
//! ```
//!
//! Each stage is a module with one entry function taking and returning plain data;
//! [`pipeline`] is the only place they are chained. User mistakes are collected as
//! [`diagnostics::Diagnostic`]s; other failures are [`error::Error`].

pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod error;
pub mod highlight;
pub mod import;
pub mod import_command;
pub mod keys;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod text;
