//! `site.toml` → [`Config`].
//!
//! The file is read into [`RawConfig`], which mirrors it and rejects unknown keys (a typo
//! in a setting must never pass silently), then resolved into [`Config`]: a parsed base
//! URL, a real time zone, validated keys. Every mistake becomes a diagnostic pointing at
//! `site.toml:line:col`. Nothing here reads content.

use std::path::Path;

use indexmap::IndexMap;
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::audience::Audience;
use crate::diagnostics::{Diagnostic, Diagnostics, LineCol, suggestion};
use crate::keys::{RootCauseKey, ServiceKey, is_url_safe_key};
use crate::personal_data::Allowed;
use crate::secrets::Fingerprint;

/// The config file's name in the site root.
pub const CONFIG_FILE: &str = "site.toml";

/// `site.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    title: toml::Spanned<String>,
    base_url: toml::Spanned<String>,
    #[serde(default)]
    description: String,
    timezone: Option<toml::Spanned<String>>,
    theme: Option<toml::Spanned<String>>,
    #[serde(default)]
    unsafe_html: bool,
    #[serde(default = "default_search")]
    search: bool,
    paginate_by: Option<toml::Spanned<i64>>,
    severities: Option<toml::Spanned<Vec<String>>>,
    root_causes: Option<IndexMap<toml::Spanned<String>, RawRootCause>>,
    #[serde(default)]
    services: IndexMap<toml::Spanned<String>, RawService>,
    default_audience: Option<toml::Spanned<String>>,
    public: Option<RawPublic>,
    secrets: Option<RawSecrets>,
}

/// `[secrets]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecrets {
    #[serde(default)]
    allow: Vec<toml::Spanned<String>>,
}

/// The `[public]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPublic {
    #[serde(default)]
    allow: Vec<toml::Spanned<String>>,
}

fn default_search() -> bool {
    true
}

/// Entries per page of a list when `site.toml` does not say: a page of postmortem
/// summaries is then about 60 KB, quick to open on a phone.
pub const DEFAULT_PAGINATE_BY: usize = 50;

/// The most severities `site.toml` may list. Every list page links every severity, so
/// the site grows with their square; a severity scale is short (SEV1..SEV4).
pub const MAX_SEVERITIES: usize = 32;

/// The most `paginate_by` may be: more would make a page of a large library megabytes
/// long again, which is what pagination is for.
pub const MAX_PAGINATE_BY: i64 = 1000;

/// One `[root_causes]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRootCause {
    name: String,
    #[serde(default)]
    description: String,
}

/// One `[services.<key>]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    name: Option<String>,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    description: String,
}

/// The site's base URL, split into what links need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// Absolute, ending with `/` (`https://acme.github.io/postmortems/`).
    pub absolute: String,
    /// The path part, starting and ending with `/` (`/postmortems/`).
    pub path: String,
}

impl BaseUrl {
    /// Parses an absolute `http(s)` URL; a missing trailing slash is added.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| format!("base_url \"{text}\" must start with https:// or http://"))?;
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(format!("base_url \"{text}\" has no valid host"));
        }
        if path.contains(['?', '#', ' ', '"', '<', '>', '\\']) || path.contains(char::is_control) {
            return Err(format!(
                "base_url \"{text}\" must not contain a query, a fragment or spaces"
            ));
        }
        // `..` and `.` segments (also percent-encoded) would be copied into every link,
        // and browsers resolve them away: the links would lead somewhere else.
        if path.split('/').any(|segment| {
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
            decoded == ".." || decoded == "."
        }) {
            return Err(format!(
                "base_url \"{text}\" has a `.` or `..` segment in its path"
            ));
        }
        let path = if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        };
        let scheme_len = text.len() - rest.len();
        Ok(Self {
            absolute: format!("{}{host}{path}", &text[..scheme_len]),
            path,
        })
    }
}

/// A root cause of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootCauseDef {
    /// Display name.
    pub name: String,
    /// One sentence; may be empty.
    pub description: String,
}

/// Optional metadata about a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDef {
    /// Display name.
    pub name: String,
    /// Owning team; may be empty.
    pub owner: String,
    /// One sentence; may be empty.
    pub description: String,
}

