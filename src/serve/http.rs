//! Serving the in-memory [`Output`]: safe path resolution, content types, redirects,
//! 404s, HEAD, and caching headers that never let a browser keep a stale page.
//!
//! Only paths that are keys of the output map can ever be served, so nothing outside the
//! built site is reachable; on top of that every traversal form (`..`, `%2e%2e`, `%2f`,
//! double encoding, backslashes, NUL) is refused outright with 400.

use axum::http::Uri;
use percent_encoding::percent_decode_str;

use crate::output::Output;

/// How a request path resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Serve this output file.
    File(String),
    /// Redirect to this path (`/x` → `/x/`).
    Redirect(String),
    /// Not in the site: serve `404.html` with status 404.
    NotFound,
    /// A malformed or hostile path.
    BadRequest,
}

/// Whether a request's `Host` header names this machine: an IP address, `localhost`, or a
/// `*.localhost` name, with or without a port.
///
/// This is what stops DNS rebinding: a web page whose domain is re-pointed at 127.0.0.1
/// could otherwise read the dev server (the whole incident library) from the user's
/// browser, since to the browser it is the page's own origin. Such a request carries the
/// attacker's domain in `Host`, and is refused. A request without `Host` (HTTP/1.0, not a
/// browser) is allowed.
pub fn allowed_host(host: Option<&str>) -> bool {
    let Some(host) = host else {
        return true;
    };
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [v6 address]:port
        match rest.split_once(']') {
            Some((address, port)) if port.is_empty() || is_port(port) => {
                return address.parse::<std::net::Ipv6Addr>().is_ok();
            }
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        }
    };
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    name.parse::<std::net::Ipv4Addr>().is_ok()
        || name == "localhost"
        || (name.ends_with(".localhost") && name.len() > ".localhost".len())
}

fn is_port(text: &str) -> bool {
    text.strip_prefix(':')
        .unwrap_or(text)
        .parse::<u16>()
        .is_ok()
}

/// Resolves a request target (query and fragment are ignored).
///
/// Besides the usual origin form (`/a/b?q`), HTTP/1.1 servers must accept the absolute
/// form (`http://host/a/b`, RFC 9112 §3.2.2); hyper parses either, and the path then goes
/// through the same checks. Any other form (`*`, another scheme) is refused.
pub fn resolve(output: &Output, target: &Uri) -> Resolved {
    let origin_or_http = match (target.scheme_str(), target.authority()) {
        (None, None) => true,
        (Some(scheme), Some(authority)) => {
            matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https")
                && !authority.as_str().is_empty()
        }
        _ => false,
    };
    if !origin_or_http {
        return Resolved::BadRequest;
    }
    let raw = target.path();
    let Some(decoded) = decode_path(raw) else {
        return Resolved::BadRequest;
    };
    if !decoded.starts_with('/') || decoded.starts_with("//") {
        return Resolved::BadRequest;
    }
    let relative = &decoded[1..];
    if relative
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Resolved::BadRequest;
    }
    if relative.is_empty() || relative.ends_with('/') {
        let index = format!("{relative}index.html");
        return if output.contains(&index) {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if output.contains(relative) {
        return Resolved::File(relative.to_string());
    }
    if output.contains(&format!("{relative}/index.html")) {
        return Resolved::Redirect(format!("{raw}/"));
    }
    Resolved::NotFound
}

/// Percent-decodes a path once, a segment at a time, refusing what could smuggle a
/// traversal: an encoded `/` or `\`, a `%` left after decoding (double encoding, or one
/// not followed by two hex digits), backslashes, control characters and invalid UTF-8
/// (overlong forms such as `%c0%ae` included).
fn decode_path(raw: &str) -> Option<String> {
    if raw.contains('\\') {
        return None;
    }
    let mut decoded = String::with_capacity(raw.len());
    for (i, segment) in raw.split('/').enumerate() {
        let segment = percent_decode_str(segment).decode_utf8().ok()?;
        if segment.contains(['/', '\\', '%']) {
            return None;
        }
        if i > 0 {
            decoded.push('/');
        }
        decoded.push_str(&segment);
    }
    if decoded.chars().any(char::is_control) {
        return None;
    }
    Some(decoded)
}

/// The content type of an output path.
pub fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        "wasm" => "application/wasm",
        "pf_meta" | "pf_index" | "pf_fragment" | "pagefind" => "application/octet-stream",
        _ => "application/octet-stream",
    }
}

