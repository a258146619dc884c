//! Likely credentials in a postmortem: found before anything is published.
//!
//! [`scan`] reads the whole text of a postmortem file as written (front matter, body,
//! code, raw HTML and link URLs alike: a credential is one wherever it is pasted) and
//! returns every likely credential with its byte range: private key blocks, tokens of a
//! known shape, passwords in URLs, command-line flags and assignments, and high-entropy
//! values given to names like `token` or `key`. Placeholders (`<password>`, `****`,
//! `$DB_PASSWORD`, `${{ secrets.X }}`, `REDACTED`, `example`) are not findings.
//!
//! [`check_file`] turns the findings of one file into error diagnostics, less the ones
//! allowed deliberately: one finding per [`ALLOW_MARKER`] on its line, or every finding
//! whose [`Fingerprint`] `site.toml` lists under `[secrets] allow`. The scan never turns
//! off for a whole file.

use std::fmt;
use std::hash::Hasher;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostics::{Diagnostic, Diagnostics, LineCursor};

/// Written on a line, allows one finding on that line (two markers, two findings). In
/// Markdown write it as an HTML comment, `<!-- hindsight: allow-secret -->`, which no
/// page shows; in the front matter as a YAML comment, `# hindsight: allow-secret`.
pub const ALLOW_MARKER: &str = "hindsight: allow-secret";

/// What a finding looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `-----BEGIN RSA PRIVATE KEY-----` and the other private key blocks.
    PrivateKey,
    /// `AKIA…`, `ASIA…`: an AWS access key ID.
    AwsAccessKey,
    /// `ghp_…`, `github_pat_…`.
    GitHubToken,
    /// `glpat-…` and GitLab's other token prefixes.
    GitLabToken,
    /// `xoxb-…` and the other Slack tokens.
    SlackToken,
    /// `https://hooks.slack.com/services/T…/B…/…`.
    SlackWebhook,
    /// `sk_live_…`, `rk_test_…`.
    StripeKey,
    /// `AIza…`.
    GoogleApiKey,
    /// `npm_…`.
    NpmToken,
    /// `pypi-AgE…`.
    PypiToken,
    /// `SG.….…`.
    SendGridKey,
    /// `sk-…T3BlbkFJ…`.
    OpenAiKey,
    /// `eyJ….eyJ….…`: a JSON Web Token.
    Jwt,
    /// `mysql://user:pass@host`.
    UrlPassword,
    /// `-p'…'`, `--password=…`, `sshpass -p …`, `curl -u user:…`, `redis-cli -a …`.
    PasswordFlag,
    /// `PASSWORD=…`, `password: …`, `client_secret = "…"`.
    PasswordAssignment,
    /// `IDENTIFIED BY '…'` in SQL.
    SqlPassword,
    /// `Authorization: Bearer …`.
    AuthorizationHeader,
    /// A high-entropy value given to a name like `token`, `key` or `credential`.
    HighEntropyAssignment,
}

impl Kind {
    /// Every kind, in the order they are tried (the specific shapes first: a token
    /// assigned to `GITHUB_TOKEN` is a GitHub token, not a high-entropy value).
    pub const ALL: [Kind; 19] = [
        Kind::PrivateKey,
        Kind::AwsAccessKey,
        Kind::GitHubToken,
        Kind::GitLabToken,
        Kind::SlackToken,
        Kind::SlackWebhook,
        Kind::StripeKey,
        Kind::GoogleApiKey,
        Kind::NpmToken,
        Kind::PypiToken,
        Kind::SendGridKey,
        Kind::OpenAiKey,
        Kind::Jwt,
        Kind::UrlPassword,
        Kind::SqlPassword,
        Kind::AuthorizationHeader,
        Kind::PasswordFlag,
        Kind::PasswordAssignment,
        Kind::HighEntropyAssignment,
    ];

