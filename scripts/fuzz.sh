#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 600), one after the other,
# each from a corpus seeded with the example content, the test fixtures and
# fuzz/seeds/<target>/. Needs nightly and cargo-fuzz (`cargo install cargo-fuzz`).
# Crashes, hangs (-timeout) and slow inputs land in fuzz/artifacts/<target>/;
# libFuzzer's output, with its final stats, in fuzz/logs/<target>.log.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(postmortem_file timeline_time import markdown)
fi

seed() {
  local target="$1" corpus="fuzz/corpus/$1"
  mkdir -p "$corpus"
  cp -n fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
  case "$target" in
    postmortem_file)
      find content tests/fixtures -name '*.md' -print0 |
        while IFS= read -r -d '' f; do cp -n "$f" "$corpus/$(echo "$f" | tr '/' '_')"; done ;;
    import)
      find tests/fixtures/import tests/fixtures/seeds -type f -print0 |
        while IFS= read -r -d '' f; do cp -n "$f" "$corpus/$(basename "$f")"; done ;;
    markdown)
      # The bodies of the example postmortems (the front matter stripped).
      for f in content/*/*.md; do
        awk 'n>=2 {print} /^---$/ {n++}' "$f" >"$corpus/$(echo "$f" | tr '/' '_')"
      done ;;
  esac
}

mkdir -p fuzz/logs
for target in "${targets[@]}"; do
  seed "$target"
  mkdir -p "fuzz/artifacts/$target"
  echo "fuzzing $target for ${seconds}s (log: fuzz/logs/$target.log)"
  # -timeout: an input taking over 10 s is a hang; -report_slow_units: over 2 s is
  # reported as slow; -print_final_stats: executions and coverage for fuzz/README.md.
  (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -report_slow_units=2 -print_final_stats=1 \
    -artifact_prefix="artifacts/$target/") >"fuzz/logs/$target.log" 2>&1 || {
    echo "$target: finding (see fuzz/logs/$target.log and fuzz/artifacts/$target/)"
    status=1
  }
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "fuzz/logs/$target.log" || true
done
exit "${status:-0}"
