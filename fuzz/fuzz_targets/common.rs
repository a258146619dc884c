//! What the targets share: the example site's configuration, parsed once.

use hindsight::config::Config;
use hindsight::diagnostics::Diagnostics;

/// The example site's `site.toml` (time zone Europe/London, seven root causes).
pub const SITE_TOML: &str = include_str!("../../site.toml");

/// The example configuration, with its time zone or without one (then a time without an
/// offset is an error, a different path through validation).
pub fn config(with_zone: bool) -> Config {
    let text = if with_zone {
        SITE_TOML.to_string()
    } else {
        SITE_TOML.replace("timezone = \"Europe/London\"", "")
    };
    let mut diagnostics = Diagnostics::new();
    match hindsight::config::parse(&text, &mut diagnostics) {
        Some(config) => config,
        None => panic!("the example site.toml is invalid: {diagnostics}"),
    }
}