    /// The kind's name in fingerprints (`aws-access-key`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::PrivateKey => "private-key",
            Kind::AwsAccessKey => "aws-access-key",
            Kind::GitHubToken => "github-token",
            Kind::GitLabToken => "gitlab-token",
            Kind::SlackToken => "slack-token",
            Kind::SlackWebhook => "slack-webhook",
            Kind::StripeKey => "stripe-key",
            Kind::GoogleApiKey => "google-api-key",
            Kind::NpmToken => "npm-token",
            Kind::PypiToken => "pypi-token",
            Kind::SendGridKey => "sendgrid-key",
            Kind::OpenAiKey => "openai-key",
            Kind::Jwt => "jwt",
            Kind::UrlPassword => "url-password",
            Kind::PasswordFlag => "password-flag",
            Kind::PasswordAssignment => "password-assignment",
            Kind::SqlPassword => "sql-password",
            Kind::AuthorizationHeader => "authorization-header",
            Kind::HighEntropyAssignment => "high-entropy-value",
        }
    }

    /// The kind for a reader (`AWS access key`).
    pub fn label(self) -> &'static str {
        match self {
            Kind::PrivateKey => "private key",
            Kind::AwsAccessKey => "AWS access key",
            Kind::GitHubToken => "GitHub token",
            Kind::GitLabToken => "GitLab token",
            Kind::SlackToken => "Slack token",
            Kind::SlackWebhook => "Slack webhook URL",
            Kind::StripeKey => "Stripe secret key",
            Kind::GoogleApiKey => "Google API key",
            Kind::NpmToken => "npm token",
            Kind::PypiToken => "PyPI token",
            Kind::SendGridKey => "SendGrid API key",
            Kind::OpenAiKey => "OpenAI API key",
            Kind::Jwt => "JSON Web Token",
            Kind::UrlPassword => "password in a URL",
            Kind::PasswordFlag => "password on a command line",
            Kind::PasswordAssignment => "password or secret in an assignment",
            Kind::SqlPassword => "password in SQL",
            Kind::AuthorizationHeader => "credential in an Authorization header",
            Kind::HighEntropyAssignment => "high-entropy value assigned to a secret-sounding name",
        }
    }

    /// The kind named `name` (as in a fingerprint).
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One likely credential in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it looks like.
    pub kind: Kind,
    /// Byte range of the value in the scanned text.
    pub range: std::ops::Range<usize>,
    /// The value as written.
    pub value: String,
}

impl Finding {
    /// The value with all but its ends hidden (`AKIA…XYZW`), safe to print.
    pub fn masked(&self) -> String {
        if self.kind == Kind::PrivateKey {
            let header = self.value.lines().next().unwrap_or_default();
            return format!("{}…", header.trim_end());
        }
        mask(&self.value)
    }

    /// The finding's fingerprint, for `[secrets] allow` in `site.toml`.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(self.kind, &self.value)
    }
}

/// `AKIAIOSFODNN7QWERXYZW` → `AKIA…XYZW`; short values keep less.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let keep = match chars.len() {
        0..=5 => 0,
        6..=11 => 1,
        12..=19 => 2,
        _ => 4,
    };
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("{head}…{tail}")
}