/// A fingerprint of `[secrets] allow`: one finding of the secret scan that is not a
/// credential, and where `site.toml` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedSecret {
    /// The finding's fingerprint.
    pub fingerprint: Fingerprint,
    /// Where it is written in `site.toml`.
    pub pos: Option<LineCol>,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// Where the site is published.
    pub base_url: BaseUrl,
    /// One line about the site.
    pub description: String,
    /// Zone for offset-less times and for display; `None` means times need offsets and
    /// are displayed in UTC.
    pub timezone: Option<TimeZone>,
    /// The zone's name as written (`Europe/London`), or `UTC`.
    pub timezone_name: String,
    /// Theme folder name under `themes/`.
    pub theme: String,
    /// Where `theme` is set in `site.toml`, if it is.
    pub theme_pos: Option<LineCol>,
    /// The ids the theme's templates give their own elements, which content may not take
    /// (filled in by [`crate::pipeline::load_config`] from the templates).
    pub reserved_ids: std::sync::Arc<std::collections::BTreeSet<String>>,
    /// Keep raw HTML in Markdown as is (trusted authors only).
    pub unsafe_html: bool,
    /// Build the search index and the `/search/` page (`search = false` turns it off).
    pub search: bool,
    /// Entries per page of every list (postmortems, action items, an owner's
    /// postmortems); at least 1.
    pub paginate_by: usize,
    /// Severity names, most severe first.
    pub severities: Vec<String>,
    /// The root-cause taxonomy, in file order.
    pub root_causes: IndexMap<RootCauseKey, RootCauseDef>,
    /// Declared services, in file order; empty means "any service key is fine".
    pub services: IndexMap<ServiceKey, ServiceDef>,
    /// The audience of a postmortem whose front matter does not say (`default_audience`).
    pub default_audience: Audience,
    /// The organisation's own public addresses, never warned about (`[public] allow`).
    pub public_allow: Vec<Allowed>,
    /// Who this build is for: not a key of `site.toml` but the `--audience` of the
    /// command, set by the load; [`Audience::Public`] leaves internal postmortems and
    /// blocks out.
    pub build_audience: Audience,
    /// In a public build, the root causes that only internal postmortems have: set by
    /// the load, and not listed unless a public postmortem has them (they stay known, so
    /// an edit in `serve` that gives one to a public postmortem is valid).
    pub unlisted_root_causes: std::collections::BTreeSet<RootCauseKey>,
    /// In a public build, the source files of the internal postmortems it leaves out (set
    /// by the load): a link to one is an error naming it, in a full build and in an edit.
    pub internal_sources: std::collections::BTreeSet<std::path::PathBuf>,
    /// Findings of the secret scan allowed by fingerprint (`[secrets] allow`).
    pub allowed_secrets: Vec<AllowedSecret>,
}

impl Config {
    /// The fingerprints of `[secrets] allow`.
    pub fn allowed_fingerprints(&self) -> Vec<Fingerprint> {
        self.allowed_secrets
            .iter()
            .map(|a| a.fingerprint.clone())
            .collect()
    }
}

impl Config {
    /// The zone used to display times.
    pub fn display_zone(&self) -> TimeZone {
        self.timezone.clone().unwrap_or(TimeZone::UTC)
    }
}

/// Reads and validates `<root>/site.toml`. I/O failures and every mistake in the file
/// are diagnostics; `None` means the config is unusable.
pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Option<Config> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read(&path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(err)) => {
            let valid = err.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&err.as_bytes()[..valid]);
            diagnostics.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    Some(LineCol::of_offset(&prefix, prefix.len())),
                    "site.toml is not UTF-8 text",
                )
                .with_help("save the file as UTF-8 in your editor"),
            );
            return None;
        }
        Err(err) => {
            let help = if err.kind() == std::io::ErrorKind::NotFound {
                "run hindsight in a site folder, pass --root DIR, or create one with `hindsight init`"
            } else {
                "check that the file is readable UTF-8 text"
            };
            diagnostics.push(
                Diagnostic::error(CONFIG_FILE, None, format!("cannot read site config: {err}"))
                    .with_help(help),
            );
            return None;
        }
    };
    let config = parse(&text, diagnostics)?;
    if config.theme != "default" && !root.join("themes").join(&config.theme).is_dir() {
        diagnostics.push(
            Diagnostic::error(
                CONFIG_FILE,
                config.theme_pos,
                format!("theme \"{}\" is not a folder under themes/", config.theme),
            )
            .with_help(format!(
                "create themes/{}/ with templates/ and static/, or set theme = \"default\"",
                config.theme
            )),
        );
        return None;
    }
    Some(config)
}

