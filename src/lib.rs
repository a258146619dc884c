//! hindsight: a static site generator for postmortem knowledge bases.

pub mod import;