/// A stable hash of a finding's kind and value (`aws-access-key:3f9a0c1e5d7b2a46`):
/// the same on every machine and in every release, so it can be kept in `site.toml`. It
/// is 64 bits of SipHash-1-3 with fixed keys: enough to tell findings apart, and no
/// disclosure beyond what any hash of a value gives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The fingerprint of `value` found as `kind`.
    pub fn of(kind: Kind, value: &str) -> Self {
        let mut hasher = siphasher::sip::SipHasher13::new_with_keys(
            0x6869_6e64_7369_6768,
            0x7420_7365_6372_6574,
        );
        hasher.write(kind.name().as_bytes());
        hasher.write(&[0]);
        hasher.write(value.as_bytes());
        Self(format!("{}:{:016x}", kind.name(), hasher.finish()))
    }

    /// Reads `kind:16 hex digits`, as printed with a finding.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let Some((kind, hash)) = text.split_once(':') else {
            return Err(format!(
                "\"{text}\" is not a secret fingerprint (kind:hash)"
            ));
        };
        if Kind::from_name(kind).is_none() {
            return Err(format!(
                "\"{text}\" names no kind of secret hindsight knows (\"{kind}\")"
            ));
        }
        if hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "\"{text}\" is not a secret fingerprint: the part after \"{kind}:\" must be 16 hex digits"
            ));
        }
        Ok(Self(format!("{kind}:{}", hash.to_ascii_lowercase())))
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One rule: a kind, its pattern and the capture group that holds the value.
struct Rule {
    kind: Kind,
    pattern: Regex,
    /// Which groups may hold the value, and whether that group is quoted: the first
    /// that matched is it.
    groups: &'static [(usize, bool)],
    /// Whether the value must pass [`accept_value`]'s test for its kind (a placeholder
    /// check for every rule; prose and entropy tests for assignments).
    check: ValueCheck,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ValueCheck {
    /// A known shape: only placeholders are refused.
    Shape,
    /// A password: placeholders, and a lone word after a name in prose, are refused.
    Password,
    /// Refused unless its entropy is high.
    Entropy,
}

/// A name that says "password or secret": any value it is given is one.
const PASSWORD_NAME: &str =
    r"(?:password|passwd|passphrase|contrase(?:ñ|n)a|pwd|db_?pass|database_?pass|key_?pass|secret)";
/// A name that says "maybe a credential": only a high-entropy value counts.
const TOKEN_NAME: &str = r"(?:token|api_?key|apikey|key|auth|credential|cred|access_?key)";
/// `=`, `:`, `:=`, `=>`, `==`, with the closing quote or bracket of a name before it.
const ASSIGN: &str = r#"['"\]]{0,2}[ \t]*(?::=|=>|==?|:)[ \t]*"#;
/// A value: quoted (groups 1–3) or bare (group 4).
const VALUE: &str = r#"(?:"([^"\n]*)"|'([^'\n]*)'|`([^`\n]*)`|([^\s"'`<>,;&|\[\]]+))"#;

fn rule(kind: Kind, pattern: &str, groups: &'static [(usize, bool)], check: ValueCheck) -> Rule {
    // The patterns are constants, checked by the unit tests: a bad one is a bug.
    #[allow(clippy::expect_used, reason = "constant patterns, covered by tests")]
    let pattern = Regex::new(pattern).expect("secret pattern");
    Rule {
        kind,
        pattern,
        groups,
        check,
    }
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    use Kind::*;
    use ValueCheck::*;
    let name_chars = r"[A-Za-z0-9_.-]*";
    vec![
        rule(
            PrivateKey,
            r"BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED |SSH2 ENCRYPTED )?PRIVATE KEY(?: BLOCK)?|PuTTY-User-Key-File-\d",
            &[(0, false)],
            Shape,
        ),
        rule(
            AwsAccessKey,
            r"\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})",
            &[(1, false)],
            Shape,
        ),
        rule(
            GitHubToken,
            r"\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36,255}|github_pat_[A-Za-z0-9_]{22,255})",
            &[(1, false)],
            Shape,
        ),
        rule(
            GitLabToken,
            r"\b((?:glpat|gldt|glft|glsoat|glrt|glcbt|glimt|glptt|glagent|gloas)-[A-Za-z0-9_-]{20,1024}|GR1348941[A-Za-z0-9_-]{20,50})",
            &[(1, false)],
            Shape,
        ),
        rule(
            SlackToken,
            r"\b((?i:xox[abposr])-[0-9A-Za-z-]{10,}|xapp-\d-[0-9A-Za-z-]{10,})",
            &[(1, false)],
            Shape,
        ),
        rule(
            SlackWebhook,
            r"(?i)(https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+)",
            &[(1, false)],
            Shape,
        ),
        rule(
            StripeKey,
            r"\b((?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,})",
            &[(1, false)],
            Shape,
        ),
        rule(GoogleApiKey, r"\b(AIza[0-9A-Za-z_-]{35})", &[(1, false)], Shape),
        rule(NpmToken, r"\b(npm_[A-Za-z0-9]{36})", &[(1, false)], Shape),
        rule(PypiToken, r"\b(pypi-AgE[A-Za-z0-9_-]{50,})", &[(1, false)], Shape),
        rule(
            SendGridKey,
            r"\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})",
            &[(1, false)],
            Shape,
        ),
        rule(
            OpenAiKey,
            r"\b(sk-[A-Za-z0-9_-]*T3BlbkFJ[A-Za-z0-9_-]{20,})",
            &[(1, false)],
            Shape,
        ),
        rule(
            Jwt,
            r"\b(eyJ[A-Za-z0-9_=-]{8,}\.[A-Za-z0-9_=-]+\.?[A-Za-z0-9_.+/=-]*)",
            &[(1, false)],
            Shape,
        ),
        rule(
            UrlPassword,
            r#"://[^\s:/?#@<>"'`\[\]]+:([^\s/?#@<>"'`\[\]]+)@"#,
            &[(1, false)],
            Password,
        ),
        rule(
            SqlPassword,
            r#"(?i)\bidentified\s+(?:with\s+\S+\s+)?by\s+(?:'([^'\n]*)'|"([^"\n]*)")"#,
            &[(1, true), (2, true)],
            Password,
        ),
        rule(
            AuthorizationHeader,
            r#"(?i)\bauthorization['"]?\s*[:=]\s*['"]?(?:bearer|basic|token|bot)\s+([A-Za-z0-9._~+/=-]{8,})"#,
            &[(1, false)],
            Password,
        ),
        rule(
            PasswordFlag,
            &[
                // -p'…' and -p"…" (mysql and friends), anywhere.
                r#"(?:^|\s)-p(?:'([^'\n]+)'|"([^"\n]+)")"#,
                // -pvalue right after a MySQL client's name on the line.
                r#"\b(?:mysql|mysqldump|mysqladmin|mysqlsh|mariadb|mariadb-dump)\b[^\n]*?\s-p([^\s'"`]+)"#,
                // --password=value, --db-password value, --pass=value.
                r#"(?i)--[a-z0-9-]*pass(?:word)?(?:=|[ \t]+)(?:'([^'\n]+)'|"([^"\n]+)"|([^\s'"`-][^\s'"`]*))"#,
                // sshpass -p value, redis-cli -a value, curl -u user:value.
                r#"\bsshpass\s+-p\s*['"]?([^\s'"`]+)"#,
                r#"\bredis-cli\b[^\n]*?\s-a\s+['"]?([^\s'"`]+)"#,
                r#"\bcurl\b[^\n]*?\s(?:-u|--user)\s+['"]?[^\s:'"`]+:([^\s'"`]+)"#,
            ]
            .join("|"),
            &[
                (1, true),
                (2, true),
                (3, false),
                (4, true),
                (5, true),
                (6, false),
                (7, false),
                (8, false),
                (9, false),
            ],
            Password,
        ),
        rule(
            PasswordAssignment,
            &format!(r"(?i){name_chars}{PASSWORD_NAME}{name_chars}{ASSIGN}{VALUE}"),
            &[(1, true), (2, true), (3, true), (4, false)],
            Password,
        ),
        rule(
            HighEntropyAssignment,
            &format!(r"(?i){name_chars}{TOKEN_NAME}{name_chars}{ASSIGN}{VALUE}"),
            &[(1, true), (2, true), (3, true), (4, false)],
            Entropy,
        ),
    ]
});

