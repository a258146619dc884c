#!/usr/bin/env bash
# `hindsight serve` under load: wrk against the dev server on the example site.
#
# Usage: benches/serve-load.sh [DURATION] [--big]   (DURATION per run, default 10s)
#
# Copies the example site (site.toml, content/, themes/) to a temporary folder, starts
# the release build of `hindsight serve --port 0` on it, waits for the first build and the
# background search index, then runs wrk three times, one after the other:
#   1. steady:   64 connections, 2 threads, GET / (the home page)
#   2. mix:      64 connections, 2 threads, what a browser fetches: pages, the stylesheet,
#                the live-reload script, the feed, a bare folder path (301)
#   3. rebuilds: the same mix while a loop saves a postmortem every 0.5 s and site.toml
#                every 2 s (full rebuild), so the server rebuilds all along
#   4. attacked: the same mix while 200 clients hold connections open without sending
#                anything and 50 more send a header one byte a second (slowloris)
# and prints requests/s and latency p50/p99 of each, the number of rebuilds during run 3
# and the server's threads and memory afterwards. With --big, a fifth run:
#   5. big:      20 s against a server on 10,000 generated postmortems
#                (../shared/bench/gen_corpus.py, kept in BENCH_DIR, default
#                /tmp/hindsight-bench, as benches/compare.sh does), with site.toml saved
#                2 s into the run: the full rebuild takes seconds, and the latency
#                figures (max included) show what requests waited meanwhile. The mix is
#                what a writer's tab fetches (home, the postmortem, stylesheet, scripts,
#                feed): the timeline (6.8 MB at 10,000) and insights (1.1 MB) pages
#                would measure the bandwidth of loopback, not the server's wait. It fails if any run had a socket error
# (connect, read, write, timeout) or a status other than 2xx/3xx.
# Installs wrk (Debian's package) if it is missing. SERVE_LOAD_BIN=path/to/hindsight uses
# that binary instead of building the release one (CI checks the zero-error claim with the
# debug build the tests already made; its figures are not the ones to quote).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=10s
BIG=0
for arg in "$@"; do
    case $arg in
        --big) BIG=1 ;;
        *) DURATION=$arg ;;
    esac
done
say() { printf '%s\n' "$*" >&2; }

if ! command -v wrk >/dev/null; then
    say "installing wrk (Debian package)"
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo=sudo
    $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk >/dev/null
fi

if [[ -n ${SERVE_LOAD_BIN:-} ]]; then
    HS=$SERVE_LOAD_BIN
else
    export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
    say "building hindsight (release)"
    (cd "$ROOT" && cargo build --release --quiet)
    HS=$CARGO_TARGET_DIR/release/hindsight
fi

