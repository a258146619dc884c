#!/usr/bin/env bash
# Runs Yelp's detect-secrets over the secret-scan corpus (tests/fixtures/secrets/content)
# and fails unless hindsight reports every secret detect-secrets reports there, on the
# same file and line, save the deliberate differences listed (with their reasons) in
# tests/fixtures/secrets/detect-secrets-differences.txt. Needs `detect-secrets` on PATH
# (`pip install detect-secrets`) and a built hindsight (HINDSIGHT_BIN, default
# target/debug/hindsight).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=tests/fixtures/secrets
bin="${HINDSIGHT_BIN:-${CARGO_TARGET_DIR:-target}/debug/hindsight}"
theirs="$(mktemp)"; ours="$(mktemp)"
trap 'rm -f "$theirs" "$ours"' EXIT
(cd "$corpus" && detect-secrets scan --all-files content) > "$theirs"
"$bin" check --root "$corpus" --format json > "$ours" || true
python3 - "$theirs" "$ours" "$corpus/detect-secrets-differences.txt" <<'PY'
import json, sys
theirs = json.load(open(sys.argv[1]))["results"]
ours = json.load(open(sys.argv[2]))["diagnostics"]
found = {(d["file"], d["line"]) for d in ours
         if d["level"] == "error" and d["message"].startswith("likely credential")}
allowed = {}
for line in open(sys.argv[3]):
    line = line.strip()
    if line and not line.startswith("#"):
        where, reason = line.split(" ", 1)
        file, num = where.rsplit(":", 1)
        allowed[(file, int(num))] = reason
missed, explained = [], set()
for file, secrets in theirs.items():
    for s in secrets:
        key = ("content/" + file.removeprefix("content/"), s["line_number"])
        if key in found:
            continue
        if key in allowed:
            explained.add(key)
        else:
            missed.append(f"{key[0]}:{key[1]}: {s['type']}")
total = sum(len(v) for v in theirs.values())
stale = sorted(set(allowed) - explained)
for m in missed:
    print(f"missed by hindsight: {m}")
for file, num in stale:
    print(f"listed as a difference but detect-secrets does not report it: {file}:{num}")
print(f"detect-secrets: {total} findings; hindsight: {len(found)} findings; "
      f"{len(explained)} deliberate differences; {len(missed)} missed")
sys.exit(1 if missed or stale else 0)
PY
