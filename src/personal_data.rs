//! Personal data in public content: e-mail addresses, phone numbers and IP addresses
//! (v4 and v6), each a warning of a public build at its line and column.
//!
//! Shapes are found with `regex`; an IP shape counts only when std's [`IpAddr`] parses
//! it. What looks like one but is not is skipped: a version (`v1.2.3.4`, `version
//! 1.2.3.4`), a dotted number with more parts, loopback and unspecified addresses,
//! times (`14:30:00`) and dates. A phone number needs an international `+`, an area code
//! in parentheses or the `555-123-4567` shape, so dates, durations and issue numbers
//! (`#1234`) are never one. The site's `[public] allow` list names the organisation's
//! own public addresses.

use std::net::IpAddr;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostics::{Diagnostic, Diagnostics, LineCol};

/// One entry of `[public] allow`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowed {
    /// An address range (`203.0.113.0/24`) or one address.
    Network {
        /// The network's address.
        addr: IpAddr,
        /// The prefix length.
        prefix: u8,
    },
    /// An e-mail address (compared without case).
    Email(String),
    /// A phone number (compared by its digits).
    Phone(String),
}

impl Allowed {
    /// Reads an entry: an IP address, an IP range in CIDR form, an e-mail address or a
    /// phone number.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.contains('@') {
            return Ok(Allowed::Email(text.to_lowercase()));
        }
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        if let Ok(addr) = addr.parse::<IpAddr>() {
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                None => max,
                Some(p) => match p.parse::<u8>() {
                    Ok(p) if p <= max => p,
                    _ => return Err(format!("\"{text}\": the prefix length must be 0 to {max}")),
                },
            };
            return Ok(Allowed::Network { addr, prefix });
        }
        let digits = digits_of(text);
        if prefix.is_none()
            && digits.len() >= 7
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || " +-.()".contains(c))
        {
            return Ok(Allowed::Phone(digits));
        }
        Err(format!(
            "\"{text}\" is not an e-mail address, a phone number, an IP address or an IP range"
        ))
    }

    fn allows(&self, found: &Found) -> bool {
        match (self, found) {
            (Allowed::Email(allowed), Found::Email(text)) => *allowed == text.to_lowercase(),
            (Allowed::Phone(allowed), Found::Phone(text)) => *allowed == digits_of(text),
            (Allowed::Network { addr, prefix }, Found::Ip(ip)) => in_network(*ip, *addr, *prefix),
            _ => false,
        }
    }
}

fn digits_of(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

fn in_network(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// What was found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    Email(String),
    Phone(String),
    Ip(IpAddr),
}

#[allow(clippy::expect_used)] // the patterns are constants, checked by the tests
fn pattern(text: &str) -> Regex {
    Regex::new(text).expect("a valid pattern")
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}",
    )
});
static IPV4: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"));
static IPV6: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%[0-9a-z]+)?"));
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){2,6}|\(\d{2,5}\)[ .-]?\d{2,5}(?:[ .-]\d{2,5}){0,3}|\b\d{3}[.-]\d{3}[.-]\d{4}\b",
    )
});

/// Warns about every e-mail address, phone number and IP address in `text` (a whole
/// postmortem file, its internal blocks already blanked) that `allow` does not name.
pub fn scan(file: &Path, text: &str, allow: &[Allowed], diagnostics: &mut Diagnostics) {
    for (index, line) in text.lines().enumerate() {
        let mut found = find_in_line(line);
        found.retain(|(_, what)| !allow.iter().any(|a| a.allows(what)));
        for (start, what) in found {
            let pos = LineCol {
                line: index + 1,
                col: line[..start].chars().count() + 1,
            };
            let (message, help) = match &what {
                Found::Email(text) => (
                    format!("e-mail address {text} in a public postmortem"),
                    "remove it or replace it with a role address; if it is the organisation's own public address, add it to [public] allow in site.toml",
                ),
                Found::Phone(text) => (
                    format!("phone number {text} in a public postmortem"),
                    "remove it; if it is the organisation's own public number, add it to [public] allow in site.toml",
                ),
                Found::Ip(ip) => (
                    format!("IP address {ip} in a public postmortem"),
                    "remove it or replace it with a documentation address (192.0.2.x, 2001:db8::); if it is the organisation's own public address, add it or its range to [public] allow in site.toml",
                ),
            };
            diagnostics.push(Diagnostic::warning(file, Some(pos), message).with_help(help));
        }
    }
}

