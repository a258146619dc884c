//! Rebuilds after an edit, against full builds: a library of 200 postmortems generated
//! from a seed, a few hundred random edits to it (title, dates, severity, root causes,
//! services, action items, body, slug; files added, deleted and renamed; a template and
//! `site.toml`), each applied to a running serve session as the watcher reports it, and
//! after each one the session's site must be, file for file, what a full load and
//! assembly of the same files gives. An edit whose own page is served first must differ
//! from the full build only in pages it lists as stale meanwhile.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hindsight::output::Output;
use hindsight::pipeline::{BuildOptions, Change, Session};

/// splitmix64: a small deterministic generator, so a failure replays from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// One to `max` distinct items, in the order drawn.
    fn some<'a>(&mut self, items: &[&'a str], max: usize) -> Vec<&'a str> {
        let count = 1 + self.below(max);
        let mut chosen = Vec::new();
        while chosen.len() < count {
            let item = self.pick(items);
            if !chosen.contains(&item) {
                chosen.push(item);
            }
        }
        chosen
    }
}

const CAUSES: [&str; 5] = [
    "configuration",
    "deployment",
    "capacity",
    "dependency",
    "network",
];
/// `mysql` and `api` are declared in `site.toml`; the others are not.
const SERVICES: [&str; 8] = [
    "mysql", "api", "web-app", "cache", "queue", "auth", "billing", "search",
];
const WORDS: [&str; 16] = [
    "replication",
    "certificate",
    "throttling",
    "failover",
    "latency",
    "timeout",
    "rollback",
    "quota",
    "dns",
    "cache",
    "deadlock",
    "memory",
    "disk",
    "password",
    "queue",
    "outage",
];
const OWNERS: [&str; 4] = ["sre", "dba", "devops", "platform"];
const STATUSES: [&str; 4] = ["open", "in-progress", "done", "wont-do"];

fn config(title: &str, paginate_by: usize) -> String {
    format!(
        r#"title = "{title}"
base_url = "https://example.org/library/"
paginate_by = {paginate_by}

[root_causes]
configuration = {{ name = "Configuration" }}
deployment = {{ name = "Deployment" }}
capacity = {{ name = "Capacity" }}
dependency = {{ name = "Third-party dependency" }}
network = {{ name = "Network" }}

[services.mysql]
name = "MySQL primary"

[services.api]
name = "Public API"
owner = "platform"
"#
    )
}

/// One action item of a postmortem.
#[derive(Clone)]
struct Item {
    task: String,
    owner: &'static str,
    status: &'static str,
    due: Option<(i32, u32, u32)>,
}

/// A postmortem as the test writes it.
#[derive(Clone)]
struct Pm {
    /// Under `content/`.
    file: String,
    slug: Option<String>,
    title: String,
    /// Year, month, day, hour of `started`.
    start: (i32, u32, u32, u32),
    /// Minutes to detect and to resolve.
    detect: u32,
    resolve: u32,
    severity: u32,
    causes: Vec<&'static str>,
    services: Vec<&'static str>,
    tags: Vec<&'static str>,
    items: Vec<Item>,
    /// The start of the body (related incidents read it) and the rest.
    lead: String,
    rest: String,
}

impl Pm {
    fn new(rng: &mut Rng, n: usize) -> Self {
        let mut pm = Pm {
            file: format!("{}/p{n:03}.md", 2021 + rng.below(4)),
            slug: None,
            title: String::new(),
            start: (0, 0, 0, 0),
            detect: 0,
            resolve: 0,
            severity: 0,
            causes: Vec::new(),
            services: Vec::new(),
            tags: Vec::new(),
            items: Vec::new(),
            lead: String::new(),
            rest: String::new(),
        };
        pm.title = title(rng, n);
        pm.redate(rng);
        pm.severity = 1 + rng.below(4) as u32;
        pm.causes = rng.some(&CAUSES, 2);
        pm.services = rng.some(&SERVICES, 3);
        pm.tags = rng.some(&WORDS, 2);
        for _ in 0..rng.below(3) {
            pm.items.push(item(rng));
        }
        pm.lead = sentence(rng, 12);
        pm.rest = format!("## Timeline\n\n{}\n", sentence(rng, 20));
        pm
    }

    fn redate(&mut self, rng: &mut Rng) {
        let year = 2021 + rng.below(4) as i32;
        self.start = (
            year,
            1 + rng.below(12) as u32,
            1 + rng.below(28) as u32,
            rng.below(23) as u32,
        );
        self.detect = rng.below(30) as u32;
        self.resolve = self.detect + 1 + rng.below(600) as u32;
    }

