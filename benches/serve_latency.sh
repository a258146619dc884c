#!/usr/bin/env bash
# Save → served latency of `hindsight serve` (and Hugo's server when installed), measured
# with ../shared/bench/edit_latency.py: it appends a line to one postmortem and polls its
# page every 2 ms until the line is served. Prints the median and p90 of TRIALS edits.
#
#   benches/serve_latency.sh [TRIALS]      # default 20; needs a release build
#
# Sites: this repository's example site (copied to a temp folder, search on, as a writer
# runs it) and 10,000 generated postmortems (`search = false`, hindsight and Hugo).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$(cd "$ROOT/../shared/bench" && pwd)
TRIALS=${1:-20}
HS=$ROOT/target/release/hindsight
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
port=$((20000 + RANDOM % 20000))

# Median and p90 (nearest rank) of the "trial N: X ms" lines on stdin.
stats() {
    grep -o 'trial [0-9]*: [0-9]* ms' | awk '{print $3}' | sort -n | awk '
        { v[NR] = $1 }
        END { if (NR == 0) { print "no edit served"; exit }
              m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              p = int(0.9 * NR + 0.999); printf "median %s ms, p90 %s ms (%d edits)\n", m, v[p], NR }'
}
latency() {
    python3 "$SHARED/edit_latency.py" --trials "$TRIALS" --file "$1" --url "http://127.0.0.1:$port/$2" \
        -- "${@:3}" | stats
    port=$((port + 1))
}

mkdir -p "$WORK/example"
cp -r "$ROOT/site.toml" "$ROOT/content" "$ROOT/themes" "$WORK/example/"
echo "example site ($(find "$WORK/example/content" -name '*.md' | wc -l) postmortems):"
echo "  hindsight serve: $(latency "$WORK/example/content/2024/mysql-password-mistyped.md" \
    postmortems/mysql-password-mistyped/ "$HS" serve --root "$WORK/example" --port "$port")"

python3 "$SHARED/gen_corpus.py" --n 10000 --out "$WORK/hs/content" --format hindsight \
    --site-toml "$WORK/hs/site.toml" >/dev/null 2>&1
sed -i '1i search = false' "$WORK/hs/site.toml"
file=$(find "$WORK/hs/content" -name '*.md' | sort | sed -n 5000p)
slug=$(basename "$file" .md)
echo "10,000 postmortems, $slug edited:"
echo "  hindsight serve (search = false): $(latency "$file" "postmortems/$slug/" \
    "$HS" serve --root "$WORK/hs" --port "$port")"
if command -v hugo >/dev/null; then
    mkdir -p "$WORK/hugo"
    cp -r "$ROOT/benches/hugo-site/config.toml" "$ROOT/benches/hugo-site/layouts" "$WORK/hugo/"
    python3 "$SHARED/gen_corpus.py" --n 10000 --out "$WORK/hugo/content/postmortems" \
        --format yaml >/dev/null 2>&1
    echo "  hugo server:                      $(latency "$WORK/hugo/content/postmortems/$slug.md" \
        "postmortems/$slug/" hugo server --source "$WORK/hugo" --bind 127.0.0.1 --port "$port" \
        --baseURL http://127.0.0.1/ --disableLiveReload)"
fi
