#!/usr/bin/env bash
# Save → served latency of `hindsight serve` (and Hugo's server when installed), measured
# with benches/edit_latency.py (a copy of ../shared/bench/edit_latency.py that can also
# edit the front matter). Two kinds of edit, TRIALS of each:
#   body   appends a line to one postmortem; timed until its page shows the line.
#   title  adds a word to its title (front matter: every page listing it changes); timed
#          until its page shows it, and then until its root-cause page shows it too.
# Prints the median and p90 (nearest rank) of each.
#
#   benches/serve_latency.sh [TRIALS]      # default 20; needs a release build
#   HINDSIGHT=/path/to/other/hindsight benches/serve_latency.sh 10   # another binary
#   HUGO=0 benches/serve_latency.sh        # without Hugo
#
# Sites: this repository's example site (copied to a temp folder, search on, as a writer
# runs it) and 10,000 generated postmortems (`search = false`, hindsight and Hugo).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$(cd "$ROOT/../shared/bench" && pwd)
TRIALS=${1:-20}
HS=${HINDSIGHT:-$ROOT/target/release/hindsight}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
port=$((20000 + RANDOM % 20000))

# Median and p90 (nearest rank) of the numbers on stdin, one a line.
stats() {
    sort -n | awk '
        { v[NR] = $1 }
        END { if (NR == 0) { print "no edit served"; exit }
              m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              p = int(0.9 * NR + 0.999); printf "median %s ms, p90 %s ms", m, v[p] }'
}
# latency FILE PAGE EDIT DEPENDENT -- SERVER...: one line of figures. EDIT is body or
# title; DEPENDENT, a page also timed ("" for none).
latency() {
    local file=$1 page=$2 edit=$3 dependent=$4
    shift 4
    local also=()
    if [ -n "$dependent" ]; then also=(--also-url "http://127.0.0.1:$port/$dependent"); fi
    local out
    local how=append
    if [ "$edit" = title ]; then how=title; fi
    out=$(python3 "$ROOT/benches/edit_latency.py" --trials "$TRIALS" --edit "$how" \
        --file "$file" --url "http://127.0.0.1:$port/$page" "${also[@]}" -- "$@")
    port=$((port + 1))
    local edited
    edited=$(grep -o 'trial [0-9]*: [0-9]* ms' <<<"$out" | awk '{print $3}' | stats)
    if [ -n "$dependent" ]; then
        echo "$edited; /$dependent: $(grep -o 'also-url 1: [0-9]* ms' <<<"$out" | awk '{print $3}' | stats)"
    else
        echo "$edited"
    fi
}
# The URL folder of the primary root cause of a postmortem file.
root_cause_page() {
    local cause
    cause=$(grep -m1 '^root_cause:' "$1" | sed 's/^root_cause: *\[\{0,1\}//; s/[],].*//; s/ *$//')
    echo "root-causes/$cause/"
}

mkdir -p "$WORK/example"
cp -r "$ROOT/site.toml" "$ROOT/content" "$ROOT/themes" "$WORK/example/"
file=$WORK/example/content/2024/mysql-password-mistyped.md
echo "example site ($(find "$WORK/example/content" -name '*.md' | wc -l) postmortems), $HS:"
for edit in body title; do
    dependent=""
    if [ "$edit" = title ]; then dependent=$(root_cause_page "$file"); fi
    echo "  $edit edit: $(latency "$file" postmortems/mysql-password-mistyped/ "$edit" "$dependent" \
        "$HS" serve --root "$WORK/example" --port "$port")"
done

python3 "$SHARED/gen_corpus.py" --n 10000 --out "$WORK/hs/content" --format hindsight \
    --site-toml "$WORK/hs/site.toml" >/dev/null 2>&1
sed -i '1i search = false' "$WORK/hs/site.toml"
file=$(find "$WORK/hs/content" -name '*.md' | sort | sed -n 5000p)
slug=$(basename "$file" .md)
echo "10,000 postmortems (search = false), $slug edited, $HS:"
for edit in body title; do
    dependent=""
    if [ "$edit" = title ]; then dependent=$(root_cause_page "$file"); fi
    echo "  $edit edit: $(latency "$file" "postmortems/$slug/" "$edit" "$dependent" \
        "$HS" serve --root "$WORK/hs" --port "$port")"
done
if [ "${HUGO:-1}" != 0 ] && command -v hugo >/dev/null; then
    mkdir -p "$WORK/hugo"
    cp -r "$ROOT/benches/hugo-site/config.toml" "$ROOT/benches/hugo-site/layouts" "$WORK/hugo/"
    python3 "$SHARED/gen_corpus.py" --n 10000 --out "$WORK/hugo/content/postmortems" \
        --format yaml >/dev/null 2>&1
    echo "10,000 postmortems, $slug edited, hugo server:"
    echo "  body edit: $(latency "$WORK/hugo/content/postmortems/$slug.md" "postmortems/$slug/" \
        body "" hugo server --source "$WORK/hugo" --bind 127.0.0.1 --port "$port" \
        --baseURL http://127.0.0.1/ --disableLiveReload)"
fi
