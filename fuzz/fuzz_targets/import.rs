//! The importer of freeform postmortems: any text in, and what comes out must be YAML a
//! postmortem can be read from (the front matter is written to disk as is).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use hindsight::config::Config;
use hindsight::content::parse_source;
use hindsight::diagnostics::Diagnostics;
use hindsight::import::{Import, RootCauseHint, import_document};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn fixture() -> &'static (Config, Vec<RootCauseHint>) {
    static FIXTURE: OnceLock<(Config, Vec<RootCauseHint>)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let config = common::config(true);
        let hints = config
            .root_causes
            .iter()
            .map(|(key, def)| RootCauseHint {
                key: key.to_string(),
                name: def.name.clone(),
                description: def.description.clone(),
            })
            .collect();
        (config, hints)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (config, hints) = fixture();
    // Two bits of the length choose `--force` and a file name with a date, which the
    // importer checks against the text's dates.
    let force = data.len() % 2 == 1;
    let file_name = (data.len() / 2 % 2 == 1).then_some("2024-03-12-db-outage.md");
    let Import::Postmortems(postmortems) = import_document(text, file_name, hints, force) else {
        return;
    };
    for imported in postmortems {
        match serde_yaml::from_str::<serde_yaml::Value>(&imported.front_matter) {
            Ok(serde_yaml::Value::Mapping(_)) => {}
            other => panic!(
                "the importer wrote front matter that is not a YAML mapping: {other:?}\n{}",
                imported.front_matter
            ),
        }
        // The file as `hindsight import` writes it goes through validation without a panic.
        let mut front_matter = imported.front_matter;
        if !front_matter.ends_with('\n') {
            front_matter.push('\n');
        }
        let file = format!("---\n{front_matter}---\n\n{}", imported.body);
        let mut diagnostics = Diagnostics::new();
        let _ = parse_source(
            Path::new("content/imported.md"),
            file.into_bytes(),
            config,
            &mut diagnostics,
        );
    }
});