/// Every likely credential in `text`, in the order they appear. Where two rules find
/// the same value, the more specific one (earlier in [`Kind::ALL`]) is kept.
pub fn scan(text: &str) -> Vec<Finding> {
    let mut found: Vec<Finding> = Vec::new();
    for rule in RULES.iter() {
        for caps in rule.pattern.captures_iter(text) {
            let Some((m, quoted)) = rule
                .groups
                .iter()
                .find_map(|&(g, quoted)| caps.get(g).map(|m| (m, quoted)))
            else {
                continue;
            };
            let mut range = m.range();
            if rule.kind == Kind::PrivateKey {
                range = private_key_block(text, range);
            } else if !quoted && rule.check != ValueCheck::Shape {
                range.end = range.start + trim_trailing_punctuation(&text[range.clone()]).len();
            }
            let value = &text[range.clone()];
            if !accept_value(rule.kind, rule.check, value, quoted) {
                continue;
            }
            if found
                .iter()
                .any(|f| f.range.start < range.end && range.start < f.range.end)
            {
                continue;
            }
            found.push(Finding {
                kind: rule.kind,
                range,
                value: value.to_string(),
            });
        }
    }
    found.sort_by_key(|f| f.range.start);
    found
}

/// A private key block from its `BEGIN` line to its `END` line (or the first blank line,
/// or at most 16 KiB when it has neither).
fn private_key_block(text: &str, header: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let line_start = text[..header.start].rfind('\n').map_or(0, |i| i + 1);
    let start = text[line_start..header.start]
        .rfind("-----")
        .map_or(header.start, |i| line_start + i);
    let rest = &text[header.end..];
    let limit = rest.len().min(16 * 1024);
    let mut limit = limit;
    while !rest.is_char_boundary(limit) {
        limit -= 1;
    }
    let window = &rest[..limit];
    let end = match window.find("END ") {
        Some(i) => {
            let after = &window[i..];
            i + after.find('\n').unwrap_or(after.len())
        }
        None => window.find("\n\n").unwrap_or(window.len()),
    };
    start..header.end + end
}

