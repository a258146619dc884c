//! The secret scan: every credential shape in every place of a postmortem, with its line,
//! column and masked value; placeholders; the allow marker and the fingerprint one
//! finding at a time; a failed build leaves the previous output; `check --format github`.

use crate::fixture::{CONFIG, SiteFixture};

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZyIsImlhdCI6MTcxODAwMDAwMCwic2NvcGUiOiJyZWZ1bmRzIn0.Qm9ndXNTaWduYXR1cmVfZm9yX3Rlc3Rz";

/// (name, text around the value, the value, its masked form, whether it fits in a URL).
fn shapes() -> Vec<(&'static str, String, &'static str, &'static str, bool)> {
    vec![
        (
            "aws",
            "id=AKIAQ3EGRZLT7MPLXYZW".into(),
            "AKIAQ3EGRZLT7MPLXYZW",
            "AKIA…XYZW",
            true,
        ),
        (
            "github",
            "t=ghp_4fG7hK2mN9pQ1rS5tV8wX0yZ3aB6cD1eF2gH".into(),
            "ghp_4fG7hK2mN9pQ1rS5tV8wX0yZ3aB6cD1eF2gH",
            "ghp_…F2gH",
            true,
        ),
        (
            "gitlab",
            "t=glpat-Zq8xW3vN5mK1pL7rT2yB".into(),
            "glpat-Zq8xW3vN5mK1pL7rT2yB",
            "glpa…T2yB",
            true,
        ),
        (
            "slack",
            "t=xoxb-2231840912-4410938123-q8ZkP3mW7vN2xR5tB1yL".into(),
            "xoxb-2231840912-4410938123-q8ZkP3mW7vN2xR5tB1yL",
            "xoxb…B1yL",
            true,
        ),
        (
            "stripe",
            "k=sk_live_51Hq8ZkP3mW7vN2xR5tB1yLc".into(),
            "sk_live_51Hq8ZkP3mW7vN2xR5tB1yLc",
            "sk_l…1yLc",
            true,
        ),
        (
            "google",
            "k=AIzaSyD3f8Kq2mN7pL1rT5vW9xB4cZ6hJ0gY2sE".into(),
            "AIzaSyD3f8Kq2mN7pL1rT5vW9xB4cZ6hJ0gY2sE",
            "AIza…Y2sE",
            true,
        ),
        ("jwt", format!("jwt={JWT}"), JWT, "eyJh…c3Rz", true),
        (
            "url",
            "mysql://app:N0rthw1nd-Db-2024@db.internal".into(),
            "N0rthw1nd-Db-2024",
            "N0…24",
            true,
        ),
        (
            "flag",
            "mysql -u app -p'Wq7!zR2#kLp9' shop".into(),
            "Wq7!zR2#kLp9",
            "Wq…p9",
            false,
        ),
        (
            "assignment",
            "DB_PASSWORD=Hr9-checkout-Zx2".into(),
            "Hr9-checkout-Zx2",
            "Hr…x2",
            true,
        ),
        (
            "entropy",
            "api_key=Zt8Wq2Lm4Xv6Bn1Cs3Dp7FaK9".into(),
            "Zt8Wq2Lm4Xv6Bn1Cs3Dp7FaK9",
            "Zt8W…FaK9",
            true,
        ),
    ]
}

/// A postmortem with `snippet` in the front matter, prose, fenced code, inline code, raw
/// HTML and (when it fits) a link URL.
fn every_place(snippet: &str, in_url: bool) -> String {
    let link = if snippet.contains("://") {
        format!("[the link]({snippet})")
    } else {
        format!("[the link](https://tools.internal/run?{snippet})")
    };
    format!(
        "---\ntitle: A leak\ndate: 2024-01-02\nseverity: SEV3\ntrigger: \"{}\"\n---\n\nThe log said {snippet} at noon.\n\n```sh\n{snippet}\n```\n\nThe command `{snippet}` ran.\n\n<p><code>{snippet}</code></p>\n\n{}\n",
        snippet.replace('"', "\\\""),
        if in_url { link } else { String::new() }
    )
}

/// Line and column (in characters) of each occurrence of `value` in `text`.
fn positions(text: &str, value: &str) -> Vec<(usize, usize)> {
    text.match_indices(value)
        .map(|(i, _)| {
            let before = &text[..i];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |n| n + 1);
            (line, before[start..].chars().count() + 1)
        })
        .collect()
}

