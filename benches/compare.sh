#!/usr/bin/env bash
# hindsight against Hugo on the same synthetic postmortems, side by side in one run.
#
# Usage: benches/compare.sh [--quick] [--no-serve] [--search-off-only]
#
# For 1,000 and 10,000 postmortems (../shared/bench/gen_corpus.py), builds each size with
# hindsight (release build, full default theme) and with Hugo (benches/hugo-site/,
# highlighting on, taxonomies for root causes and services), interleaving the runs pair by
# pair, and prints the median wall time, the peak memory (max RSS) and the ratio
# hindsight/Hugo. Then: what search adds at 10,000; 1,000 and 100,000 postmortems with
# hindsight only, with search and without (cost per postmortem); a no-change rebuild
# against a cold build; start-up on the example site against Hugo on the same files; and
# the dev servers' save-to-served latency (../shared/bench/edit_latency.py) on the 10,000
# corpus.
#
# --quick: fewer runs, no 100,000 corpus, fewer edits (a few minutes instead of ~25).
# --search-off-only: build hindsight with --no-search only (search on costs the most time).
# --no-serve: skip the dev servers' latency (the longest part with search on).
# RUNS=N overrides the number of runs per figure (5, or 3 with --quick).
# BENCH_DIR (default /tmp/hindsight-bench) holds the corpora and outputs; corpora are
# reused between runs. Installs Hugo and GNU time from Debian's packages if missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$ROOT/../shared/bench
WORK=${BENCH_DIR:-/tmp/hindsight-bench}
QUICK=0 SERVE=1 SEARCH_ON=1
for arg in "$@"; do
    case $arg in
        --quick) QUICK=1 ;;
        --no-serve) SERVE=0 ;;
        --search-off-only) SEARCH_ON=0 ;;
        *) echo "usage: $0 [--quick] [--no-serve] [--search-off-only]" >&2; exit 2 ;;
    esac
done
if ((QUICK)); then RUNS=${RUNS:-3}; TRIALS=5; else RUNS=${RUNS:-5}; TRIALS=10; fi
SIZES=(1000 10000)
BIG=100000

say() { printf '%s\n' "$*" >&2; }

# --- tools ---------------------------------------------------------------------------
install_debian() {
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo=sudo
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null
}
command -v hugo >/dev/null || { say "installing hugo (Debian package)"; install_debian hugo; }
[[ -x /usr/bin/time ]] || { say "installing GNU time"; install_debian time; }

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
say "building hindsight (release)"
(cd "$ROOT" && cargo build --release --quiet)
HS=$CARGO_TARGET_DIR/release/hindsight
SEARCH_FLAG=""
"$HS" build --help | grep -q -- '--no-search' && SEARCH_FLAG="--no-search"