/// `hunter2.` at the end of a sentence is `hunter2`.
fn trim_trailing_punctuation(value: &str) -> &str {
    value.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}', '*', '_'])
}

/// Whether `value`, found by a rule of `kind`, is a likely credential.
fn accept_value(kind: Kind, check: ValueCheck, value: &str, quoted: bool) -> bool {
    if kind == Kind::PrivateKey {
        return !private_key_is_placeholder(value);
    }
    if !value.chars().any(char::is_alphanumeric) || is_placeholder(value) {
        return false;
    }
    match check {
        ValueCheck::Shape => true,
        ValueCheck::Password => quoted || !reads_as_prose(value),
        ValueCheck::Entropy => is_high_entropy(value),
    }
}

/// A private key block whose body is elided (`...`, `<redacted>`) or empty.
fn private_key_is_placeholder(block: &str) -> bool {
    let body: String = block
        .lines()
        .filter(|line| !line.contains("PRIVATE KEY") && !line.contains("END "))
        .filter(|line| !line.contains(':') || line.contains("PuTTY"))
        .collect::<Vec<_>>()
        .concat();
    let body = body
        .trim()
        .trim_matches(|c: char| c == '`' || c == '"' || c.is_whitespace());
    if block.starts_with("PuTTY") {
        return false;
    }
    body.len() < 16 || is_placeholder(body)
}

/// Words that mark a value as a stand-in, not a credential.
const PLACEHOLDER_WORDS: [&str; 12] = [
    "redacted",
    "example",
    "placeholder",
    "your_",
    "your-",
    "yourpassword",
    "<",
    "…",
    "...",
    "dummy",
    "removed",
    "hidden",
];

/// `<password>`, `****`, `xxxx`, `$DB_PASSWORD`, `${DB_PASSWORD}`, `${{ secrets.X }}`,
/// `{{ .Password }}`, `%PASSWORD%`, `%(password)s`, `REDACTED`, `example`, a value cut
/// short with `…`, a file path.
pub fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    let lower = value.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // A mask: only stars, x's, dots, dashes, bullets, hashes.
    if value
        .chars()
        .all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '-' | '_' | '•' | '#' | '●'))
    {
        return true;
    }
    // Variables and templates of shells, CI systems and template languages.
    let variable = |rest: &str| {
        rest.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '_' | '{' | '('))
    };
    if value.strip_prefix('$').is_some_and(variable)
        || value.contains("${")
        || value.contains("{{")
        || value.contains("%(")
        || (value.starts_with('%') && value.ends_with('%') && value.len() > 2)
    {
        return true;
    }
    // A path to a file that holds the secret, not the secret.
    value.starts_with('/') || value.starts_with("./") || value.starts_with("~/")
}

/// A bare value after a name that reads as the next word of a sentence
/// (`password: was wrong` → `was`, `using password: YES`): letters only, one capital at
/// most, at the start, or a short word in capitals.
fn reads_as_prose(value: &str) -> bool {
    let mut chars = value.chars();
    let Some(first) = chars.next() else {
        return true;
    };
    let rest_lower = chars.clone().all(|c| c.is_ascii_lowercase());
    let all_upper = value.len() <= 12 && value.chars().all(|c| c.is_ascii_uppercase());
    let letters = (first.is_alphabetic() && rest_lower) || all_upper;
    let short_number = value.len() < 6 && value.bytes().all(|b| b.is_ascii_digit());
    letters || short_number
}

