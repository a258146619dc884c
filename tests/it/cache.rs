//! The build cache never changes the output: a warm build (the manifest and output of a
//! previous build in place) writes exactly the bytes of a cold one, with no input changed,
//! after an edit, after a template change, and when the output was touched by hand.
//!
//! Self-contained (its own small site writer) so it does not depend on other fixtures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const CONFIG: &str = r#"title = "Cache test library"
base_url = "https://example.github.io/kb/"

[root_causes]
configuration = { name = "Configuration" }
capacity = { name = "Capacity" }
"#;

fn postmortem(title: &str, day: u32, cause: &str, service: &str, extra: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2024-03-{day:02}\nstarted: 2024-03-{day:02}T10:00:00Z\n\
         resolved: 2024-03-{day:02}T11:30:00Z\nseverity: SEV2\nservices: [{service}]\n\
         root_cause: {cause}\n---\n\n## Summary\n\n{title}. {extra}\n\n```sql\nSELECT 1;\n```\n"
    )
}

/// A site with a few postmortems in a temp folder.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Self {
        let site = Self {
            dir: tempfile::Builder::new()
                .prefix("hindsight-cache-")
                .tempdir()
                .unwrap(),
        };
        site.write("site.toml", CONFIG);
        site.write(
            "content/2024/db.md",
            &postmortem("Database down", 3, "configuration", "mysql", ""),
        );
        site.write(
            "content/2024/disk.md",
            &postmortem("Disk full", 9, "capacity", "logging", ""),
        );
        site.write(
            "content/2024/pool.md",
            &postmortem("Pool exhausted", 12, "capacity", "mysql", ""),
        );
        site
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `hindsight build --output <out>`; panics unless it succeeds.
    fn build(&self, out: &str) -> String {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hindsight"));
        command
            .args(["build", "--root"])
            .arg(self.dir.path())
            .arg("--output")
            .arg(self.path(out))
            .current_dir(self.dir.path())
            .env_remove("TZ");
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "build failed: {stderr}");
        stderr
    }

    /// A cold build into a fresh folder, with no cache of its own.
    fn cold(&self) -> BTreeMap<String, Vec<u8>> {
        let out = "cold";
        let _ = std::fs::remove_dir_all(self.path(out));
        let _ = std::fs::remove_dir_all(self.path(".cold.hindsight-cache"));
        self.build(out);
        snapshot(&self.path(out))
    }
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            files.insert(
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    files
}

#[track_caller]
fn assert_same(warm: &BTreeMap<String, Vec<u8>>, cold: &BTreeMap<String, Vec<u8>>) {
    let warm_paths: Vec<_> = warm.keys().collect();
    let cold_paths: Vec<_> = cold.keys().collect();
    assert_eq!(warm_paths, cold_paths, "different files");
    for (path, bytes) in cold {
        assert!(warm[path] == *bytes, "{path} differs from a cold build");
    }
}

#[test]
fn cache_warm_build_is_byte_identical_to_cold() {
    let site = Site::new();
    site.build("public");
    let first = snapshot(&site.path("public"));
    assert!(site.path(".public.hindsight-cache/manifest").is_file());
    site.build("public");
    assert_same(&snapshot(&site.path("public")), &first);
    assert_same(&snapshot(&site.path("public")), &site.cold());
}

#[test]
fn cache_warm_build_after_an_edit_equals_a_cold_build_of_the_edited_site() {
    let site = Site::new();
    site.build("public");
    // A new title and root cause: the page, both root-cause pages, the lists, the feed and
    // the related incidents of the others all change.
    site.write(
        "content/2024/db.md",
        &postmortem("Database refused logins", 3, "capacity", "mysql", "Edited."),
    );
    site.build("public");
    let warm = snapshot(&site.path("public"));
    let page = String::from_utf8_lossy(&warm["postmortems/db/index.html"]).into_owned();
    assert!(page.contains("Database refused logins"), "edit not built");
    assert_same(&warm, &site.cold());
}

#[test]
fn cache_warm_build_after_a_template_change_equals_a_cold_build() {
    let site = Site::new();
    site.build("public");
    let original = crate::fixture::default_template("base.html");
    site.write(
        "templates/base.html",
        &original.replacen("<body", "<!-- overridden -->\n<body", 1),
    );
    site.build("public");
    let warm = snapshot(&site.path("public"));
    let page = String::from_utf8_lossy(&warm["postmortems/pool/index.html"]).into_owned();
    assert!(
        page.contains("<!-- overridden -->"),
        "template change not built"
    );
    assert_same(&warm, &site.cold());
}

#[test]
fn cache_repairs_output_changed_by_hand() {
    let site = Site::new();
    site.build("public");
    let page = site.path("public/postmortems/disk/index.html");
    std::fs::write(&page, "tampered").unwrap();
    site.write("public/stray.txt", "not ours");
    std::fs::remove_file(site.path("public/postmortems/pool/index.html")).unwrap();
    site.build("public");
    assert_same(&snapshot(&site.path("public")), &site.cold());
}

#[test]
fn cache_ignores_a_corrupt_manifest() {
    let site = Site::new();
    site.build("public");
    site.write(
        ".public.hindsight-cache/manifest",
        "hindsight-cache 1\nnonsense\n",
    );
    site.build("public");
    assert_same(&snapshot(&site.path("public")), &site.cold());
}

/// The inode of an output file: a page reused from the last build is a hard link to it.
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

#[test]
fn cache_reuses_the_pages_an_edit_leaves_alone_and_renders_those_it_changes() {
    let site = Site::new();
    site.build("public");
    let public = site.path("public");
    let before: BTreeMap<&str, u64> = [
        "postmortems/disk/index.html",
        "services/logging/index.html",
        "postmortems/db/index.html",
        "index.html",
    ]
    .into_iter()
    .map(|path| (path, inode(&public.join(path))))
    .collect();
    // The end of the body only: no list shows it.
    site.write(
        "content/2024/db.md",
        &postmortem("Database down", 3, "configuration", "mysql", "Edited."),
    );
    site.build("public");
    for (path, reused) in [
        ("postmortems/disk/index.html", true),
        ("services/logging/index.html", true),
        ("index.html", true),
        ("postmortems/db/index.html", false),
    ] {
        assert_eq!(
            inode(&public.join(path)) == before[path],
            reused,
            "{path} reused: {}",
            !reused
        );
    }
    // A new title: every list that shows it is rendered again (a summary's fingerprint
    // stands for it in the page fingerprints), the others are not.
    site.write(
        "content/2024/db.md",
        &postmortem(
            "Database refused logins",
            3,
            "configuration",
            "mysql",
            "Edited.",
        ),
    );
    let before_title: BTreeMap<&str, u64> = before
        .keys()
        .map(|path| (*path, inode(&public.join(path))))
        .collect();
    site.build("public");
    for (path, reused) in [
        ("services/logging/index.html", true),
        ("index.html", false),
        ("postmortems/db/index.html", false),
    ] {
        assert_eq!(
            inode(&public.join(path)) == before_title[path],
            reused,
            "{path} reused after the title edit: {}",
            !reused
        );
    }
    assert_same(&snapshot(&public), &site.cold());
}
