//! Tests of the importer on the seeds and on documents written for the tests.

use super::*;

fn hints() -> Vec<RootCauseHint> {
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
        (
            "capacity",
            "Capacity",
            "A resource ran out: disk, memory, connections, quota",
        ),
        (
            "dependency",
            "Third-party dependency",
            "A provider or library we rely on failed or changed",
        ),
        (
            "software-bug",
            "Software bug",
            "Our own code did the wrong thing",
        ),
        ("network", "Network", "DNS, TLS, routing or load balancing"),
        (
            "expired-credential",
            "Expired credential",
            "A certificate, token or key expired",
        ),
    ]
    .iter()
    .map(|(k, n, d)| RootCauseHint {
        key: k.to_string(),
        name: n.to_string(),
        description: d.to_string(),
    })
    .collect()
}

/// Prints what the importer makes of every file of the real corpus.
/// `cargo test --lib import::tests::corpus -- --ignored --nocapture`
#[test]
#[ignore = "reads ../shared/corpus/real, which is not part of the repository"]
#[allow(clippy::print_stdout, reason = "a report for the developer")]
fn corpus() {
    let dir =
        std::env::var("IMPORT_CORPUS").unwrap_or_else(|_| "../shared/corpus/real".to_string());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        println!("=== {}", path.display());
        match import_document(&text, &hints()) {
            Import::NotAPostmortem { reason } => println!("NOT A POSTMORTEM: {reason}"),
            Import::Postmortem(p) => {
                println!("slug: {}", p.slug);
                for f in &p.found {
                    println!("  + {f}");
                }
                for m in &p.missing {
                    println!("  - {m}");
                }
                if std::env::var("IMPORT_YAML").is_ok() {
                    println!("{}", p.front_matter);
                }
            }
        }
    }
}