/// Shannon entropy in bits per character.
fn entropy(value: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in value.bytes() {
        counts[usize::from(b)] += 1;
    }
    let len = value.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// At least 16 characters of a token's alphabet, mixing letters and digits (or cases),
/// and as unpredictable as a random hex string (3.0 bits a character) or a random
/// base64 one (3.5 and up, less for short values): a commit hash or a checksum is one;
/// `connection-pool-size` or `prod.eu-west-1` is not.
fn is_high_entropy(value: &str) -> bool {
    if value.len() < 16
        || !value.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-' | b'.')
        })
    {
        return false;
    }
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    let lower = value.bytes().any(|b| b.is_ascii_lowercase());
    let upper = value.bytes().any(|b| b.is_ascii_uppercase());
    let classes = usize::from(digits > 0) + usize::from(lower) + usize::from(upper);
    if classes < 2 {
        return false;
    }
    let hex = value.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    let e = entropy(value);
    if hex {
        e >= 3.0
    } else {
        e >= if value.len() < 24 { 3.5 } else { 3.8 }
    }
}

/// The findings of one file as errors, less the allowed ones. `text` is the whole file
/// as read (positions are its lines and columns); `allowed` the fingerprints of
/// `site.toml`'s `[secrets] allow`. Returns the fingerprints of `allowed` that matched
/// a finding here, so the caller can warn about the ones that match nothing.
pub fn check_file(
    rel_path: &Path,
    text: &str,
    allowed: &[Fingerprint],
    diagnostics: &mut Diagnostics,
) -> Vec<Fingerprint> {
    let findings = scan(text);
    let mut used = Vec::new();
    if findings.is_empty() {
        return used;
    }
    let mut cursor = LineCursor::new(text);
    // Markers left on the line being looked at: (line start, markers not used yet).
    let mut line_markers: Option<(usize, usize)> = None;
    for finding in findings {
        let line_start = text[..finding.range.start].rfind('\n').map_or(0, |i| i + 1);
        let markers = match line_markers {
            Some((start, left)) if start == line_start => left,
            _ => {
                let line_end = text[line_start..]
                    .find('\n')
                    .map_or(text.len(), |i| line_start + i);
                text[line_start..line_end].matches(ALLOW_MARKER).count()
            }
        };
        if markers > 0 {
            line_markers = Some((line_start, markers - 1));
            continue;
        }
        line_markers = Some((line_start, 0));
        let fingerprint = finding.fingerprint();
        if allowed.contains(&fingerprint) {
            used.push(fingerprint);
            continue;
        }
        let pos = cursor.at(finding.range.start);
        diagnostics.push(
            Diagnostic::error(
                rel_path,
                Some(pos),
                format!(
                    "likely credential ({}): {} would be published",
                    finding.kind.label(),
                    finding.masked()
                ),
            )
            .with_help(format!(
                "remove it and rotate it (it is in the repository's history too), or write a placeholder such as <{}>; if it is not a credential, put <!-- {ALLOW_MARKER} --> on the line (# {ALLOW_MARKER} in front matter) or add \"{fingerprint}\" to allow under [secrets] in site.toml",
                placeholder_for(finding.kind)
            )),
        );
    }
    used
}

