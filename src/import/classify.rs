//! Words → schema values: the root cause onto the site's taxonomy, the share of users
//! affected, severity, services and how the incident was detected. Each returns `None`
//! unless the text says so clearly.

use super::RootCauseHint;
use super::times::pattern;

/// Built-in keywords for common taxonomy keys; a site's own key picks them up when its key
/// or name matches one of these.
const CATEGORIES: &[(&[&str], &[&str])] = &[
    (
        &["configuration", "config", "misconfiguration", "settings"],
        &[
            "configuration",
            "config",
            "misconfigur",
            "setting",
            "password",
            "credential",
            "connection string",
            "typo",
            "mistyped",
            "misspel",
            "syntax error",
            "wrong file name",
            "invalid library file name",
            "file name",
            "filename",
            "extension",
            "permission",
            "ulimit",
            "environment variable",
            "firewall rule",
            "load balancer settings",
            "parameter",
            "semicolon",
            "incorrect value",
            "wrong value",
            "authorized_keys",
            "ssh key",
            "public key",
            "private key",
            "connection pool settings",
            "pool configuration",
            "upstream server address",
            "storage driver",
        ],
    ),
    (
        &[
            "deployment",
            "deploy",
            "release",
            "change",
            "change-management",
        ],
        &[
            "deploy",
            "release",
            "rollout",
            "roll-out",
            "rolled out",
            "upgrade",
            "migration",
            "code change",
            "recent update",
            "routine update",
            "new version",
            "bump",
            "hotfix",
            "merged",
            "pull request",
        ],
    ),
    (
        &[
            "capacity",
            "resources",
            "resource-exhaustion",
            "load",
            "scaling",
        ],
        &[
            "disk full",
            "disk space",
            "no space left",
            "out of disk",
            "out of space",
            "out of memory",
            "ran out",
            "runs out",
            "running out",
            "memory",
            "oom",
            "capacity",
            "exhaust",
            "overload",
            "traffic spike",
            "traffic surge",
            "surge in traffic",
            "spike in traffic",
            "high traffic",
            "sudden influx",
            "influx",
            "connection pool",
            "too many open files",
            "too many connections",
            "quota",
            "throttl",
            "iops",
            "cpu",
            "resource",
            "high load",
            "heavy load",
            "bottleneck",
            "insufficient",
            "underpowered",
        ],
    ),
    (
        &[
            "dependency",
            "third-party",
            "third-party-dependency",
            "vendor",
            "provider",
            "external",
        ],
        &[
            "third-party",
            "third party",
            "provider",
            "upstream",
            "vendor",
            "external",
            "dependency",
            "dependencies",
            "library",
            "package",
            "driver update",
            "hosting",
            "hypervisor",
            "isp",
        ],
    ),
    (
        &[
            "software-bug",
            "bug",
            "software",
            "code",
            "code-bug",
            "application",
        ],
        &[
            "bug",
            "null pointer",
            "exception",
            "regression",
            "leak",
            "race condition",
            "defect",
            "unoptimized",
            "inefficient",
            "queries",
            "coding error",
            "application code",
            "crash loop",
        ],
    ),
    (
        &["network", "networking", "dns", "connectivity"],
        &[
            "dns",
            "tls",
            "ssl",
            "routing",
            "network",
            "load balancer",
            "firewall",
            "latency",
            "packet loss",
            "bgp",
            "cdn",
            "gossip",
            "connectivity",
            "proxy",
            "ip route",
        ],
    ),
    (
        &[
            "expired-credential",
            "expiry",
            "expiration",
            "certificate",
            "expired",
        ],
        &[
            "expired",
            "expiry",
            "expiration",
            "certificate",
            "cert ",
            "token expired",
        ],
    ),
    (
        &["security", "attack", "ddos", "abuse"],
        &[
            "attack",
            "ddos",
            "sql injection",
            "breach",
            "intrusion",
            "vulnerability",
            "exploit",
            "malicious",
            "unauthorized",
        ],
    ),
    (
        &["hardware", "infrastructure", "hardware-failure"],
        &[
            "hardware",
            "disk failure",
            "power",
            "hard drive",
            "kernel panic",
            "server fault",
        ],
    ),
    (
        &["human-error", "human", "process", "manual-error"],
        &[
            "human error",
            "manual",
            "mistake",
            "accidentally",
            "inadvertently",
            "forgot",
        ],
    ),
];