# --- measuring -------------------------------------------------------------------------
# run CMD...: runs it once, quietly; prints "<milliseconds> <max RSS in KB> <CPU ms>" (CPU:
# user + system time of the process and its threads). Fails loudly. Dirty pages of the
# previous run are flushed first, so no run pays for another's writes.
run() {
    local stats=$WORK/.time t0 t1
    sync
    t0=$(date +%s%N)
    if ! /usr/bin/time -f '%M %U %S' -o "$stats" "$@" >"$WORK/.log" 2>&1; then
        say "failed: $*"; cat "$WORK/.log" >&2; exit 1
    fi
    t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000000 )) $(tail -n1 "$stats" | awk '{ printf "%d %.0f", $1, 1000 * ($2 + $3) }')"
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
max() { sort -g | tail -n1; }
ms() { awk -v v="$1" 'BEGIN { printf "%.0f ms", v }'; }
mb() { awk -v v="$1" 'BEGIN { printf "%.0f MB", v / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# --- corpora ---------------------------------------------------------------------------
corpus() { # N -> $WORK/hs-N (hindsight site) and $WORK/hugo-N (Hugo site)
    local n=$1
    if [[ ! -f $WORK/hs-$n/.complete ]]; then
        say "generating $n postmortems"
        rm -rf "$WORK/hs-$n" && mkdir -p "$WORK/hs-$n/content"
        python3 "$SHARED/gen_corpus.py" --n "$n" --out "$WORK/hs-$n/content" \
            --format hindsight --site-toml "$WORK/hs-$n/site.toml" 2>/dev/null
        touch "$WORK/hs-$n/.complete"
    fi
    if [[ $n -le 10000 && ! -f $WORK/hugo-$n/.complete ]]; then
        rm -rf "$WORK/hugo-$n" && mkdir -p "$WORK/hugo-$n"
        cp -r "$ROOT/benches/hugo-site/config.toml" "$ROOT/benches/hugo-site/layouts" "$WORK/hugo-$n/"
        python3 "$SHARED/gen_corpus.py" --n "$n" --out "$WORK/hugo-$n/content/postmortems" \
            --format yaml 2>/dev/null
        touch "$WORK/hugo-$n/.complete"
    fi
}

# Every cold build writes into a new folder under $OUT, removed only at the end. On ext4
# without a journal (as on this machine's disk: `/sys/fs/ext4/<dev>/journal_task` says
# `<none>`) the inode allocator skips every inode freed in the last 60 s, or 360 s while
# its inode-table block is not yet written back, and rescans them for each new inode
# (`recently_deleted`): a build just after 10,000 folders were deleted spends several
# times the system time, whichever tool it is. So nothing is deleted between the runs
# compared, and the cold builds and the linear-cost runs wait until `DELETED` (this
# script's last deletion, of the previous run's outputs too) is more than 6 minutes old.
OUT=$WORK/out
DELETED=$WORK/.deleted
remove_outputs() { [[ -e $OUT ]] && rm -rf "$OUT" && sync && touch "$DELETED"; true; }
wait_for_deletions() {
    [[ -e $DELETED ]] || return 0
    local wait_s=$((360 - ($(date +%s) - $(stat -c %Y "$DELETED"))))
    if ((wait_s > 0)); then
        say "waiting ${wait_s} s: ext4 without a journal skips inodes freed in the last 6 minutes (see OUT)"
        sleep "$wait_s"
    fi
}
remove_outputs && mkdir -p "$OUT"
trap remove_outputs EXIT
fresh() { mktemp -u "$OUT/$1-XXXXXX"; }
# hindsight cold: a new output folder has no cache beside it, so every page is rendered.
hs_cold() { run "$HS" build --root "$1" --output "$(fresh hs)" "${@:2}"; }
hugo_cold() { rm -rf "$1/resources"; run hugo --quiet --source "$1" --destination "$(fresh hugo)"; }

mkdir -p "$WORK"
say "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
say "hindsight $("$HS" --version | cut -d' ' -f2), $(hugo version | cut -d' ' -f2)"
declare -A COLD_MS
for n in "${SIZES[@]}"; do corpus "$n"; done
# The previous run's outputs (removed above) would slow the first builds (see OUT).
wait_for_deletions
echo
printf '%-34s %12s %10s %12s %10s %8s %8s %8s\n' "cold build" "hindsight" "peak" "Hugo" "peak" "time" "memory" "CPU"
for n in "${SIZES[@]}"; do
    variants=("")
    [[ -n $SEARCH_FLAG ]] && variants=("" "$SEARCH_FLAG")
    [[ -n $SEARCH_FLAG ]] && ((!SEARCH_ON)) && variants=("$SEARCH_FLAG")
    for flag in "${variants[@]}"; do
        hs_t=() hs_m=() hu_t=() hu_m=() ratios=() cpu_ratios=()
        for ((i = 0; i < RUNS; i++)); do
            # shellcheck disable=SC2086 # $flag is one word or nothing
            read -r t m c < <(hs_cold "$WORK/hs-$n" $flag); hs_t+=("$t"); hs_m+=("$m")
            read -r t2 m2 c2 < <(hugo_cold "$WORK/hugo-$n"); hu_t+=("$t2"); hu_m+=("$m2")
            ratios+=("$(ratio "$t" "$t2")")
            cpu_ratios+=("$(ratio "$c" "$c2")")
        done
        ht=$(printf '%s\n' "${hs_t[@]}" | median); hm=$(printf '%s\n' "${hs_m[@]}" | max)
        ut=$(printf '%s\n' "${hu_t[@]}" | median); um=$(printf '%s\n' "${hu_m[@]}" | max)
        r=$(printf '%s\n' "${ratios[@]}" | median)
        COLD_MS[$n$flag]=$ht
        label="$n postmortems${flag:+ ($flag)}"
        cr=$(printf '%s\n' "${cpu_ratios[@]}" | median)
        printf '%-34s %12s %10s %12s %10s %8s %8s %8s\n' "$label" "$(ms "$ht")" "$(mb "$hm")" \
            "$(ms "$ut")" "$(mb "$um")" "${r}x" "$(ratio "$hm" "$um")x" "${cr}x"
    done
done
echo "(median of $RUNS runs each, pair by pair; time = median of the per-pair ratios hindsight/Hugo; memory = ratio of peak RSS; CPU = median of the per-pair ratios of user + system time)"
echo

# --- what search adds ------------------------------------------------------------------
# The same 10,000 built with search and without, pair by pair (the target: search adds at
# most 30 % to the cold build).
if [[ -n $SEARCH_FLAG ]] && ((SEARCH_ON)); then
    n=${SIZES[-1]}
    on_t=() off_t=() on_m=() off_m=() time_ratios=() cpu_ratios=()
    for ((i = 0; i < RUNS; i++)); do
        read -r t m c < <(hs_cold "$WORK/hs-$n"); on_t+=("$t"); on_m+=("$m")
        read -r t2 m2 c2 < <(hs_cold "$WORK/hs-$n" "$SEARCH_FLAG"); off_t+=("$t2"); off_m+=("$m2")
        time_ratios+=("$(ratio "$t" "$t2")")
        cpu_ratios+=("$(ratio "$c" "$c2")")
    done
    echo "search on / off, $n postmortems: $(ms "$(printf '%s\n' "${on_t[@]}" | median)") / $(ms "$(printf '%s\n' "${off_t[@]}" | median)"), peak $(mb "$(printf '%s\n' "${on_m[@]}" | max)") / $(mb "$(printf '%s\n' "${off_m[@]}" | max)"); time ratio $(printf '%s\n' "${time_ratios[@]}" | median)x, CPU ratio $(printf '%s\n' "${cpu_ratios[@]}" | median)x (medians of $RUNS pairs)"
    echo
fi

# --- linear cost -----------------------------------------------------------------------
# hindsight only: Hugo's peak memory grows with the site (about 2 GB at 10,000), so at
# 100,000 it would need most of this machine's memory, and the target is about hindsight's
# own cost per postmortem. 1,000 and 100,000 are built here, one after the other, with
# search and without; swap used during the runs is read from /proc/vmstat (pswpout).
if ((!QUICK)); then
    # Make room for four builds of 100,000 (about 5 GB each), then wait (see OUT).
    remove_outputs && mkdir -p "$OUT"
    corpus "$BIG"
    wait_for_deletions
    swap_before=$(awk '/^pswpout/ { print $2 }' /proc/vmstat)
    flags=("")
    [[ -n $SEARCH_FLAG ]] && flags+=("$SEARCH_FLAG")
    [[ -n $SEARCH_FLAG ]] && ((!SEARCH_ON)) && flags=("$SEARCH_FLAG")
    for flag in "${flags[@]}"; do
        small_t=() big_t=() big_m=()
        for ((i = 0; i < RUNS; i++)); do
            # shellcheck disable=SC2086 # $flag is one word or nothing
            read -r t _ < <(hs_cold "$WORK/hs-1000" $flag); small_t+=("$t")
        done
        for ((i = 0; i < 2; i++)); do
            # shellcheck disable=SC2086
            read -r t m _ < <(hs_cold "$WORK/hs-$BIG" $flag); big_t+=("$t"); big_m+=("$m")
        done
        st=$(printf '%s\n' "${small_t[@]}" | median)
        bt=$(printf '%s\n' "${big_t[@]}" | median); bm=$(printf '%s\n' "${big_m[@]}" | max)
        per_small=$(awk -v t="$st" 'BEGIN { print t / 1000 }')
        per_big=$(awk -v t="$bt" -v n="$BIG" 'BEGIN { print t / n }')
        printf 'linear cost%s: %s postmortems in %s (peak %s): %.3f ms per postmortem, against %.3f ms at 1,000 (%s): %sx\n' \
            "${flag:+ ($flag)}" "$BIG" "$(ms "$bt")" "$(mb "$bm")" "$per_big" "$per_small" "$(ms "$st")" "$(ratio "$per_big" "$per_small")"
    done
    swapped=$(($(awk '/^pswpout/ { print $2 }' /proc/vmstat) - swap_before))
    printf '  (100,000: median of 2 runs, 1,000: of %s; %s pages swapped out during them; swap configured: %s)\n' \
        "$RUNS" "$swapped" "$(awk '/SwapTotal/ { printf "%.0f MB", $2 / 1024 }' /proc/meminfo)"
    echo
fi

# --- no-change rebuild -------------------------------------------------------------------
n=10000
warm_flag=""
((SEARCH_ON)) || warm_flag=$SEARCH_FLAG
warm_out=$(fresh warm)
# shellcheck disable=SC2086 # $warm_flag is one word or nothing
run "$HS" build --root "$WORK/hs-$n" --output "$warm_out" $warm_flag >/dev/null
warm_t=()
for ((i = 0; i < RUNS; i++)); do
    # shellcheck disable=SC2086
    read -r t _ < <(run "$HS" build --root "$WORK/hs-$n" --output "$warm_out" $warm_flag); warm_t+=("$t")
done
wt=$(printf '%s\n' "${warm_t[@]}" | median)
pct() { awk -v w="$1" -v c="$2" 'BEGIN { printf "%.1f%%", 100 * w / c }'; }
printf 'no-change rebuild of %s%s: %s' "$n" "${warm_flag:+ ($warm_flag)}" "$(ms "$wt")"
[[ -n ${COLD_MS[$n]:-} ]] && printf ', %s of the cold build (%s)' \
    "$(pct "$wt" "${COLD_MS[$n]}")" "$(ms "${COLD_MS[$n]}")"
[[ -n $SEARCH_FLAG ]] && printf ', %s of the cold build with %s (%s)' \
    "$(pct "$wt" "${COLD_MS[$n$SEARCH_FLAG]}")" "$SEARCH_FLAG" "$(ms "${COLD_MS[$n$SEARCH_FLAG]}")"
echo

# --- start-up on the example site ------------------------------------------------------------
ex_hugo=$WORK/hugo-example
rm -rf "$ex_hugo" && mkdir -p "$ex_hugo/content/postmortems"
cp -r "$ROOT/benches/hugo-site/config.toml" "$ROOT/benches/hugo-site/layouts" "$ex_hugo/"
(cd "$ROOT/content" && cp -r . "$ex_hugo/content/postmortems/")
hs_s=() hs_ns=() hu_s=() su_ratios=() su_ratios_ns=()
for ((i = 0; i < RUNS * 2; i++)); do
    read -r t _ < <(run "$HS" build --root "$ROOT" --output "$(fresh example)"); hs_s+=("$t")
    read -r t2 _ < <(hugo_cold "$ex_hugo"); hu_s+=("$t2")
    su_ratios+=("$(ratio "$t" "$t2")")
    if [[ -n $SEARCH_FLAG ]]; then
        read -r t3 _ < <(run "$HS" build --root "$ROOT" --output "$(fresh example)" "$SEARCH_FLAG")
        hs_ns+=("$t3"); su_ratios_ns+=("$(ratio "$t3" "$t2")")
    fi
done
printf 'start-up, example site (%s postmortems): hindsight %s, Hugo %s on the same files: %sx' \
    "$(find "$ROOT/content" -name '*.md' | wc -l)" "$(ms "$(printf '%s\n' "${hs_s[@]}" | median)")" \
    "$(ms "$(printf '%s\n' "${hu_s[@]}" | median)")" "$(printf '%s\n' "${su_ratios[@]}" | median)"
[[ -n $SEARCH_FLAG ]] && printf '; hindsight %s %s: %sx' "$SEARCH_FLAG" \
    "$(ms "$(printf '%s\n' "${hs_ns[@]}" | median)")" "$(printf '%s\n' "${su_ratios_ns[@]}" | median)"
echo

# --- dev server: save → served -----------------------------------------------------------------
((SERVE)) || exit 0
file=$(find "$WORK/hs-$n/content" -name '*.md' | sort | sed -n 5000p)
slug=$(basename "$file" .md)
latency() { python3 "$SHARED/edit_latency.py" --trials "$TRIALS" "$@" 2>&1 | tail -n1; }
port=$((20000 + RANDOM % 20000))
echo "serve edit latency, $n postmortems (save → the edited page served with the edit):"
hs_serve() {
    latency --file "$file" --url "http://127.0.0.1:$port/postmortems/$slug/" \
        -- "$HS" serve --root "$WORK/hs-$n" --port "$port"
    port=$((port + 1))
}
echo "  hindsight serve:                  $(hs_serve)"
if [[ -n $SEARCH_FLAG ]]; then
    # serve has no --no-search; site.toml's `search = false` does the same.
    cp "$WORK/hs-$n/site.toml" "$WORK/site.toml.orig"
    { echo "search = false"; cat "$WORK/site.toml.orig"; } >"$WORK/hs-$n/site.toml"
    echo "  hindsight serve (search = false): $(hs_serve)"
    mv "$WORK/site.toml.orig" "$WORK/hs-$n/site.toml"
fi
hfile=$WORK/hugo-$n/content/postmortems/$slug.md
echo "  hugo server:                      $(latency --file "$hfile" --url "http://127.0.0.1:$port/postmortems/$slug/" \
    -- hugo server --source "$WORK/hugo-$n" --bind 127.0.0.1 --port "$port" \
    --baseURL "http://127.0.0.1/" --disableLiveReload)"
