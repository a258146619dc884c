#!/usr/bin/env bash
# Validates the example site's output with tools that no one here wrote:
#
#   1. the Nu HTML Checker (npm vnu-jar, on Java): every HTML page, zero errors;
#   2. Debian's linkchecker over HTTP: every link and #anchor between pages resolves;
#   3. xmllint: sitemap.xml against the sitemaps.org XSD (as shipped by npm `sitemap`),
#      atom.xml well-formed plus the RFC 4287 elements every feed and entry must have;
#   4. axe-core in headless Chromium: no serious or critical accessibility violation on
#      any page, in the light and the dark colour scheme.
#
# The site is built twice: with site.toml's base_url (a sub-path, /postmortems/) and with
# a base URL at the root of its host, served by a local HTTP server from the folder.
#
#   scripts/validate.sh [OUTPUT_DIR]
#
# OUTPUT_DIR (default: a temporary folder, removed afterwards) keeps the two builds for
# inspection. Needs java, node/npm, linkchecker, xmllint and chromium; `.ci/run` installs
# them on Debian. The npm tools are installed into ci/node_modules from ci/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "validate: $1 not found; $2" >&2
    exit 2
  fi
}
need java "install Java 11 or later (Debian: apt-get install default-jre-headless)"
need node "install Node.js 18 or later (Debian: apt-get install nodejs npm)"
need npm "install npm (Debian: apt-get install npm)"
need linkchecker "apt-get install linkchecker"
need xmllint "apt-get install libxml2-utils"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "validate: $chromium not found; apt-get install chromium, or set CHROMIUM" >&2
  exit 2
fi

if [ ! -f ci/node_modules/.package-lock.json ] \
  || [ ci/package-lock.json -nt ci/node_modules/.package-lock.json ]; then
  # --ignore-scripts: vnu-jar's install script only looks for (or fetches) a Java; we
  # bring our own. puppeteer-core never downloads a browser.
  (cd ci && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
vnu_jar="$repo/ci/node_modules/vnu-jar/build/dist/vnu.jar"
sitemap_xsd="$repo/ci/node_modules/sitemap/schema/sitemap.xsd"

if [ $# -ge 1 ]; then
  out="$1"
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  keep=1
else
  out="$(mktemp -d)"
  keep=0
fi
server_pids=()
cleanup() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "$keep" = 0 ]; then rm -rf "$out"; fi
}
trap cleanup EXIT

# HINDSIGHT_BIN names a binary already built (CI passes the tests' debug build, so that
# it compiles the crate once); without it, a release build is made here.
if [ -n "${HINDSIGHT_BIN:-}" ]; then
  hindsight="$HINDSIGHT_BIN"
else
  cargo build --release --locked --quiet
  hindsight="${CARGO_TARGET_DIR:-$repo/target}/release/hindsight"
fi

# The default build lives at /postmortems/ (site.toml's base_url path), so it is served
# from a folder holding it under that name; the root build is served as it is.
sub_path="$("$hindsight" build --output "$out/sub/postmortems" | tail -n 1)"
echo "validate: $sub_path"
root_build="$("$hindsight" build --base-url https://example.org/ --output "$out/root" | tail -n 1)"
echo "validate: $root_build (base URL https://example.org/)"
base_path="/postmortems/"
if ! grep -q "^base_url = \"https://[^/]*${base_path}\"" site.toml; then
  echo "validate: site.toml's base_url no longer ends in ${base_path}; update scripts/validate.sh" >&2
  exit 2
fi

# Serves a folder on a free port of 127.0.0.1 and prints the port.
serve() {
  local log="$out/http-$(basename "$1").log"
  python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$1" >"$log" 2>&1 &
  server_pids+=("$!")
  for _ in $(seq 50); do
    if grep -q 'port [0-9]*' "$log"; then
      grep -o 'port [0-9]*' "$log" | head -n 1 | cut -d' ' -f2
      return
    fi
    sleep 0.1
  done
  echo "validate: the local HTTP server did not start; see $log" >&2
  exit 1
}

# Every HTML page of a build as a URL path under `prefix`, in a stable order.
page_paths() {
  (cd "$1" && find . -name '*.html' | LC_ALL=C sort) \
    | sed -e "s|^\./|$2|" -e 's|/index\.html$|/|' -e 's|^\(.*\)index\.html$|\1|'
}

failed=()

