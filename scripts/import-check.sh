#!/usr/bin/env bash
# Proves `hindsight import` on a folder of freeform postmortems: each file is imported
# into its own fresh site (from `hindsight init`) and that site is built. Prints one
# line per file (what the import found, whether the build passed) and the counts:
# imported, not a postmortem, builds ok. When a truth table of the repository
# (tests/import-truth/*.tsv) or the folder's own `truth.tsv` has rows for the folder's
# documents, it then prints each wrong value and precision (right / written) and recall
# (right / stated) per field (scripts/import_score.py).
#
#   scripts/import-check.sh DIR            # e.g. ../shared/corpus/real
#   HINDSIGHT=path/to/hindsight scripts/import-check.sh DIR
#   KEEP=1 scripts/import-check.sh DIR     # keep the sites (the path is printed)
#
# Without HINDSIGHT, the binary is built with `cargo build --release` from this repository.
set -euo pipefail

if [[ $# -ne 1 || ! -d "$1" ]]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$(cd "$1" && pwd)

repo=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z "${HINDSIGHT:-}" ]]; then
    (cd "$repo" && cargo build --release --quiet --bin hindsight)
    target=${CARGO_TARGET_DIR:-$repo/target}
    HINDSIGHT=$target/release/hindsight
fi
[[ -x "$HINDSIGHT" ]] || { echo "error: $HINDSIGHT is not executable" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/import-check.XXXXXX")
if [[ -z "${KEEP:-}" ]]; then
    trap 'rm -rf "$work"' EXIT
else
    echo "sites kept in $work"
fi

# One pristine site; each file gets a copy without the example postmortem.
"$HINDSIGHT" init "$work/template" >/dev/null
rm -rf "$work/template/content"
mkdir -p "$work/template/content"

files=0 imported=0 not_pm=0 failed_import=0 builds=0
with_date=0 with_start=0 with_end=0

field() { # field NAME IMPORT_OUTPUT -> the value the import found for NAME, or "-"
    local value
    value=$(grep -m1 "^  found: $1: " <<<"$2" | sed -e "s/^  found: $1: //" -e 's/ (.*//' || true)
    echo "${value:--}"
}

printf '%-28s %-8s %-10s %-26s %-26s %s\n' FILE IMPORT DATE STARTED RESOLVED BUILD
for file in "$dir"/*; do
    [[ -f "$file" ]] || continue
    files=$((files + 1))
    name=$(basename "$file")
    site="$work/sites/$files"
    mkdir -p "$work/sites"
    cp -r "$work/template" "$site"

    if ! out=$("$HINDSIGHT" import --root "$site" "$file" 2>&1); then
        printf '%s\tdeclined\n' "$name" >>"$work/manifest.tsv"
        failed_import=$((failed_import + 1))
        printf '%-28s %-8s %s\n' "$name" "error" "$(head -n1 <<<"$out")"
        continue
    fi
    if grep -q ": not a postmortem: " <<<"$out"; then
        printf '%s\tdeclined\n' "$name" >>"$work/manifest.tsv"
        not_pm=$((not_pm + 1))
        printf '%-28s %-8s %s\n' "$name" "not-pm" "$(grep -m1 ': not a postmortem: ' <<<"$out" | sed 's/.*: not a postmortem: //')"
        continue
    fi
    imported=$((imported + 1))
    # The files written, in the order the importer reported them (" → PATH (wrote)").
    written=$(sed -n 's/^.* → \(.*\) (wrote)$/\1/p' <<<"$out" | while read -r p; do
        case "$p" in /*) echo "$p" ;; *) echo "$site/$p" ;; esac
    done | paste -sd '\t' -)
    printf '%s\timported\t%s\n' "$name" "$written" >>"$work/manifest.tsv"
    date=$(field date "$out")
    started=$(field started "$out")
    resolved=$(field resolved "$out")
    [[ "$date" != "-" ]] && with_date=$((with_date + 1))
    [[ "$started" != "-" ]] && with_start=$((with_start + 1))
    [[ "$resolved" != "-" ]] && with_end=$((with_end + 1))

    if log=$("$HINDSIGHT" build --root "$site" --no-search 2>&1); then
        builds=$((builds + 1))
        result="ok"
    else
        first=$(grep -m1 '^error' <<<"$log" | sed -e 's/^error: //' -e 's#content/imported/[^:]*:[0-9:]*##' || true)
        result="FAIL${first:+:$first}"
    fi
    printf '%-28s %-8s %-10s %-26s %-26s %s\n' "$name" "ok" "$date" "$started" "$resolved" "$result"
done

echo
echo "files:                 $files"
echo "imported:              $imported"
echo "not a postmortem:      $not_pm"
[[ $failed_import -gt 0 ]] && echo "import errors:         $failed_import"
echo "with date:             $with_date"
echo "with started:          $with_start"
echo "with resolved:         $with_end"
echo "builds ok:             $builds"
echo "(a date, start or end is left out unless the document states it; see each file's report with"
echo " \`hindsight import --dry-run FILE\`)"

truth=("$repo"/tests/import-truth/*.tsv)
[[ -f "$dir/truth.tsv" ]] && truth+=("$dir/truth.tsv")
echo
python3 "$repo/scripts/import_score.py" "$dir" "$work/manifest.tsv" "${truth[@]}"