const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "or",
    "and",
    "of",
    "to",
    "in",
    "on",
    "for",
    "was",
    "were",
    "is",
    "are",
    "we",
    "our",
    "that",
    "this",
    "with",
    "by",
    "from",
    "wrong",
    "went",
    "failed",
    "did",
    "do",
    "rely",
    "own",
    "thing",
    "something",
    "changed",
];

fn has_cue(text: &str, cue: &str) -> usize {
    let mut n = 0;
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|t| t.find(cue)) {
        let at = from + pos;
        let prev = text.get(..at).and_then(|p| p.chars().next_back());
        if prev.is_none_or(|c| !c.is_alphanumeric()) {
            n += 1;
        }
        from = at + cue.len().max(1);
    }
    n
}

/// The taxonomy key the root-cause text points at, with the words that decided it, when
/// one key clearly wins.
pub(crate) fn root_cause(
    primary: &str,
    secondary: &str,
    hints: &[RootCauseHint],
) -> Result<(String, Vec<String>), String> {
    if hints.is_empty() {
        return Err("the site has no root-cause taxonomy".to_string());
    }
    if primary.trim().is_empty() && secondary.trim().is_empty() {
        return Err("no root-cause text found".to_string());
    }
    let primary = primary.to_lowercase();
    let secondary = secondary.to_lowercase();
    let mut scores: Vec<(f64, &RootCauseHint, Vec<String>)> = Vec::new();
    for hint in hints {
        let key = hint.key.to_lowercase();
        let name = hint.name.to_lowercase();
        let mut cues: Vec<(String, f64)> = Vec::new();
        for (names, words) in CATEGORIES {
            if names
                .iter()
                .any(|n| *n == key || *n == name || key.starts_with(n) || name.starts_with(n))
            {
                for w in *words {
                    // A word that names the category outright counts double.
                    let weight = if names.iter().any(|n| w.starts_with(n)) || *w == "misconfigur" {
                        2.0
                    } else {
                        1.0
                    };
                    cues.push(((*w).to_string(), weight));
                }
            }
        }
        // The site's own words: key and name fully, description at half weight.
        let own = key
            .split(['-', '_'])
            .chain(name.split(|c: char| !c.is_alphanumeric()))
            .map(|w| (w.to_string(), 1.0));
        let description = hint.description.to_lowercase();
        let described = description
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .map(|w| (w.to_string(), 0.5))
            .collect::<Vec<_>>();
        for (word, weight) in own.chain(described) {
            if word.chars().count() >= 4
                && !STOPWORDS.contains(&word.as_str())
                && !cues.iter().any(|(c, _)| *c == word)
            {
                cues.push((word, weight));
            }
        }
        let mut score = 0.0;
        let mut why = Vec::new();
        for (cue, weight) in &cues {
            let p = has_cue(&primary, cue);
            let s = has_cue(&secondary, cue);
            if p + s > 0 {
                score += weight * (2.0 * (p.min(2) as f64) + (s.min(2) as f64));
                why.push(cue.clone());
            }
        }
        scores.push((score, hint, why));
    }
    scores.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    let (best, hint, why) = match scores.first() {
        Some(s) => s,
        None => return Err("no root-cause text found".to_string()),
    };
    let second = scores.get(1).map_or(0.0, |s| s.0);
    if *best < 2.0 {
        return Err("no match for the site's taxonomy".to_string());
    }
    if *best < second * 1.5 || *best - second < 2.0 {
        let other = scores.get(1).map_or(String::new(), |s| s.1.key.clone());
        return Err(format!(
            "the text fits both \"{}\" and \"{}\"; choose by hand",
            hint.key, other
        ));
    }
    Ok((hint.key.clone(), why.clone()))
}