echo
echo "== Nu HTML Checker ($(java -jar "$vnu_jar" --version)): every page of both builds"
if java -jar "$vnu_jar" --errors-only --skip-non-html "$out/sub" "$out/root"; then
  pages="$(find "$out/sub" "$out/root" -name '*.html' | wc -l)"
  echo "vnu: $pages pages, no errors"
else
  failed+=("Nu HTML Checker")
fi

sub_port="$(serve "$out/sub")"
root_port="$(serve "$out/root")"

echo
echo "== linkchecker: every link and anchor between pages, both builds"
# Every page is a start URL, so pages that nothing links to (404.html) are checked too.
# External links (the absolute base_url ones in <link rel=canonical>, the feed) are not.
mapfile -t sub_urls < <(page_paths "$out/sub/postmortems" "http://127.0.0.1:$sub_port$base_path")
mapfile -t root_urls < <(page_paths "$out/root" "http://127.0.0.1:$root_port/")
for set in sub root; do
  if [ "$set" = sub ]; then urls=("${sub_urls[@]}"); else urls=("${root_urls[@]}"); fi
  if linkchecker --config "$repo/ci/linkcheckerrc" --no-status \
      "${urls[@]}" >"$out/linkchecker-$set.txt" 2>&1 \
    && grep -q '0 warnings found. 0 errors found.' "$out/linkchecker-$set.txt"; then
    grep -o '[0-9]* links in [0-9]* URLs checked. 0 warnings found. 0 errors found.' \
      "$out/linkchecker-$set.txt" | sed "s/^/linkchecker ($set): /"
  else
    grep -v -e '^LinkChecker' -e '^Copyright' -e '^This is free' -e '^certain' \
      -e '^Read the' -e '^Write comments' -e 'Running as root' "$out/linkchecker-$set.txt" || true
    failed+=("linkchecker ($set)")
  fi
done

echo
echo "== xmllint: sitemap.xml against the sitemaps.org schema, atom.xml (RFC 4287)"
# No package ships RFC 4287's RELAX NG schema, so atom.xml is checked for being
# well-formed and for the elements RFC 4287 requires (4.1.1, 4.1.2).
atom_xpath_checks=(
  "count(/a:feed)=1"
  "count(/a:feed/a:id)=1 and count(/a:feed/a:title)=1 and count(/a:feed/a:updated)=1"
  "count(/a:feed/a:link[@rel='self'])=1"
  "count(/a:feed/a:entry)>0"
  "count(/a:feed/a:entry[count(a:id)!=1 or count(a:title)!=1 or count(a:updated)!=1])=0"
  "count(/a:feed/a:author)>0 or count(/a:feed/a:entry[not(a:author)])=0"
  "count(/a:feed/a:entry[not(a:content) and not(a:link[@rel='alternate' or not(@rel)])])=0"
  "count(//a:updated[not(string-length(normalize-space(.))>=20 and substring(normalize-space(.),11,1)='T')])=0"
)
for build in "$out/sub/postmortems" "$out/root"; do
  name="${build#"$out"/}"
  if xmllint --noout --schema "$sitemap_xsd" "$build/sitemap.xml" 2>"$out/xmllint.txt"; then
    echo "xmllint: $name/sitemap.xml is valid against sitemap.xsd"
  else
    cat "$out/xmllint.txt"
    failed+=("sitemap.xml of $name")
  fi
  if ! xmllint --noout "$build/atom.xml"; then
    failed+=("atom.xml of $name")
    continue
  fi
  for check in "${atom_xpath_checks[@]}"; do
    result="$(printf 'setns a=http://www.w3.org/2005/Atom\nxpath boolean(%s)\n' "$check" \
      | xmllint --nonet --shell "$build/atom.xml" 2>&1)"
    if ! grep -q 'Object is a Boolean : true' <<<"$result"; then
      echo "xmllint: $name/atom.xml fails $check: $result"
      failed+=("atom.xml of $name")
    fi
  done
  echo "xmllint: $name/atom.xml is well-formed and has the elements RFC 4287 requires"
done

echo
echo "== axe-core in headless Chromium: every page, light and dark"
mapfile -t axe_paths < <(page_paths "$out/sub/postmortems" "$base_path")
if ! (cd ci && CHROMIUM="$chromium" node axe.mjs "http://127.0.0.1:$sub_port" "${axe_paths[@]}"); then
  failed+=("axe-core")
fi

echo
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'validate: FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "validate: the example site passes vnu, linkchecker, xmllint and axe-core"