#[test]
fn every_credential_shape_is_found_in_every_place_with_its_line_column_and_mask() {
    let site = SiteFixture::new();
    let mut expected = Vec::new();
    for (name, snippet, value, masked, in_url) in shapes() {
        let text = every_place(&snippet, in_url);
        let places = positions(&text, value);
        assert_eq!(places.len(), if in_url { 6 } else { 5 }, "{name}");
        for (line, col) in places {
            expected.push(format!(
                "error: content/{name}.md:{line}:{col}: likely credential ("
            ));
            expected.push(masked.to_string());
        }
        site.file(&format!("content/{name}.md"), text);
    }
    let run = site.run(["check"]);
    run.assert_failed();
    let errors = run.error_lines();
    for pair in expected.chunks(2) {
        assert!(
            errors.iter().any(|e| e.starts_with(&pair[0])
                && e.contains(&format!("): {} would be published", pair[1]))),
            "no error {} … {}\n{}",
            pair[0],
            pair[1],
            run.stderr
        );
    }
    assert_eq!(errors.len(), expected.len() / 2, "{}", run.stderr);
    // The value itself is never printed by the scan, only its mask.
    let findings: String = errors
        .iter()
        .filter(|e| e.contains("likely credential"))
        .copied()
        .collect();
    for (_, _, value, _, _) in shapes() {
        assert!(
            !findings.contains(value),
            "{value} printed:\n{}",
            run.stderr
        );
    }
}

#[test]
fn a_private_key_block_is_found_at_its_begin_line() {
    let site = SiteFixture::new();
    site.file(
        "content/key.md",
        "---\ntitle: Key\ndate: 2024-01-02\nseverity: SEV3\n---\n\n```text\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n```\n\n```text\n-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n```\n",
    );
    let run = site.run(["check"]);
    run.assert_failed();
    assert_eq!(
        run.error_lines(),
        [
            "error: content/key.md:8:1: likely credential (private key): -----BEGIN OPENSSH PRIVATE KEY-----… would be published"
        ]
    );
}

#[test]
fn placeholders_are_not_findings() {
    let site = SiteFixture::new();
    site.config(CONFIG).postmortem(
        "2024/p.md",
        "title: Placeholders\ndate: 2024-01-02\nseverity: SEV3\ntrigger: \"mysql -u app -p'<password>'\"",
        "`mysql://app:<password>@db` `DB_PASSWORD=$DB_PASSWORD` `DB_PASSWORD=${DB_PASSWORD}`\n\n\
         `password: ${{ secrets.DB_PASSWORD }}` `password: \"****\"` `PASSWORD=REDACTED`\n\n\
         `AKIAIOSFODNN7EXAMPLE` `AKIA…XYZW` `token: <your-token>` `--password=xxxxxxxx`\n\n\
         The password: was mistyped; `password_length: 16`, `key: connection-pool-size`.\n",
    );
    let run = site.run(["check"]);
    run.assert_ok();
    assert!(!run.stderr.contains("likely credential"), "{}", run.stderr);
}

const TWO_ON_A_LINE: &str = "key1=AKIAQ3EGRZLT7MPLXYZW key2=AKIAZ7YHWQ2MPL4RXQ3K";