    fn text(&self) -> String {
        let (y, m, d, h) = self.start;
        let at = |minutes: u32| {
            let total = h * 60 + minutes;
            // Past midnight: the next day (day 28 at most, so always a valid date).
            let (day, hour, minute) = (d + total / (24 * 60), (total / 60) % 24, total % 60);
            format!("{y}-{m:02}-{day:02}T{hour:02}:{minute:02}:00Z")
        };
        let mut text = format!("---\ntitle: {}\n", self.title);
        if let Some(slug) = &self.slug {
            text.push_str(&format!("slug: {slug}\n"));
        }
        text.push_str(&format!(
            "started: {}\ndetected: {}\nresolved: {}\nseverity: SEV{}\nservices: [{}]\nroot_cause: [{}]\ntags: [{}]\n",
            at(0),
            at(self.detect),
            at(self.resolve),
            self.severity,
            self.services.join(", "),
            self.causes.join(", "),
            self.tags.join(", "),
        ));
        if !self.items.is_empty() {
            text.push_str("action_items:\n");
            for item in &self.items {
                text.push_str(&format!(
                    "  - {{ task: {}, owner: {}, status: {}",
                    item.task, item.owner, item.status
                ));
                if let Some((y, m, d)) = item.due {
                    text.push_str(&format!(", due: {y}-{m:02}-{d:02}"));
                }
                text.push_str(" }\n");
            }
        }
        text.push_str(&format!("---\n{}\n\n{}", self.lead, self.rest));
        text
    }
}

fn title(rng: &mut Rng, n: usize) -> String {
    format!(
        "{} {} {} incident {n}",
        capitalised(rng.pick(&WORDS)),
        rng.pick(&WORDS),
        rng.pick(&WORDS)
    )
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut text: Vec<&str> = (0..words).map(|_| rng.pick(&WORDS)).collect();
    text.push("broke");
    format!("{}.", capitalised(&text.join(" ")))
}

fn item(rng: &mut Rng) -> Item {
    Item {
        task: format!("Fix the {} {}", rng.pick(&WORDS), rng.below(1000)),
        owner: rng.pick(&OWNERS),
        status: rng.pick(&STATUSES),
        due: (rng.below(3) > 0).then(|| {
            (
                2022 + rng.below(4) as i32,
                1 + rng.below(12) as u32,
                1 + rng.below(28) as u32,
            )
        }),
    }
}

/// The library on disk and what the test knows of it.
struct Library {
    dir: tempfile::TempDir,
    postmortems: Vec<Pm>,
    next: usize,
}

impl Library {
    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, file: &str) -> PathBuf {
        self.root().join("content").join(file)
    }

    fn write(&self, index: usize) -> Change {
        let path = self.path(&self.postmortems[index].file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, self.postmortems[index].text()).unwrap();
        Change::Content(path)
    }

    fn options(&self) -> BuildOptions {
        BuildOptions {
            drafts: true,
            // The search bundle is rebuilt by its own code and compared by the oracle of
            // `assembly.rs`; compare the rest.
            search: false,
            ..BuildOptions::new(self.root())
        }
    }
}

/// Paths that differ between `served` and `full`.
fn differences(served: &Output, full: &Output) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, data) in full.iter() {
        match served.get(path) {
            None => problems.push(format!("{path} is missing")),
            Some(bytes) if **bytes != *data => problems.push(format!("{path} is stale")),
            Some(_) => {}
        }
    }
    for path in served.paths() {
        if !full.contains(path) {
            problems.push(format!("{path} should be gone"));
        }
    }
    problems
}