WORK=$(mktemp -d /tmp/hindsight-serve-load.XXXXXX)
SERVER_PID=""
EDITOR_PID=""
ATTACK_PID=""
cleanup() {
    [[ -n $EDITOR_PID ]] && kill "$EDITOR_PID" 2>/dev/null || true
    [[ -n $ATTACK_PID ]] && kill "$ATTACK_PID" 2>/dev/null || true
    [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

SITE=$WORK/site
mkdir -p "$SITE"
cp -r "$ROOT/site.toml" "$ROOT/content" "$ROOT/themes" "$SITE/"
for extra in static templates; do
    [[ -d $ROOT/$extra ]] && cp -r "$ROOT/$extra" "$SITE/"
done

# start_server SITE LOG: starts serve on SITE and waits for its first build and search
# index; sets SERVER_PID, URL (without the final /) and PORT.
start_server() {
    "$HS" serve --root "$1" --port 0 >"$2" 2>&1 &
    SERVER_PID=$!
    URL=""
    for _ in $(seq 1 6000); do
        URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$2" | head -n1 || true)
        [[ -n $URL ]] && grep -q "Search index updated" "$2" && break
        sleep 0.1
    done
    [[ -n $URL ]] || { say "the server printed no URL:"; cat "$2" >&2; exit 1; }
    URL=${URL%/}
    PORT=${URL##*:}
}
start_server "$SITE" "$WORK/serve.log"
say "serving the example site at $URL/ (pid $SERVER_PID)"

POSTMORTEM=$(find "$SITE/content" -name '*.md' | sort | head -n1)
# The home page, fetched with bash alone (HTTP/1.0: the server closes after answering).
fetch() {
    local fd
    exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&"$fd"
    cat <&"$fd"
    exec {fd}>&-
}
# write_mix: the mix, what a browser fetches and a bare folder path (301), with the
# first postmortem the home page links to.
write_mix() {
    POSTMORTEM_URL=$(fetch / | grep -o 'href="/postmortems/[^"]*/"' | head -n1 | cut -d'"' -f2 || true)
    [[ -n $POSTMORTEM_URL ]] || { say "no postmortem link on the home page"; exit 1; }
    say "the mix includes $POSTMORTEM_URL"
    cat >"$WORK/serve-load.lua" <<LUA
local paths = { "/", "$POSTMORTEM_URL", "/timeline/", "/root-causes/", "/static/style.css",
                "/__hindsight/live.js", "/insights/", "/atom.xml", "/timeline" }
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
}
write_mix

# run NAME ARGS...: one wrk run; prints a table row and fails on errors.
FAILED=0
run() {
    local name=$1; shift
    local out=$WORK/wrk-$name.txt
    wrk -t2 -c64 -d"$DURATION" --latency "$@" >"$out" 2>&1
    local rps p50 p99 max errors non2xx
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    p50=$(awk '$1 == "50%" { print $2 }' "$out")
    p99=$(awk '$1 == "99%" { print $2 }' "$out")
    errors=$(grep -o 'Socket errors:.*' "$out" || true)
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$out")
    non2xx=${non2xx:-0}
    max=$(awk '/^    Latency/ { print $4 }' "$out")
    printf '| %-9s | %10s | %8s | %8s | %8s | %s |\n' "$name" "$rps" "$p50" "$p99" "$max" \
        "${errors:-no socket errors}; non-2xx/3xx: $non2xx"
    if [[ -n $errors ]] || ((non2xx > 0)); then FAILED=1; fi
}

echo
echo "wrk -t2 -c64 -d$DURATION --latency, against $URL/ ($(nproc) cores)"
echo
echo "| run       | requests/s | p50      | p99      | max      | errors |"
echo "|-----------|------------|----------|----------|----------|--------|"
run steady "$URL/"
run mix -s "$WORK/serve-load.lua" "$URL"

# Rebuilds all along: a postmortem saved every 0.5 s, site.toml every 2 s.
(
    n=0
    while true; do
        n=$((n + 1))
        printf '\nLoad test edit %d.\n' "$n" >>"$POSTMORTEM"
        if ((n % 4 == 0)); then
            printf '\n# load test %d\n' "$n" >>"$SITE/site.toml"
        fi
        sleep 0.5
    done
) &
EDITOR_PID=$!
before=$(grep -c '^Rebuilt' "$WORK/serve.log" || true)
run rebuilds -s "$WORK/serve-load.lua" "$URL"
kill "$EDITOR_PID" 2>/dev/null || true
wait "$EDITOR_PID" 2>/dev/null || true
EDITOR_PID=""
sleep 1
after=$(grep -c '^Rebuilt' "$WORK/serve.log" || true)
full=$(grep '^Rebuilt' "$WORK/serve.log" | tail -n +"$((before + 1))" | grep -c '(full)' || true)

# Idle and slow clients all along: 200 connections that send nothing, 50 that send a
# request line and then one header byte a second (the server closes each after 10 s
# without a whole request; the attacker opens them again).
(
    while true; do
        fds=()
        for _ in $(seq 1 200); do
            exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" && fds+=("$fd")
        done
        slow=()
        for _ in $(seq 1 50); do
            exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" && slow+=("$fd")
            printf 'GET / HTTP/1.1\r\nX-Slow: ' >&"$fd" 2>/dev/null || true
        done
        for _ in $(seq 1 10); do
            for fd in "${slow[@]}"; do printf 'a' >&"$fd" 2>/dev/null || true; done
            sleep 1
        done
        for fd in "${fds[@]}" "${slow[@]}"; do exec {fd}>&-; done
    done
) &
ATTACK_PID=$!
# Wait until the attack holds its connections (one server socket each), 10 s at most.
sockets() { find "/proc/$SERVER_PID/fd" -lname 'socket:*' 2>/dev/null | wc -l; }
for _ in $(seq 1 100); do
    (($(sockets) >= 250)) && break
    sleep 0.1
done
attackers=$(sockets)
run attacked -s "$WORK/serve-load.lua" "$URL"
kill "$ATTACK_PID" 2>/dev/null || true
wait "$ATTACK_PID" 2>/dev/null || true
ATTACK_PID=""
sleep 2
echo
echo "rebuilds during the third run: $((after - before)) ($full of them full)"
echo "server sockets when the fourth run began (one per open connection): $attackers"

threads=$(ls "/proc/$SERVER_PID/task" | wc -l)
rss=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status")
echo "the server afterwards: $threads threads, ${rss} MiB resident"
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    say "the server died"; cat "$WORK/serve.log" >&2; exit 1
fi

if ((BIG)); then
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    CORPORA=${BENCH_DIR:-/tmp/hindsight-bench}
    if [[ ! -f $CORPORA/hs-10000/.complete ]]; then
        say "generating 10,000 postmortems"
        rm -rf "$CORPORA/hs-10000" && mkdir -p "$CORPORA/hs-10000/content"
        python3 "$ROOT/../shared/bench/gen_corpus.py" --n 10000 --out "$CORPORA/hs-10000/content" \
            --format hindsight --site-toml "$CORPORA/hs-10000/site.toml" 2>/dev/null
        touch "$CORPORA/hs-10000/.complete"
    fi
    BIG_SITE=$WORK/big
    mkdir -p "$BIG_SITE"
    cp -r "$CORPORA/hs-10000/site.toml" "$CORPORA/hs-10000/content" "$BIG_SITE/"
    say "starting serve on 10,000 postmortems (first build and search index)"
    start_server "$BIG_SITE" "$WORK/big.log"
    write_mix
    sed -i 's|"/timeline/", ||; s|"/insights/", ||' "$WORK/serve-load.lua"
    before=$(grep -c '^Rebuilt' "$WORK/big.log" || true)
    # A new title changes every page: a full rebuild whose every page is new.
    ( sleep 2; sed -i '0,/^title = "/s//title = "Load test: /' "$BIG_SITE/site.toml" ) &
    DURATION=20s
    echo
    echo "| run       | requests/s | p50      | p99      | max      | errors |"
    echo "|-----------|------------|----------|----------|----------|--------|"
    run big --timeout 10s -s "$WORK/serve-load.lua" "$URL"
    ended=$(date +%s)
    rebuilt=""
    for _ in $(seq 1 1200); do
        rebuilt=$(grep '^Rebuilt' "$WORK/big.log" | tail -n +"$((before + 1))" | head -n1 || true)
        [[ -n $rebuilt ]] && break
        sleep 0.1
    done
    echo
    echo "the full rebuild started 2 s into the fifth run: ${rebuilt:-it never finished}, done $(( $(date +%s) - ended )) s after the run ended"
    grep -o 'paths = {.*' "$WORK/serve-load.lua" | head -n1 >&2
    kill -0 "$SERVER_PID" 2>/dev/null || { say "the server died"; cat "$WORK/big.log" >&2; exit 1; }
fi
if ((FAILED)); then
    say "errors under load: see the table"
    for f in "$WORK"/wrk-*.txt; do say "--- $f"; cat "$f" >&2; done
    exit 1
fi