#[test]
fn the_allow_marker_allows_one_finding_on_its_line() {
    let site = SiteFixture::new();
    site.config(CONFIG).postmortem(
        "2024/m.md",
        "title: Marker\ndate: 2024-01-02\nseverity: SEV3",
        &format!(
            "{TWO_ON_A_LINE} <!-- hindsight: allow-secret -->\n\nAgain: AKIAQ3EGRZLT7MPLXYZW\n\nAllowed: AKIAQ3EGRZLT7MPLXYZW <!-- hindsight: allow-secret -->\n"
        ),
    );
    let run = site.run(["check"]);
    run.assert_failed();
    let errors = run.error_lines();
    // Line 6 (first body line): the first key is allowed, the second is not; line 8 has no
    // marker; line 10's marker allows it.
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert!(
        errors[0].starts_with("error: content/2024/m.md:6:32:") && errors[0].contains("AKIA…XQ3K"),
        "{}",
        run.stderr
    );
    assert!(
        errors[1].starts_with("error: content/2024/m.md:8:8:"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_fingerprint_in_site_toml_allows_that_value_only_and_a_stale_one_warns() {
    let site = SiteFixture::new();
    site.config(CONFIG).postmortem(
        "2024/f.md",
        "title: Fingerprint\ndate: 2024-01-02\nseverity: SEV3",
        &format!("{TWO_ON_A_LINE}\n"),
    );
    let run = site.run(["check"]);
    run.assert_failed();
    assert_eq!(run.error_lines().len(), 2, "{}", run.stderr);
    // The help of the first finding carries its fingerprint.
    let fingerprint = run
        .stderr
        .split('"')
        .find(|part| part.starts_with("aws-access-key:"))
        .expect("a fingerprint in the help")
        .to_string();
    site.config(&format!(
        "{CONFIG}\n[secrets]\nallow = [\"{fingerprint}\", \"jwt:0123456789abcdef\"]\n"
    ));
    let run = site.run(["check"]);
    run.assert_failed();
    let errors = run.error_lines();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(errors[0].contains("AKIA…XQ3K"), "{}", run.stderr);
    run.assert_stderr_line("warning: site.toml:");
    assert!(
        run.stderr
            .contains("jwt:0123456789abcdef, which matches no finding"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains(&format!("{fingerprint}, which")),
        "{}",
        run.stderr
    );
    // A malformed fingerprint is an error of site.toml.
    site.config(&format!(
        "{CONFIG}\n[secrets]\nallow = [\"aws-access-key:12\"]\n"
    ));
    site.run(["check"])
        .assert_failed()
        .assert_stderr_line("error: site.toml:");
}

#[test]
fn a_build_with_a_finding_writes_nothing_and_keeps_the_previous_output() {
    let site = SiteFixture::standard();
    site.build(&[]);
    let before = SiteFixture::snapshot(&site.public());
    site.postmortem(
        "2024/leak.md",
        "title: Leak\ndate: 2024-01-02\nseverity: SEV3",
        "Deploy with `GITHUB_TOKEN=ghp_4fG7hK2mN9pQ1rS5tV8wX0yZ3aB6cD1eF2gH`.\n",
    );
    let run = site.run(["build"]);
    run.assert_failed();
    run.assert_stderr_line(
        "error: content/2024/leak.md:6:27: likely credential (GitHub token): ghp_…F2gH",
    );
    assert_eq!(SiteFixture::snapshot(&site.public()), before);
}

/// A workflow command: its name, its properties and its message.
type WorkflowCommand = (String, Vec<(String, String)>, String);

/// Reads `::level file=…,line=…,col=…,title=…::message`; `None` if the line is not one.
fn workflow_command(line: &str) -> Option<WorkflowCommand> {
    let rest = line.strip_prefix("::")?;
    let (head, message) = rest.split_once("::")?;
    let (level, properties) = head.split_once(' ')?;
    let properties = properties
        .split(',')
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect::<Option<Vec<_>>>()?;
    // Unescaped separators or line breaks would break GitHub's parser.
    if message.contains(['\n', '\r'])
        || properties.iter().any(|(_, v)| v.contains([':', ',', '\n']))
    {
        return None;
    }
    Some((level.to_string(), properties, message.to_string()))
}

#[test]
fn check_format_github_prints_one_workflow_command_per_diagnostic() {
    let site = SiteFixture::new();
    site.config(CONFIG).postmortem(
        "2024/g.md",
        "title: GitHub\ndate: 2024-01-02\nseverity: SEV3\nservices: [mysqll]",
        "Token: `ghp_4fG7hK2mN9pQ1rS5tV8wX0yZ3aB6cD1eF2gH`, 100% sure.\n",
    );
    let json = site.run(["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let run = site.run(["check", "--format", "github"]);
    run.assert_failed();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), diagnostics.len(), "{}", run.stdout);
    assert!(diagnostics.len() >= 2);
    for (line, d) in lines.iter().zip(diagnostics) {
        let (level, properties, message) =
            workflow_command(line).unwrap_or_else(|| panic!("not a workflow command: {line}"));
        assert_eq!(level, d["level"].as_str().unwrap());
        let get = |key: &str| {
            properties
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("file").as_deref(), d["file"].as_str());
        assert_eq!(get("line"), d["line"].as_u64().map(|n| n.to_string()));
        assert_eq!(get("col"), d["col"].as_u64().map(|n| n.to_string()));
        assert_eq!(get("title").as_deref(), Some("hindsight check"));
        // The message, unescaped, is the diagnostic's message and its help.
        let unescaped = message
            .replace("%0A", "\n")
            .replace("%0D", "\r")
            .replace("%25", "%");
        assert!(
            unescaped.starts_with(d["message"].as_str().unwrap()),
            "{line}"
        );
    }
    assert!(
        run.stderr.contains("error"),
        "the summary goes to stderr: {}",
        run.stderr
    );
}

#[test]
fn the_init_workflow_checks_pull_requests_and_caches_hindsight_by_version() {
    let workflow = hindsight::scaffold::PAGES_WORKFLOW;
    assert!(workflow.contains("  pull_request:\n"), "{workflow}");
    assert!(workflow.contains("run: hindsight check --format github"));
    assert!(
        workflow.contains(&format!(
            "HINDSIGHT_VERSION: \"{}\"",
            env!("CARGO_PKG_VERSION")
        )),
        "the workflow must install this version of hindsight"
    );
    assert!(workflow.contains("uses: actions/cache@"));
    assert!(workflow.contains("key: hindsight-${{ runner.os }}-${{ env.HINDSIGHT_VERSION }}"));
    // Compiled on a cache miss only; built and deployed from main only.
    let install = workflow.split("- name: Install hindsight").nth(1).unwrap();
    assert!(
        install
            .trim_start()
            .lines()
            .nth(1)
            .unwrap()
            .contains("if: steps.hindsight-cache.outputs.cache-hit != 'true'")
    );
    assert!(
        workflow
            .matches("if: github.event_name != 'pull_request'")
            .count()
            >= 4
    );
}