/// A strong validator for a file's bytes (FNV-1a; it only has to change with them).
pub fn etag(data: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in data {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{hash:016x}-{}\"", data.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Output {
        let mut output = Output::default();
        for path in [
            "index.html",
            "postmortems/db/index.html",
            "static/style.css",
            "404.html",
        ] {
            output.insert(path.to_string(), b"x".to_vec());
        }
        output
    }

    /// Resolves `target` as hyper hands it over; a target hyper cannot parse is answered
    /// 400 by hyper itself.
    fn resolve(site: &Output, target: &str) -> Resolved {
        match target.parse::<Uri>() {
            Ok(uri) => super::resolve(site, &uri),
            Err(_) => Resolved::BadRequest,
        }
    }

    #[test]
    fn folders_serve_index_and_bare_paths_redirect() {
        let site = site();
        assert_eq!(resolve(&site, "/"), Resolved::File("index.html".into()));
        assert_eq!(
            resolve(&site, "/postmortems/db/"),
            Resolved::File("postmortems/db/index.html".into())
        );
        assert_eq!(
            resolve(&site, "/postmortems/db"),
            Resolved::Redirect("/postmortems/db/".into())
        );
        assert_eq!(
            resolve(&site, "/static/style.css?v=2"),
            Resolved::File("static/style.css".into())
        );
        assert_eq!(resolve(&site, "/nope/"), Resolved::NotFound);
    }

    #[test]
    fn every_traversal_form_is_refused() {
        let site = site();
        for hostile in [
            "/../etc/passwd",
            "/static/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/static%2f..%2f..%2fetc",
            "/%252e%252e/etc/passwd",
            "/..\\etc\\passwd",
            "/static\\..\\..\\x",
            "//etc/passwd",
            "/%00",
            "/a/%5c..",
            "etc/passwd",
            "/.",
            "*",
            "http://evil/../../etc/passwd",
            "http://evil//etc/passwd",
            "https://evil/%2e%2e/etc/passwd",
            "http:///index.html",
            "file:///etc/passwd",
        ] {
            assert_eq!(resolve(&site, hostile), Resolved::BadRequest, "{hostile}");
        }
    }

    #[test]
    fn absolute_form_targets_are_served_by_their_path() {
        let site = site();
        assert_eq!(
            resolve(&site, "http://127.0.0.1:1111/static/style.css"),
            Resolved::File("static/style.css".into())
        );
        assert_eq!(
            resolve(&site, "HTTP://localhost"),
            Resolved::File("index.html".into())
        );
        assert_eq!(
            resolve(&site, "http://localhost/postmortems/db"),
            Resolved::Redirect("/postmortems/db/".into())
        );
    }

    #[test]
    fn only_hosts_of_this_machine_are_allowed() {
        for host in [
            "127.0.0.1",
            "127.0.0.1:1111",
            "localhost",
            "LOCALHOST:8080",
            "preview.localhost:1111",
            "[::1]:1111",
            "[::1]",
            "192.168.1.20:1111",
            "localhost.",
        ] {
            assert!(allowed_host(Some(host)), "{host}");
        }
        assert!(allowed_host(None));
        for host in [
            "evil.example",
            "evil.example:1111",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "localhost:http",
            ".localhost",
            "[::1",
            "[evil]:80",
            "127.0.0.1, evil.example",
            "",
        ] {
            assert!(!allowed_host(Some(host)), "{host}");
        }
    }

    #[test]
    fn content_types_cover_site_assets() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("x.svg"), "image/svg+xml");
        assert_eq!(content_type("f.woff2"), "font/woff2");
        assert_eq!(content_type("atom.xml"), "application/xml; charset=utf-8");
    }
}