/// Applies one random edit to the library; returns what it was and what changed.
fn edit(library: &mut Library, rng: &mut Rng) -> (String, Vec<Change>) {
    let n = library.postmortems.len();
    let index = rng.below(n);
    let roll = rng.below(100);
    let pm = &mut library.postmortems[index];
    let what = match roll {
        0..=11 => {
            pm.title = title(rng, index);
            "title"
        }
        12..=21 => {
            pm.redate(rng);
            "dates"
        }
        22..=29 => {
            pm.severity = 1 + rng.below(4) as u32;
            "severity"
        }
        30..=37 => {
            pm.causes = rng.some(&CAUSES, 2);
            "root causes"
        }
        38..=45 => {
            pm.services = rng.some(&SERVICES, 3);
            "services"
        }
        46..=55 => {
            match rng.below(3) {
                0 => pm.items.push(item(rng)),
                1 if !pm.items.is_empty() => {
                    let at = rng.below(pm.items.len());
                    pm.items.remove(at);
                }
                _ if !pm.items.is_empty() => {
                    let at = rng.below(pm.items.len());
                    pm.items[at].status = rng.pick(&STATUSES);
                    pm.items[at].owner = rng.pick(&OWNERS);
                }
                _ => pm.items.push(item(rng)),
            }
            "action items"
        }
        56..=71 => {
            pm.rest.push_str(&format!("\n{}\n", sentence(rng, 8)));
            "end of the body"
        }
        72..=77 => {
            pm.lead = sentence(rng, 12);
            "start of the body"
        }
        78..=81 => {
            pm.slug = Some(format!("renamed-{}", library.next));
            library.next += 1;
            "slug"
        }
        82..=85 => {
            let added = Pm::new(rng, 1000 + library.next);
            library.next += 1;
            library.postmortems.push(added);
            return ("add".into(), vec![library.write(n)]);
        }
        86..=89 if n > 150 => {
            let gone = library.postmortems.remove(index);
            let path = library.path(&gone.file);
            std::fs::remove_file(&path).unwrap();
            return ("delete".into(), vec![Change::Content(path)]);
        }
        86..=93 => {
            let moved = format!("{}/moved-{}.md", 2021 + rng.below(4), library.next);
            let old = std::mem::replace(&mut pm.file, moved);
            let from = library.path(&old);
            library.next += 1;
            let to = library.path(&library.postmortems[index].file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::rename(&from, &to).unwrap();
            return (
                "rename".into(),
                vec![Change::Content(from), Change::Content(to)],
            );
        }
        94..=96 => {
            let template = library.root().join("templates/postmortem.html");
            let original = crate::fixture::default_template("postmortem.html");
            let text = if template.exists() {
                original
            } else {
                original.replacen("{% block content %}", "{% block content %}<p>ours</p>", 1)
            };
            std::fs::create_dir_all(template.parent().unwrap()).unwrap();
            std::fs::write(&template, text).unwrap();
            return ("template".into(), vec![Change::Templates]);
        }
        _ => {
            let title = format!("Library {}", rng.below(1000));
            let paginate_by = [3, 5, 20][rng.below(3)];
            std::fs::write(
                library.root().join("site.toml"),
                config(&title, paginate_by),
            )
            .unwrap();
            return ("site.toml".into(), vec![Change::Config]);
        }
    };
    (what.into(), vec![library.write(index)])
}

#[test]
fn serve_rebuilds_equal_full_builds_after_random_edits() {
    const SEED: u64 = 19;
    const POSTMORTEMS: usize = 200;
    const EDITS: usize = 300;
    let mut rng = Rng(SEED);
    let mut library = Library {
        dir: tempfile::Builder::new()
            .prefix("hindsight-rebuilds-")
            .tempdir()
            .unwrap(),
        postmortems: Vec::new(),
        next: 0,
    };
    std::fs::write(library.root().join("site.toml"), config("Library", 5)).unwrap();
    for n in 0..POSTMORTEMS {
        library.postmortems.push(Pm::new(&mut rng, n));
        library.write(n);
    }
    let mut session = Session::start(library.options()).unwrap();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut page_first = 0;
    for step in 0..EDITS {
        let (what, changes) = edit(&mut library, &mut rng);
        *kinds.entry(what.clone()).or_default() += 1;
        let mut update = session
            .apply(&changes)
            .unwrap_or_else(|err| panic!("edit {step} ({what}): {err}"));
        let full = Session::start(library.options()).unwrap();
        if let Some(stale) = update.stale.take() {
            page_first += 1;
            let served: Vec<String> = differences(session.output(), full.output())
                .into_iter()
                .filter(|problem| {
                    let path = problem.split(' ').next().unwrap_or_default();
                    !stale.contains(path) && !problem.ends_with("is missing")
                })
                .collect();
            assert!(
                served.is_empty(),
                "edit {step} ({what}) served before the rest:\n{}",
                served.join("\n")
            );
            // Each time the server is told which pages are still stale, every other
            // page of the output it is given is as the full build's.
            let mut told = Vec::new();
            session
                .finish_telling(|served, stale| told.push((served.clone(), stale)))
                .unwrap();
            for (served, stale) in &told {
                let problems: Vec<String> = differences(served, full.output())
                    .into_iter()
                    .filter(|problem| {
                        let path = problem.split(' ').next().unwrap_or_default();
                        !stale.contains(path) && !problem.ends_with("is missing")
                    })
                    .collect();
                assert!(
                    problems.is_empty(),
                    "edit {step} ({what}) served while the rest renders:\n{}",
                    problems.join("\n")
                );
            }
        }
        let problems = differences(session.output(), full.output());
        assert!(
            problems.is_empty(),
            "after edit {step} ({what}):\n{}",
            problems.join("\n")
        );
    }
    // Every kind of edit was made, and enough of them took the page-first path.
    assert_eq!(kinds.len(), 14, "{kinds:?}");
    assert!(
        page_first >= 30,
        "only {page_first} edits showed their page first"
    );
}
