//! One assembly: the site `hindsight serve` holds is, byte for byte, the site `hindsight
//! build` writes with the same options (the live-reload script the server adds to each
//! page aside), for the example site and for a site that overrides templates and files
//! of every kind of output (a page, a theme asset, a file of the search bundle).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::fixture::{SiteFixture, dedent};
use crate::serve::{REBUILD_TIMEOUT, Server};

/// Builds the site at `root` with the options of `server`, which serves it, into a
/// folder of its own, and compares every file the build wrote with what the server
/// answers for it, once the server has indexed the site `indexes` times. `build_args`
/// are the options the server was started with that the build takes too.
fn serve_holds_what_build_writes(
    server: &Server,
    root: &Path,
    indexes: usize,
    build_args: &[&str],
) {
    // The search bundle is indexed off the edit path; wait for it.
    let start = Instant::now();
    while server.stdout().matches("Search index updated").count() < indexes {
        assert!(
            start.elapsed() < REBUILD_TIMEOUT,
            "no search index:\n{}",
            server.logs()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let build = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(&public)
        .args(["--base-url", &server.url, "--drafts"])
        .args(build_args)
        .env_remove("TZ")
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let mut built = SiteFixture::snapshot(&public);
    // The mark that tells a later build the folder is hindsight's output.
    built.remove(".hindsight-output");
    assert!(built.len() > 20, "only {} files built", built.len());
    let script = regex::bytes::Regex::new(
        r#"<script src="/__hindsight/live\.js" data-generation="\d+" defer></script>"#,
    )
    .unwrap();
    let mut differences = Vec::new();
    for (path, bytes) in &built {
        let reply = server.get(&format!("/{path}"));
        let mut served = reply.body;
        if path.ends_with(".html") {
            served = script.replace(&served, &b""[..]).into_owned();
        }
        if reply.status != 200 {
            differences.push(format!("{path}: served with status {}", reply.status));
        } else if served != *bytes {
            differences.push(format!(
                "{path}: served {} bytes, built {}",
                served.len(),
                bytes.len()
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "serve and build differ:\n{}",
        differences.join("\n")
    );
}

#[test]
fn serve_holds_what_build_writes_for_the_example_site() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    serve_holds_what_build_writes(&Server::start_in(root, &[]), root, 1, &[]);
}

/// `serve --audience public` previews what `build --audience public` publishes.
#[test]
fn serve_holds_what_build_writes_for_the_public_example_site() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let public = ["--audience", "public"];
    let server = Server::start_in(root, &public);
    serve_holds_what_build_writes(&server, root, 1, &public);
    // The example's internal postmortem is not served.
    let reply = server.get("/postmortems/search-alias-dropped-during-reindex/");
    assert_eq!(reply.status, 404);
}

#[test]
fn serve_holds_what_build_writes_with_template_and_static_overrides() {
    let site = SiteFixture::standard();
    let base = crate::fixture::default_template("base.html");
    site.file(
        "templates/base.html",
        base.replace(
            "</body>",
            "<p class=\"site-footer-note\">Our own base</p></body>",
        ),
    )
    .file("static/pagefind/pagefind-ui.css", "/* the site's own */\n")
    .file("static/static/style.css", "body { color: teal; }\n")
    .file(
        "static/404.html",
        "<!doctype html><title>Ours</title><body>lost</body>\n",
    )
    .file("static/robots.txt", "User-agent: *\n")
    .postmortem(
        "2024/draft.md",
        &dedent(
            "
            title: A draft still being written
            started: 2024-09-01T10:00:00Z
            resolved: 2024-09-01T11:00:00Z
            severity: SEV3
            status: draft
            services: [web-app]
            root_cause: capacity
            ",
        ),
        "Not done yet.\n",
    );
    let server = Server::start(&site);
    serve_holds_what_build_writes(&server, site.root(), 1, &[]);
    // An edit re-renders pages in place: the site's files still win.
    crate::serve::edit(&site, "content/2024/db.md", |text| {
        text.replace(
            "MySQL password was mistyped",
            "MySQL password was typed twice",
        )
    });
    server.wait_for_text("/postmortems/db/", "typed twice");
    serve_holds_what_build_writes(&server, site.root(), 2, &[]);
    // The site's files won: the build wrote them as they are.
    let out = tempfile::tempdir().unwrap();
    site.build(&["--output", &out.path().join("p").to_string_lossy()]);
    for (path, text) in [
        ("pagefind/pagefind-ui.css", "/* the site's own */\n"),
        ("static/style.css", "body { color: teal; }\n"),
        ("robots.txt", "User-agent: *\n"),
    ] {
        assert_eq!(
            std::fs::read_to_string(out.path().join("p").join(path)).unwrap(),
            text,
            "{path}"
        );
    }
}