pattern!(
    /// "85% of our users", "100% o the users", "30 percent of the user base".
    USERS_PCT = r"(?i)(\d{1,3}(?:\.\d+)?)\s*(?:%|percent|per cent)\s+(?:of|o)\s+(?:(?:the|our|all|its|their|total|active|website|site|platform|web|app|application|mobile|daily|registered|affected|overall|existing|\w+'s)\s+){0,3}(users?|customers?|visitors?|subscribers?|clients?|user\s*base|players|people|members|accounts|traffic from users|veterans|requests)\b"
);

/// The share of users affected, from "85% of our users".
pub(crate) fn users_affected(text: &str) -> Option<(f64, String)> {
    let re = USERS_PCT.as_ref()?;
    for c in re.captures_iter(text) {
        let (Some(all), Some(n)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let Ok(pct) = n.as_str().parse::<f64>() else {
            continue;
        };
        // "15% decrease", "20% degradation" are not a share of users.
        if (0.0..=100.0).contains(&pct) {
            return Some((pct, all.as_str().to_string()));
        }
    }
    None
}

pattern!(
    /// "Severity: SEV2", "Sev-1", "SEV 3", "severity: P1", "Severity: Medium".
    SEVERITY = r"(?i)\b(?:severity(?:\s+level)?\s*[:=-]?\s*(sev[\s-]?\d|p\d|level\s*\d|\d|critical|high|medium|moderate|low|major|minor)\b|(sev)[\s-]?(\d)\b)"
);

/// The severity as stated: `Ok("SEV2")` when it is a SEVn level, `Err(words)` when the
/// document states one in other words.
pub(crate) fn severity(text: &str) -> Option<Result<String, String>> {
    let re = SEVERITY.as_ref()?;
    let c = re.captures(text)?;
    let raw = c.get(0)?.as_str().to_string();
    if let (Some(_), Some(n)) = (c.get(2), c.get(3)) {
        return Some(Ok(format!("SEV{}", n.as_str())));
    }
    let value = c.get(1)?.as_str().to_lowercase();
    let digits: String = value.chars().filter(|c| c.is_ascii_digit()).collect();
    if value.starts_with("sev") || value.chars().all(|c| c.is_ascii_digit()) {
        return Some(Ok(format!("SEV{digits}")));
    }
    Some(Err(raw))
}

const SERVICE_WORDS: &[(&str, &str)] = &[
    ("mysql", "mysql"),
    ("mariadb", "mariadb"),
    ("postgresql", "postgresql"),
    ("postgres", "postgresql"),
    ("mongodb", "mongodb"),
    ("mongod", "mongodb"),
    ("redis", "redis"),
    ("memcached", "memcached"),
    ("elasticsearch", "elasticsearch"),
    ("kafka", "kafka"),
    ("rabbitmq", "rabbitmq"),
    ("nginx", "nginx"),
    ("apache", "apache"),
    ("haproxy", "haproxy"),
    ("wordpress", "wordpress"),
    ("docker", "docker"),
    ("kubernetes", "kubernetes"),
    ("dns", "dns"),
    ("load balancer", "load-balancer"),
    ("loadbalancer", "load-balancer"),
    ("cdn", "cdn"),
    ("ssh", "ssh"),
    ("firewall", "firewall"),
    ("api gateway", "api-gateway"),
    ("prow", "prow"),
    ("travis", "travis-ci"),
    ("jenkins", "jenkins"),
    ("github actions", "github-actions"),
    ("s3", "s3"),
    ("cloudflare", "cloudflare"),
    ("zfs", "zfs"),
    ("proxmox", "proxmox"),
];

/// Services named in `text` (labelled lists first, then well-known components).
pub(crate) fn services(labelled: &[String], text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in labelled {
        for part in value
            .split([',', ';', '+', '&'])
            .flat_map(|p| p.split(" and "))
        {
            let cleaned: String = {
                let mut depth = 0;
                part.chars()
                    .filter(|c| match c {
                        '(' => {
                            depth += 1;
                            false
                        }
                        ')' => {
                            depth -= 1;
                            false
                        }
                        _ => depth == 0,
                    })
                    .collect()
            };
            let slug = crate::keys::slugify(cleaned.trim());
            if !slug.is_empty() && slug.chars().count() <= 40 && !out.contains(&slug) {
                out.push(slug);
            }
        }
    }
    if out.is_empty() {
        let lower = text.to_lowercase();
        for (word, key) in SERVICE_WORDS {
            if has_cue(&lower, word) > 0 && !out.iter().any(|o| o == key) {
                out.push((*key).to_string());
            }
        }
    }
    out.truncate(6);
    out
}

/// How the incident was detected, from the detection entry or section.
pub(crate) fn detection_method(text: &str) -> Option<&'static str> {
    let t = text.to_lowercase();
    let any = |cues: &[&str]| cues.iter().any(|c| has_cue(&t, c) > 0);
    if any(&[
        "customer",
        "users reported",
        "user reported",
        "reported by users",
        "user complained",
        "users complained",
        "complained",
        "users reported",
        "several users",
        "a user",
        "users were",
        "user report",
        "contributor",
        "community",
    ]) {
        Some("customer")
    } else if any(&[
        "monitoring",
        "alert",
        "alarm",
        "pagerduty",
        "pingdom",
        "datadog",
        "nagios",
        "prometheus",
        "grafana",
        "uptime",
    ]) {
        Some("monitoring")
    } else if any(&[
        "automated test",
        "integration test",
        "ci ",
        "automation",
        "automated check",
        "health check",
    ]) {
        Some("automation")
    } else if any(&[
        "engineer noticed",
        "noticed",
        "engineer",
        "administrator",
        "developer",
        "team member",
        "on-call",
    ]) {
        Some("engineer")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::hints;
    use super::*;

    #[test]
    fn root_causes_by_keywords() {
        let h = hints();
        let rc = |p: &str| root_cause(p, "", &h).map(|r| r.0);
        assert_eq!(
            rc("an incorrect database password configuration during a MySQL update").as_deref(),
            Ok("configuration")
        );
        assert_eq!(
            rc("Misconfiguration in the database connection string during a routine update")
                .as_deref(),
            Ok("configuration")
        );
        assert_eq!(
            rc("The database server ran out of disk space due to log growth").as_deref(),
            Ok("capacity")
        );
        assert!(rc("Cosmic rays").is_err());
    }

    #[test]
    fn users_affected_is_about_users() {
        assert_eq!(
            users_affected("during which 85% of our users were unable").map(|r| r.0),
            Some(85.0)
        );
        assert_eq!(
            users_affected("impacted 100% o the users using").map(|r| r.0),
            Some(100.0)
        );
        assert_eq!(
            users_affected("a 15% decrease in progress; CPU at 93% utilization"),
            None
        );
        assert_eq!(
            users_affected("20% degradation of service for all users"),
            None
        );
        assert_eq!(
            users_affected("approximately 20% of website visitors").map(|r| r.0),
            Some(20.0)
        );
    }

    #[test]
    fn severities_as_stated() {
        assert_eq!(severity("Severity: SEV2"), Some(Ok("SEV2".to_string())));
        assert_eq!(severity("a sev-1 incident"), Some(Ok("SEV1".to_string())));
        assert!(matches!(severity("Severity: Medium"), Some(Err(_))));
        assert_eq!(severity("no level here"), None);
    }
}