fn placeholder_for(kind: Kind) -> &'static str {
    match kind {
        Kind::UrlPassword | Kind::PasswordFlag | Kind::PasswordAssignment | Kind::SqlPassword => {
            "password"
        }
        Kind::PrivateKey => "private key",
        _ => "token",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        scan(text).into_iter().map(|f| (f.kind, f.value)).collect()
    }

    #[test]
    fn every_rule_compiles() {
        assert_eq!(RULES.len(), Kind::ALL.len());
        for (rule, kind) in RULES.iter().zip(Kind::ALL) {
            assert_eq!(rule.kind, kind);
        }
    }

    #[test]
    fn known_shapes_are_found() {
        let cases = [
            (
                "key id AKIAQ3EGRZLT7MPLXYZW here",
                Kind::AwsAccessKey,
                "AKIAQ3EGRZLT7MPLXYZW",
            ),
            (
                "token ghp_4fG7hK2mN9pQ1rS5tV8wX0yZ3aB6cD1eF2gH used",
                Kind::GitHubToken,
                "ghp_4fG7hK2mN9pQ1rS5tV8wX0yZ3aB6cD1eF2gH",
            ),
            (
                "glpat-Zq8xW3vN5mK1pL7rT2yB",
                Kind::GitLabToken,
                "glpat-Zq8xW3vN5mK1pL7rT2yB",
            ),
            (
                "xoxb-2231840912-4410938123-q8ZkP3mW7vN2xR5tB1yL",
                Kind::SlackToken,
                "xoxb-2231840912-4410938123-q8ZkP3mW7vN2xR5tB1yL",
            ),
            (
                "sk_live_51Hq8ZkP3mW7vN2xR5tB1yLc",
                Kind::StripeKey,
                "sk_live_51Hq8ZkP3mW7vN2xR5tB1yLc",
            ),
            (
                "AIzaSyD3f8Kq2mN7pL1rT5vW9xB4cZ6hJ0gY2sE",
                Kind::GoogleApiKey,
                "AIzaSyD3f8Kq2mN7pL1rT5vW9xB4cZ6hJ0gY2sE",
            ),
            ("mysql://app:Tr1cky-pw@db", Kind::UrlPassword, "Tr1cky-pw"),
            (
                "mysql -u root -p'S3cure!pw' prod",
                Kind::PasswordFlag,
                "S3cure!pw",
            ),
            (
                "mysqldump -uroot -pHunter22 db",
                Kind::PasswordFlag,
                "Hunter22",
            ),
            ("run --password=Zx9-long db", Kind::PasswordFlag, "Zx9-long"),
            ("DB_PASSWORD=Hunter22", Kind::PasswordAssignment, "Hunter22"),
            (
                "password: \"correct horse\"",
                Kind::PasswordAssignment,
                "correct horse",
            ),
            (
                "api_key: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
                Kind::HighEntropyAssignment,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
            ),
            ("IDENTIFIED BY 'N3w-pass'", Kind::SqlPassword, "N3w-pass"),
        ];
        for (text, kind, value) in cases {
            assert_eq!(kinds(text), [(kind, value.to_string())], "{text}");
        }
    }

    #[test]
    fn placeholders_and_prose_are_not_found() {
        for text in [
            "mysql://app:<password>@db",
            "DB_PASSWORD=$DB_PASSWORD",
            "DB_PASSWORD=${DB_PASSWORD}",
            "password: ${{ secrets.DB_PASSWORD }}",
            "password: \"****\"",
            "password: REDACTED",
            "AKIAIOSFODNN7EXAMPLE",
            "the password: was mistyped",
            "password_length: 16",
            "key: connection-pool-size",
            "ssh -p 2222 host",
            "mkdir -p /var/run/app",
            "password_file: /run/secrets/db",
            "token: AKIA…XYZW",
            "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
        ] {
            assert_eq!(kinds(text), [], "{text}");
        }
    }

    #[test]
    fn a_token_assigned_to_a_name_is_found_once_by_its_shape() {
        let found = kinds("GITHUB_TOKEN=ghp_4fG7hK2mN9pQ1rS5tV8wX0yZ3aB6cD1eF2gH");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Kind::GitHubToken);
    }

    #[test]
    fn private_key_blocks_are_found_whole() {
        let text = "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx3v9\nq2L8mP0rT5vW9xB4cZ6h\n-----END RSA PRIVATE KEY-----\ny";
        let found = scan(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].range.start, 2);
        assert!(found[0].value.ends_with("-----END RSA PRIVATE KEY-----"));
        assert_eq!(found[0].masked(), "-----BEGIN RSA PRIVATE KEY-----…");
    }

    #[test]
    fn masks_keep_only_the_ends() {
        assert_eq!(mask("AKIAQ3EGRZLT7MPLXYZW"), "AKIA…XYZW");
        assert_eq!(mask("Hunter22"), "H…2");
        assert_eq!(mask("pass"), "…");
    }

    #[test]
    fn fingerprints_are_stable_and_parse_back() {
        let fp = Fingerprint::of(Kind::AwsAccessKey, "AKIAQ3EGRZLT7MPLXYZW");
        // A fingerprint pasted into site.toml must keep matching in every release.
        assert_eq!(
            fp.as_str(),
            Fingerprint::parse(fp.as_str()).unwrap().as_str()
        );
        assert!(fp.as_str().starts_with("aws-access-key:"));
        assert_ne!(
            fp,
            Fingerprint::of(Kind::AwsAccessKey, "AKIAQ3EGRZLT7MPLXYZV")
        );
        assert!(Fingerprint::parse("aws-access-key:12").is_err());
        assert!(Fingerprint::parse("nothing:0123456789abcdef").is_err());
    }
}