/// The personal data of one line, by byte offset, in order.
fn find_in_line(line: &str) -> Vec<(usize, Found)> {
    let mut found = Vec::new();
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    for m in EMAIL.find_iter(line) {
        taken.push(m.range());
        // `mysql://user@host`: a URL's user, not an address.
        if !line[..m.start()].ends_with("://") {
            found.push((m.start(), Found::Email(m.as_str().to_string())));
        }
    }
    let free = |range: &std::ops::Range<usize>, taken: &[std::ops::Range<usize>]| {
        !taken
            .iter()
            .any(|t| t.start < range.end && range.start < t.end)
    };
    for m in IPV4.find_iter(line) {
        if !free(&m.range(), &taken) || is_version_or_longer_number(line, m.range()) {
            continue;
        }
        if let Ok(ip) = m.as_str().parse::<IpAddr>()
            && !ip.is_loopback()
            && !ip.is_unspecified()
        {
            taken.push(m.range());
            found.push((m.start(), Found::Ip(ip)));
        }
    }
    for m in IPV6.find_iter(line) {
        let text = m.as_str().split('%').next().unwrap_or_default();
        let before = line[..m.start()].chars().next_back();
        let after = line[m.end()..].chars().next();
        let glued =
            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
        if glued(before) || glued(after) || !text.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        if !free(&m.range(), &taken) {
            continue;
        }
        if let Ok(ip) = text.parse::<std::net::Ipv6Addr>()
            && !ip.is_loopback()
            && !ip.is_unspecified()
        {
            taken.push(m.range());
            found.push((m.start(), Found::Ip(IpAddr::V6(ip))));
        }
    }
    for m in PHONE.find_iter(line) {
        let digits = digits_of(m.as_str()).len();
        let after_hash = line[..m.start()].ends_with('#');
        if (7..=15).contains(&digits) && !after_hash && free(&m.range(), &taken) {
            taken.push(m.range());
            found.push((m.start(), Found::Phone(m.as_str().trim().to_string())));
        }
    }
    found.sort_by_key(|(start, _)| *start);
    found
}

/// `v1.2.3.4`, `version 1.2.3.4`, `1.2.3.4.5`, `1.2.3.4-beta`: a version, not an address.
fn is_version_or_longer_number(line: &str, range: std::ops::Range<usize>) -> bool {
    let before = &line[..range.start];
    let after = &line[range.end..];
    if before.ends_with('.')
        || after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit())
    {
        return true;
    }
    if after.starts_with(['-', '+']) && after[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
        return true;
    }
    let word = before.trim_end_matches(['`', ' ', ':', '=']).to_lowercase();
    word.ends_with('v') && !word.ends_with(" v")
        || word.ends_with("version")
        || word.ends_with("release")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<String> {
        find_in_line(line)
            .into_iter()
            .map(|(_, f)| match f {
                Found::Email(t) => format!("email {t}"),
                Found::Phone(t) => format!("phone {t}"),
                Found::Ip(ip) => format!("ip {ip}"),
            })
            .collect()
    }

    #[test]
    fn each_kind_is_found() {
        assert_eq!(
            kinds("mail dana@northwind.io now"),
            ["email dana@northwind.io"]
        );
        assert_eq!(kinds("host 10.20.30.40 down"), ["ip 10.20.30.40"]);
        assert_eq!(
            kinds("at [2a01:4f8:c0c:1::2]:443"),
            ["ip 2a01:4f8:c0c:1::2"]
        );
        assert_eq!(kinds("call +44 20 7946 0958."), ["phone +44 20 7946 0958"]);
        assert_eq!(kinds("call (555) 123-4567"), ["phone (555) 123-4567"]);
        assert_eq!(kinds("call 555-123-4567"), ["phone 555-123-4567"]);
    }

    #[test]
    fn versions_dates_times_durations_and_issues_are_not() {
        for line in [
            "upgraded to `v1.2.3.4`",
            "`version 10.0.0.1` of the agent",
            "release 1.2.3.4 shipped",
            "os 1.2.3.4.5",
            "2024-08-14T14:30:00+01:00",
            "at 14:30:00 and 15:05",
            "took 1h30m, see #1234 and issue 4521",
            "std::fs::read and Vec::<u8>::new",
            "mac 00:1a:2b:3c:4d:5e",
            "127.0.0.1 and ::1",
            "999.1.1.1 is not an address",
            "85% of 1,200,000 users for 2 hours",
        ] {
            assert_eq!(kinds(line), Vec::<String>::new(), "{line}");
        }
    }

    #[test]
    fn the_allow_list_names_addresses_ranges_and_numbers() {
        let allow: Vec<Allowed> = [
            "Security@Northwind.io",
            "203.0.113.0/24",
            "2001:db8::/32",
            "+44 20 7946 0958",
        ]
        .iter()
        .map(|t| Allowed::parse(t).unwrap())
        .collect();
        let mut diagnostics = Diagnostics::new();
        scan(
            Path::new("content/x.md"),
            "security@northwind.io 203.0.113.9 2001:db8::7 +44 (20) 7946-0958\nbob@northwind.io 203.0.114.1",
            &allow,
            &mut diagnostics,
        );
        let text = diagnostics.to_string();
        assert_eq!(diagnostics.warning_count(), 2, "{text}");
        assert!(
            text.contains("content/x.md:2:1: e-mail address bob@northwind.io"),
            "{text}"
        );
        assert!(
            text.contains("content/x.md:2:18: IP address 203.0.114.1"),
            "{text}"
        );
        assert!(Allowed::parse("10.0.0.0/33").is_err());
        assert!(Allowed::parse("northwind").is_err());
    }
}