/// Parses and validates the text of a `site.toml`.
pub fn parse(text: &str, diagnostics: &mut Diagnostics) -> Option<Config> {
    let raw: RawConfig = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(err) => {
            diagnostics.push(toml_error(text, &err));
            return None;
        }
    };
    let before = diagnostics.error_count();
    let config = resolve(raw, text, diagnostics);
    (diagnostics.error_count() == before).then_some(config)
}

fn toml_error(text: &str, err: &toml::de::Error) -> Diagnostic {
    let pos = err.span().map(|span| LineCol::of_offset(text, span.start));
    let message = err.message().trim().to_string();
    let help = unknown_field_help(&message);
    let diagnostic = Diagnostic::error(CONFIG_FILE, pos, message);
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// serde's "unknown field `x`, expected one of `a`, `b`" → "did you mean".
fn unknown_field_help(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty())
        .collect();
    let hint = crate::diagnostics::did_you_mean(field, candidates.iter().copied())?;
    Some(format!("did you mean `{hint}`?"))
}

fn pos_of(text: &str, span: std::ops::Range<usize>) -> Option<LineCol> {
    Some(LineCol::of_offset(text, span.start))
}

fn resolve(raw: RawConfig, text: &str, diagnostics: &mut Diagnostics) -> Config {
    let RawConfig {
        title,
        base_url,
        description,
        timezone,
        theme,
        unsafe_html,
        search,
        paginate_by,
        severities,
        root_causes,
        services,
        default_audience,
        public,
        secrets,
    } = raw;

    if title.get_ref().trim().is_empty() {
        diagnostics.push(
            Diagnostic::error(CONFIG_FILE, pos_of(text, title.span()), "title is empty")
                .with_help("give the site a title, e.g. title = \"Acme incident library\""),
        );
    }

    let parsed_base = BaseUrl::parse(base_url.get_ref()).unwrap_or_else(|message| {
        diagnostics.push(
            Diagnostic::error(CONFIG_FILE, pos_of(text, base_url.span()), message)
                .with_help("e.g. base_url = \"https://acme.github.io/postmortems/\""),
        );
        BaseUrl {
            absolute: "http://localhost/".to_string(),
            path: "/".to_string(),
        }
    });

    let (timezone, timezone_name) = match timezone {
        None => (None, "UTC".to_string()),
        Some(name) => match TimeZone::get(name.get_ref()) {
            Ok(tz) => (Some(tz), name.get_ref().clone()),
            Err(_) => {
                diagnostics.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        pos_of(text, name.span()),
                        format!("unknown time zone \"{}\"", name.get_ref()),
                    )
                    .with_help("use an IANA zone name such as \"UTC\", \"Europe/London\" or \"America/New_York\""),
                );
                (None, "UTC".to_string())
            }
        },
    };

    let paginate_by = match paginate_by {
        None => DEFAULT_PAGINATE_BY,
        Some(value) => match usize::try_from(*value.get_ref()) {
            Ok(n) if n >= 1 && *value.get_ref() <= MAX_PAGINATE_BY => n,
            _ => {
                diagnostics.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        pos_of(text, value.span()),
                        format!(
                            "paginate_by is {}: it must be a whole number from 1 to {MAX_PAGINATE_BY}",
                            value.get_ref()
                        ),
                    )
                    .with_help(format!(
                        "set how many entries a list page shows, e.g. paginate_by = {DEFAULT_PAGINATE_BY} (the default)"
                    )),
                );
                DEFAULT_PAGINATE_BY
            }
        },
    };

    let severities = match severities {
        None => ["SEV1", "SEV2", "SEV3", "SEV4"].map(String::from).to_vec(),
        Some(list) => {
            if list.get_ref().is_empty() {
                diagnostics.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        pos_of(text, list.span()),
                        "severities is empty",
                    )
                    .with_help("list them most severe first, e.g. [\"SEV1\", \"SEV2\", \"SEV3\"]"),
                );
            }
            let mut seen = std::collections::BTreeSet::new();
            for name in list.get_ref() {
                if name.trim().is_empty() {
                    diagnostics.push(
                        Diagnostic::error(
                            CONFIG_FILE,
                            pos_of(text, list.span()),
                            "a severity name is empty",
                        )
                        .with_help("name each severity, e.g. [\"SEV1\", \"SEV2\", \"SEV3\"]"),
                    );
                } else if let Some(message) =
                    crate::keys::segment_too_long("a severity", &crate::keys::slugify(name))
                {
                    diagnostics.push(
                        Diagnostic::error(CONFIG_FILE, pos_of(text, list.span()), message)
                            .with_help("write a shorter severity name"),
                    );
                } else if !seen.insert(name.as_str()) {
                    diagnostics.push(
                        Diagnostic::error(
                            CONFIG_FILE,
                            pos_of(text, list.span()),
                            format!("severity \"{name}\" is listed twice"),
                        )
                        .with_help("list each severity once, most severe first"),
                    );
                }
            }
            if list.get_ref().len() > MAX_SEVERITIES {
                diagnostics.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        pos_of(text, list.span()),
                        format!(
                            "{} severities: at most {MAX_SEVERITIES} may be configured",
                            list.get_ref().len()
                        ),
                    )
                    .with_help("a severity is a rank on a short scale (SEV1..SEV4); put finer distinctions in tags"),
                );
            }
            list.into_inner()
        }
    };

    let root_causes = match root_causes {
        None => default_root_causes(),
        Some(table) => {
            let mut resolved = IndexMap::new();
            for (key, def) in table {
                if !is_url_safe_key(key.get_ref()) {
                    diagnostics.push(
                        Diagnostic::error(
                            CONFIG_FILE,
                            pos_of(text, key.span()),
                            format!(
                                "root cause key \"{}\" cannot be used in a URL",
                                key.get_ref()
                            ),
                        )
                        .with_help("use lowercase letters, digits and dashes, e.g. software-bug"),
                    );
                } else if let Some(message) =
                    crate::keys::segment_too_long("root cause key", key.get_ref())
                {
                    diagnostics.push(
                        Diagnostic::error(CONFIG_FILE, pos_of(text, key.span()), message)
                            .with_help("write a shorter key"),
                    );
                }
                resolved.insert(
                    RootCauseKey::new(key.get_ref().clone()),
                    RootCauseDef {
                        name: def.name,
                        description: def.description,
                    },
                );
            }
            if resolved.is_empty() {
                diagnostics.push(
                    Diagnostic::error(CONFIG_FILE, None, "[root_causes] is empty")
                        .with_help("define at least one root cause, e.g. configuration = { name = \"Configuration\" }"),
                );
            }
            resolved
        }
    };

    let mut resolved_services = IndexMap::new();
    for (key, def) in services {
        if !is_url_safe_key(key.get_ref()) {
            diagnostics.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    pos_of(text, key.span()),
                    format!("service key \"{}\" cannot be used in a URL", key.get_ref()),
                )
                .with_help("use lowercase letters, digits and dashes, e.g. api-gateway"),
            );
        } else if let Some(message) = crate::keys::segment_too_long("service key", key.get_ref()) {
            diagnostics.push(
                Diagnostic::error(CONFIG_FILE, pos_of(text, key.span()), message)
                    .with_help("write a shorter key"),
            );
        }
        resolved_services.insert(
            ServiceKey::new(key.get_ref().clone()),
            ServiceDef {
                name: def.name.unwrap_or_else(|| key.get_ref().clone()),
                owner: def.owner,
                description: def.description,
            },
        );
    }

    let theme_pos = theme.as_ref().and_then(|theme| pos_of(text, theme.span()));
    let theme = theme.map_or_else(|| "default".to_string(), toml::Spanned::into_inner);
    if theme != "default"
        && (theme.is_empty()
            || theme.contains(['/', '\\', ':'])
            || theme.contains(char::is_control)
            || theme == "."
            || theme == "..")
    {
        diagnostics.push(
            Diagnostic::error(
                CONFIG_FILE,
                theme_pos,
                format!("theme \"{theme}\" is not a folder name"),
            )
            .with_help("name a folder under themes/, e.g. theme = \"default\""),
        );
    }

    let default_audience = match default_audience {
        None => Audience::Internal,
        Some(word) => Audience::parse(word.get_ref()).unwrap_or_else(|| {
            diagnostics.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    pos_of(text, word.span()),
                    format!("unknown default_audience \"{}\"{}", word.get_ref(), suggestion(word.get_ref(), Audience::ALL.iter().map(|a| a.as_str()))),
                )
                .with_help("default_audience is \"internal\" (a postmortem is published only if it says `audience: public`) or \"public\""),
            );
            Audience::Internal
        }),
    };

    let mut public_allow = Vec::new();
    for entry in public.map(|p| p.allow).unwrap_or_default() {
        match Allowed::parse(entry.get_ref()) {
            Ok(allowed) => public_allow.push(allowed),
            Err(message) => diagnostics.push(
                Diagnostic::error(CONFIG_FILE, pos_of(text, entry.span()), format!("[public] allow: {message}"))
                    .with_help("list the organisation's own public addresses, e.g. allow = [\"security@example.com\", \"+44 20 7946 0958\", \"203.0.113.0/24\"]"),
            ),
        }
    }

    let mut allowed_secrets = Vec::new();
    for entry in secrets.map(|s| s.allow).unwrap_or_default() {
        let pos = pos_of(text, entry.span());
        match Fingerprint::parse(entry.get_ref()) {
            Ok(fingerprint) => allowed_secrets.push(AllowedSecret { fingerprint, pos }),
            Err(message) => diagnostics.push(
                Diagnostic::error(CONFIG_FILE, pos, message).with_help(
                    "paste the fingerprint printed with the finding, e.g. \"aws-access-key:3f9a0c1e5d7b2a46\"",
                ),
            ),
        }
    }

    Config {
        title: title.into_inner(),
        base_url: parsed_base,
        description,
        timezone,
        timezone_name,
        theme,
        theme_pos,
        reserved_ids: std::sync::Arc::default(),
        unsafe_html,
        search,
        paginate_by,
        severities,
        root_causes,
        services: resolved_services,
        default_audience,
        public_allow,
        build_audience: Audience::Internal,
        unlisted_root_causes: std::collections::BTreeSet::new(),
        internal_sources: std::collections::BTreeSet::new(),
        allowed_secrets,
    }
}

