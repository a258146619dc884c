//! A whole postmortem file: UTF-8 check, front-matter split, YAML, validation (times,
//! keys, milestone order, timeline, action items), then the site model built from it and
//! one example postmortem (taxonomies, timeline, insights, related incidents).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use hindsight::config::Config;
use hindsight::content::{Postmortem, parse_source};
use hindsight::diagnostics::Diagnostics;
use hindsight::site::Site;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

struct Fixture {
    configs: [Config; 2],
    examples: [Postmortem; 2],
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let configs = [common::config(true), common::config(false)];
        let example = |config: &Config| {
            let text = include_str!("../../content/2024/mysql-password-mistyped.md");
            let mut diagnostics = Diagnostics::new();
            match parse_source(
                Path::new("content/2024/mysql-password-mistyped.md"),
                text.as_bytes().to_vec(),
                config,
                &mut diagnostics,
            ) {
                Some(postmortem) => postmortem,
                None => panic!("the example postmortem is invalid: {diagnostics}"),
            }
        };
        let examples = [example(&configs[0]), example(&configs[1])];
        Fixture { configs, examples }
    })
}

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    let which = data.len() % 2;
    let config = &fixture.configs[which];
    let mut diagnostics = Diagnostics::new();
    let parsed = parse_source(
        Path::new("content/2024/fuzzed.md"),
        data.to_vec(),
        config,
        &mut diagnostics,
    );
    // Every diagnostic must render (file:line:col within the file).
    let _ = diagnostics.to_string();
    if let Some(postmortem) = parsed {
        let site = Site::new(
            config.clone(),
            vec![postmortem, fixture.examples[which].clone()],
        );
        assert_eq!(site.postmortems.len(), 2);
    }
});