/// Used when `site.toml` has no `[root_causes]`: a starter taxonomy.
fn default_root_causes() -> IndexMap<RootCauseKey, RootCauseDef> {
    [
        (
            "configuration",
            "Configuration",
            "A setting, secret or connection string was wrong",
        ),
        (
            "deployment",
            "Deployment",
            "A release, rollout or migration went wrong",
        ),
        ("capacity", "Capacity", "A resource ran out"),
        (
            "dependency",
            "Third-party dependency",
            "A provider or library failed or changed",
        ),
        (
            "software-bug",
            "Software bug",
            "Our own code did the wrong thing",
        ),
        ("network", "Network", "DNS, TLS, routing or load balancing"),
        ("hardware", "Hardware", "A disk, host or data centre failed"),
        ("security", "Security", "An attack or a leaked secret"),
    ]
    .into_iter()
    .map(|(key, name, description)| {
        (
            RootCauseKey::new(key),
            RootCauseDef {
                name: name.to_string(),
                description: description.to_string(),
            },
        )
    })
    .collect()
}

/// Suggestion text for an unknown root cause.
pub fn root_cause_suggestion(config: &Config, input: &str) -> String {
    suggestion(input, config.root_causes.keys().map(RootCauseKey::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Config {
        let mut diagnostics = Diagnostics::new();
        let config = parse(text, &mut diagnostics);
        assert!(!diagnostics.has_errors(), "{diagnostics}");
        config.unwrap()
    }

    fn parse_err(text: &str) -> String {
        let mut diagnostics = Diagnostics::new();
        assert!(parse(text, &mut diagnostics).is_none());
        diagnostics.to_string()
    }

    #[test]
    fn root_causes_keep_file_order() {
        let config = parse_ok(
            "title = \"t\"\nbase_url = \"https://x.io\"\n[root_causes]\nzeta = { name = \"Z\" }\nalpha = { name = \"A\" }\nmid = { name = \"M\" }\n",
        );
        let keys: Vec<&str> = config.root_causes.keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["zeta", "alpha", "mid"]);
        assert_eq!(config.base_url.absolute, "https://x.io/");
        assert_eq!(config.base_url.path, "/");
    }

    #[test]
    fn unknown_key_names_line_and_suggests() {
        let message =
            parse_err("title = \"t\"\nbase_url = \"https://x.io/a\"\ntimezon = \"UTC\"\n");
        assert!(message.contains("site.toml:3:1"), "{message}");
        assert!(message.contains("timezon"), "{message}");
        assert!(message.contains("did you mean `timezone`"), "{message}");
    }

    #[test]
    fn unknown_zone_names_its_line() {
        let message = parse_err(
            "title = \"t\"\nbase_url = \"https://x.io/a\"\ntimezone = \"Mars/Olympus\"\n",
        );
        assert!(
            message.contains("site.toml:3:12: unknown time zone"),
            "{message}"
        );
    }

    #[test]
    fn base_url_gets_a_trailing_slash_and_keeps_its_path() {
        let url = BaseUrl::parse("https://acme.github.io/postmortems").unwrap();
        assert_eq!(url.absolute, "https://acme.github.io/postmortems/");
        assert_eq!(url.path, "/postmortems/");
        assert!(BaseUrl::parse("acme.github.io").is_err());
        for url in [
            "https://x.io/a/../b/",
            "https://x.io/..",
            "https://x.io/a/./b",
            "https://x.io/a/%2e%2E/b",
        ] {
            assert!(BaseUrl::parse(url).is_err(), "{url}");
        }
    }

    #[test]
    fn severities_are_each_listed_once() {
        let message = parse_err(
            "title = \"t\"\nbase_url = \"https://x.io/\"\nseverities = [\"SEV1\", \"SEV2\", \"SEV1\"]\n",
        );
        assert!(
            message.contains("site.toml:3:14: severity \"SEV1\" is listed twice"),
            "{message}"
        );
    }

    #[test]
    fn paginate_by_defaults_and_must_be_a_positive_whole_number() {
        let base = "title = \"t\"\nbase_url = \"https://x.io/\"\n";
        assert_eq!(parse_ok(base).paginate_by, DEFAULT_PAGINATE_BY);
        assert_eq!(parse_ok(&format!("{base}paginate_by = 7\n")).paginate_by, 7);
        for (value, column) in [("0", 15), ("-3", 15), ("1001", 15)] {
            let message = parse_err(&format!("{base}paginate_by = {value}\n"));
            assert!(
                message.contains(&format!("site.toml:3:{column}: paginate_by is {value}")),
                "{message}"
            );
            assert!(message.contains("paginate_by = 50"), "{message}");
        }
        for value in ["\"20\"", "2.5", "true"] {
            let message = parse_err(&format!("{base}paginate_by = {value}\n"));
            assert!(message.contains("site.toml:3:15"), "{value}: {message}");
        }
        let message = parse_err(&format!("{base}paginate = 20\n"));
        assert!(message.contains("did you mean `paginate_by`"), "{message}");
    }

    #[test]
    fn a_theme_that_is_not_a_folder_name_names_its_line() {
        for theme in ["../../etc", "/etc", "a/b", "..", ""] {
            let message = parse_err(&format!(
                "title = \"t\"\nbase_url = \"https://x.io/\"\ntheme = \"{theme}\"\n"
            ));
            assert!(
                message.contains("site.toml:3:9: theme"),
                "{theme}: {message}"
            );
        }
    }

    #[test]
    fn default_audience_and_the_allow_list_are_checked_with_their_lines() {
        let base = "title = \"t\"\nbase_url = \"https://x.io/\"\n";
        assert_eq!(parse_ok(base).default_audience, Audience::Internal);
        let config = parse_ok(&format!(
            "{base}default_audience = \"public\"\n[public]\nallow = [\"a@b.io\", \"203.0.113.0/24\"]\n"
        ));
        assert_eq!(config.default_audience, Audience::Public);
        assert_eq!(config.public_allow.len(), 2);
        let message = parse_err(&format!("{base}default_audience = \"publik\"\n"));
        assert!(
            message.contains("site.toml:3:20: unknown default_audience \"publik\""),
            "{message}"
        );
        assert!(message.contains("did you mean \"public\""), "{message}");
        let message = parse_err(&format!(
            "{base}[public]\nallow = [\"a@b.io\", \"10.0.0.0/40\"]\n"
        ));
        assert!(
            message.contains("site.toml:4:20: [public] allow"),
            "{message}"
        );
        let message = parse_err(&format!("{base}[public]\nalow = []\n"));
        assert!(message.contains("site.toml:4:1"), "{message}");
        let message = parse_err(&format!("{base}default_audiense = \"public\"\n"));
        assert!(
            message.contains("did you mean `default_audience`"),
            "{message}"
        );
    }

    #[test]
    fn wrong_type_names_line() {
        let message =
            parse_err("title = \"t\"\nbase_url = \"https://x.io/\"\nunsafe_html = \"yes\"\n");
        assert!(message.contains("site.toml:3:15"), "{message}");
    }
}
